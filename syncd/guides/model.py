"""Typed views of the TRaSH Guides JSON and the parsed catalog of one guide checkout.

Parse-only models (`extra="ignore"`, frozen): they describe the guide's data as published,
with no knowledge of any server API. `GuideCatalog` indexes everything one service needs by
trash_id; `GuideSet` holds one per service (a plain class: it may build them on first use).
Building a catalog is `syncd.guides.catalog`'s job; this module does no I/O.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class GuideModel(BaseModel):
    # Validators are built on the first parse, not at import: a run that reads the catalog
    # cached for its revision (`catalog.load_cached`) never parses, so never pays for them.
    model_config = ConfigDict(frozen=True, extra="ignore", defer_build=True)


class GuideSpecification(GuideModel):
    """One CF condition as TRaSH writes it: `fields` is an object (`{"value": ...}`)."""

    name: str
    implementation: str
    negate: bool = False
    required: bool = False
    fields: Mapping[str, Any] = Field(default_factory=dict)


class GuideCustomFormat(GuideModel):
    trash_id: str
    name: str
    include_when_renaming: bool = Field(default=False, alias="includeCustomFormatWhenRenaming")
    specifications: tuple[GuideSpecification, ...] = ()
    trash_scores: Mapping[str, int] = Field(default_factory=dict)
    # Where it was read from (file path relative to the checkout), for diagnostics.
    source: str = ""


class GuideGroupMember(GuideModel):
    name: str
    trash_id: str
    required: bool = False
    default: bool = False


class GuideCfGroup(GuideModel):
    """A CF group. `default` is the group-level flag (`"true"` in the JSON).

    `include_profiles` maps profile name -> profile trash_id from `quality_profiles.include`;
    `exclude_profiles` keeps the pre-Feb-2026 `quality_profiles.exclude` for old pins.
    """

    trash_id: str
    name: str
    default: bool = False
    custom_formats: tuple[GuideGroupMember, ...] = ()
    include_profiles: Mapping[str, str] = Field(default_factory=dict)
    exclude_profiles: Mapping[str, str] = Field(default_factory=dict)
    source: str = ""


class GuideProfileItem(GuideModel):
    """One row of a guide profile's qualities, in display order (top = best)."""

    name: str
    allowed: bool = True
    items: tuple[str, ...] = ()


class GuideQualityProfile(GuideModel):
    trash_id: str
    name: str
    upgrade_allowed: bool = Field(default=True, alias="upgradeAllowed")
    cutoff: str
    min_format_score: int = Field(default=0, alias="minFormatScore")
    cutoff_format_score: int | None = Field(default=None, alias="cutoffFormatScore")
    min_upgrade_format_score: int | None = Field(default=None, alias="minUpgradeFormatScore")
    items: tuple[GuideProfileItem, ...] = ()
    # CF name -> trash_id, as in the JSON.
    format_items: Mapping[str, str] = Field(default_factory=dict, alias="formatItems")
    score_set: str | None = Field(default=None, alias="trash_score_set")
    language: str | None = None
    source: str = ""


class GuideQualitySize(GuideModel):
    quality: str
    min: float
    preferred: float
    max: float


class GuideQualityDefinition(GuideModel):
    trash_id: str
    type: str
    qualities: tuple[GuideQualitySize, ...] = ()
    source: str = ""


class GuideNaming(GuideModel):
    """The naming JSON as nested dicts: `{"series": {"default": "..."}, "episodes": {"standard": {...}}}`."""

    sections: Mapping[str, Any] = Field(default_factory=dict)


class GuideBrokenFile(GuideModel):
    """A guide file that could not be read (malformed JSON, missing trash_id, invalid shape).

    It is skipped; `trash_id` is set when the file still names one, so an instance that asks for
    it can be told which file broke it."""

    path: str
    kind: str
    error: str
    trash_id: str | None = None


class GuideCatalog(GuideModel):
    """Everything the guide publishes for one service, indexed by trash_id (and type for sizes)."""

    service: str
    custom_formats: Mapping[str, GuideCustomFormat] = Field(default_factory=dict)
    cf_groups: Mapping[str, GuideCfGroup] = Field(default_factory=dict)
    quality_profiles: Mapping[str, GuideQualityProfile] = Field(default_factory=dict)
    # keyed by `type` (series, anime, movie, sqp-uhd, ...)
    quality_definitions: Mapping[str, GuideQualityDefinition] = Field(default_factory=dict)
    naming: GuideNaming = GuideNaming()
    # each conflict set is a tuple of trash_ids that should not share a profile
    conflicts: tuple[tuple[str, ...], ...] = ()
    # files skipped because they could not be read; see `GuideBrokenFile`
    broken: tuple[GuideBrokenFile, ...] = ()


class GuideSet:
    """The catalogs of one guide checkout plus where it came from.

    A catalog may be handed over unbuilt, as the function that builds it: the catalogs read
    from the cache (`syncd.guides.catalog.load_cached`) are unpickled the first time their
    service is asked for, so a run that plans only Sonarr never pays for Radarr's. The files
    broken in either are known without building them (`broken`, given with unbuilt ones), as
    every run reports them."""

    def __init__(
        self,
        *,
        revision: str,
        sonarr: GuideCatalog | Callable[[], GuideCatalog],
        radarr: GuideCatalog | Callable[[], GuideCatalog],
        broken: tuple[GuideBrokenFile, ...] | None = None,
    ) -> None:
        if broken is None:
            if not (isinstance(sonarr, GuideCatalog) and isinstance(radarr, GuideCatalog)):
                raise TypeError("the broken files of unbuilt catalogs must be given")
            broken = sonarr.broken + radarr.broken
        self.revision = revision
        self.broken = broken
        self._catalogs = {"sonarr": sonarr, "radarr": radarr}
        self._building = threading.Lock()

    def for_service(self, service: str) -> GuideCatalog:
        key = "sonarr" if service == "sonarr" else "radarr"
        with self._building:
            catalog = self._catalogs[key]
            if not isinstance(catalog, GuideCatalog):
                catalog = self._catalogs[key] = catalog()
        return catalog

    @property
    def sonarr(self) -> GuideCatalog:
        return self.for_service("sonarr")

    @property
    def radarr(self) -> GuideCatalog:
        return self.for_service("radarr")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, GuideSet):
            return NotImplemented
        return (self.revision, self.sonarr, self.radarr) == (other.revision, other.sonarr, other.radarr)

    def __hash__(self) -> int:
        return hash(self.revision)

    def __repr__(self) -> str:
        return f"GuideSet(revision={self.revision!r})"
