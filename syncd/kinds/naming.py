"""Sonarr/Radarr media naming (`/api/v3/config/naming`): config `media_naming:`, resolved to
API fields against the guide's naming formats (`syncd.desired.naming`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from syncd.domain.state import DesiredInstance
from syncd.kinds.config_singleton import ConfigSingleton


class MediaNaming(ConfigSingleton):
    name: ClassVar[str] = "media_naming"
    endpoint: ClassVar[str] = "config/naming"

    def desired_fields(self, desired: DesiredInstance) -> Mapping[str, Any] | None:
        return desired.naming
