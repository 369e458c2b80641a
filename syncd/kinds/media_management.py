"""Sonarr/Radarr media management (`/api/v3/config/mediamanagement`): config
`media_management:` (API field names as written, e.g. `propersAndRepacks`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from syncd.domain.state import DesiredInstance
from syncd.kinds.config_singleton import ConfigSingleton


class MediaManagement(ConfigSingleton):
    name: ClassVar[str] = "media_management"
    endpoint: ClassVar[str] = "config/mediamanagement"

    def desired_fields(self, desired: DesiredInstance) -> Mapping[str, Any] | None:
        return desired.media_management
