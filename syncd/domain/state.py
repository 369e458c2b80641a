"""Desired state, live state and ownership of one Sonarr/Radarr instance.

`DesiredInstance` is what config + guide resolve to (built by `syncd.desired.resolve`); the
resource kinds compare it with what the server holds. `Ownership` records which server ids
syncd manages. Nothing here does I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import Field

from syncd.domain.policy import DeletePolicy, ResetScores
from syncd.domain.resources import CustomFormat, ProfileItem, QualitySize, Value
from syncd.errors import Diagnostic

Service = Literal["sonarr", "radarr"]


class DesiredCustomFormat(Value):
    trash_id: str
    custom_format: CustomFormat
    # Why it is wanted: "from profile WEB-1080p", "from group [Unwanted] Unwanted Formats", ...
    reason: str = ""


class DesiredProfile(Value):
    """A profile as the config wants it.

    `key` is the ownership key: the guide trash_id for guide-backed profiles (with the name
    when one trash_id is used twice: `trash_id:name`), else the name. `scores` maps CF
    trash_id -> score for the CFs this profile scores. With `reset_unmatched.enabled`, every
    other CF score is set to 0 (except names/patterns listed). `create=False` marks a profile
    only named in `assign_scores_to`: it is updated if it exists, never created.
    The quality fields are `None` when the config leaves them to the server.
    """

    key: str
    name: str
    create: bool = True
    upgrade_allowed: bool | None = None
    cutoff: str | None = None
    items: tuple[ProfileItem, ...] | None = None
    min_format_score: int | None = None
    cutoff_format_score: int | None = None
    min_upgrade_format_score: int | None = None
    language: str | None = None
    scores: Mapping[str, int] = Field(default_factory=dict)
    reset_unmatched: ResetScores = ResetScores()
    reason: str = ""


class DesiredInstance(Value):
    service: Service
    name: str
    custom_formats: Mapping[str, DesiredCustomFormat] = Field(default_factory=dict)
    quality_profiles: tuple[DesiredProfile, ...] = ()
    # None when the config has no quality_definition.
    quality_sizes: tuple[QualitySize, ...] | None = None
    quality_titles: Mapping[str, str] = Field(default_factory=dict)
    # API field -> value; None when not configured.
    naming: Mapping[str, Any] | None = None
    media_management: Mapping[str, Any] | None = None
    delete: DeletePolicy = DeletePolicy()
    diagnostics: tuple[Diagnostic, ...] = ()

    @property
    def address(self) -> str:
        return f"{self.service}.{self.name}"


class LiveProfile(Value):
    """A server quality profile read into domain terms (`syncd.kinds.servarr_json`)."""

    id: int
    raw: Mapping[str, Any]
    name: str
    upgrade_allowed: bool
    cutoff: str
    items: tuple[ProfileItem, ...]
    min_format_score: int
    cutoff_format_score: int
    min_upgrade_format_score: int
    language: str | None = None
    # CF name -> score, for every format item the server lists.
    scores: Mapping[str, int] = Field(default_factory=dict)


class Ownership(Value):
    """Which server objects syncd manages: ownership key -> server id.

    `objects` holds the registry kinds' (kind name -> key -> id); `secrets` the sha256 of every
    sensitive value syncd last wrote (kind -> key -> field -> hash), since servers never give
    a secret back.
    """

    objects: Mapping[str, Mapping[str, int | str]] = Field(default_factory=dict)
    secrets: Mapping[str, Mapping[str, Mapping[str, str]]] = Field(default_factory=dict)
    # The server these ids belong to: its base URL and the identity it reports (see
    # `server_identity`); empty in state written before syncd recorded it.
    server: str = ""
