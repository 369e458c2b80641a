"""Small builders of domain values for planner tests."""

from __future__ import annotations

from typing import Any

from syncd.domain.resources import CustomFormat, ProfileItem, QualitySize, Specification
from syncd.domain.state import (
    DesiredCustomFormat,
    DesiredInstance,
    DesiredProfile,
    LiveCustomFormat,
    LiveInstance,
    LiveProfile,
    LiveQualityDefinition,
)

QUALITIES = ("WEBDL-1080p", "WEBRip-1080p", "Bluray-1080p", "HDTV-720p")


def cf(name: str, regex: str = "x", **kwargs: Any) -> CustomFormat:
    spec = Specification(name="title", implementation="ReleaseTitleSpecification", fields={"value": regex})
    return CustomFormat(name=name, specifications=(spec,), **kwargs)


def desired(**kwargs: Any) -> DesiredInstance:
    return DesiredInstance(service="sonarr", name="main", **kwargs)


def wanted_cfs(*pairs: tuple[str, CustomFormat]) -> dict[str, DesiredCustomFormat]:
    return {tid: DesiredCustomFormat(trash_id=tid, custom_format=c, reason="test") for tid, c in pairs}


def live_cf(cf_id: int, value: CustomFormat) -> LiveCustomFormat:
    return LiveCustomFormat(id=cf_id, raw={"id": cf_id}, custom_format=value)


def items() -> tuple[ProfileItem, ...]:
    return (
        ProfileItem(name="WEB 1080p", allowed=True, qualities=("WEBDL-1080p", "WEBRip-1080p")),
        ProfileItem(name="Bluray-1080p", allowed=False),
        ProfileItem(name="HDTV-720p", allowed=False),
    )


def live_profile(profile_id: int, name: str, scores: dict[str, int]) -> LiveProfile:
    return LiveProfile(
        id=profile_id,
        raw={"id": profile_id},
        name=name,
        upgrade_allowed=True,
        cutoff="WEB 1080p",
        items=items(),
        min_format_score=0,
        cutoff_format_score=10000,
        min_upgrade_format_score=1,
        scores=scores,
    )


def desired_profile(name: str = "WEB-1080p", **kwargs: Any) -> DesiredProfile:
    base: dict[str, Any] = {
        "key": name,
        "name": name,
        "upgrade_allowed": True,
        "cutoff": "WEB 1080p",
        "items": items(),
        "min_format_score": 0,
        "cutoff_format_score": 10000,
        "min_upgrade_format_score": 1,
    }
    base.update(kwargs)
    return DesiredProfile(**base)


def live(**kwargs: Any) -> LiveInstance:
    base: dict[str, Any] = {
        "service": "sonarr",
        "name": "main",
        "version": "4.0.19.2979",
        "qualities": QUALITIES,
    }
    base.update(kwargs)
    return LiveInstance(**base)


def live_definition(
    def_id: int, quality: str, low: float, preferred: float | None, high: float | None
) -> LiveQualityDefinition:
    return LiveQualityDefinition(
        id=def_id,
        raw={"id": def_id},
        title=quality,
        size=QualitySize(quality=quality, min=low, preferred=preferred, max=high),
    )
