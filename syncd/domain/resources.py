"""Server resources in syncd's terms, independent of any API's JSON shape.

Names stand in for ids: a quality profile's cutoff is the name of an item, its scores are
keyed by custom format name, qualities are listed top = most preferred. `syncd.kinds.servarr_json`
converts to and from the Sonarr/Radarr API shapes. Everything here is frozen and comparable,
so "did it change" is plain equality on these values.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Value(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Specification(Value):
    """One CF condition. `fields` maps field name -> value (`{"value": 2160}`)."""

    name: str
    implementation: str
    negate: bool = False
    required: bool = False
    fields: Mapping[str, Any] = Field(default_factory=dict)


class CustomFormat(Value):
    name: str
    include_when_renaming: bool = False
    specifications: tuple[Specification, ...] = ()


class ProfileItem(Value):
    """A row of a profile: one quality (`qualities == ()`) or a named group of qualities."""

    name: str
    allowed: bool = True
    qualities: tuple[str, ...] = ()

    @property
    def is_group(self) -> bool:
        return bool(self.qualities)


class QualityProfile(Value):
    """A whole quality profile. `items` top = most preferred; `scores` CF name -> score
    for every CF the server knows (0 where unscored)."""

    name: str
    upgrade_allowed: bool = True
    cutoff: str
    items: tuple[ProfileItem, ...]
    min_format_score: int = 0
    cutoff_format_score: int = 0
    min_upgrade_format_score: int = 1
    # Radarr only; None for Sonarr.
    language: str | None = None
    scores: Mapping[str, int] = Field(default_factory=dict)


class QualitySize(Value):
    """Size limits of one quality in MB per minute; `None` = unlimited."""

    quality: str
    min: float
    preferred: float | None
    max: float | None
