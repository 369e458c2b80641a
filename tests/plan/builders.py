"""Small builders of desired values and live server JSON for planner tests, and `plan`: one
instance planned through the registry kinds, as `syncd.app` plans it."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from syncd.domain.resources import CustomFormat, ProfileItem, QualityProfile, Specification
from syncd.domain.state import DesiredCustomFormat, DesiredInstance, DesiredProfile, Ownership
from syncd.kinds import registry, servarr_json
from syncd.kinds.base import Context
from syncd.plan import engine
from syncd.plan.model import InstancePlan

QUALITIES = ("WEBDL-1080p", "WEBRip-1080p", "Bluray-1080p", "HDTV-720p")
Raw = dict[str, Any]


def cf(name: str, regex: str = "x", **kwargs: Any) -> CustomFormat:
    spec = Specification(name="title", implementation="ReleaseTitleSpecification", fields={"value": regex})
    return CustomFormat(name=name, specifications=(spec,), **kwargs)


def desired(**kwargs: Any) -> DesiredInstance:
    return DesiredInstance(service="sonarr", name="main", **kwargs)


def wanted_cfs(*pairs: tuple[str, CustomFormat]) -> dict[str, DesiredCustomFormat]:
    return {tid: DesiredCustomFormat(trash_id=tid, custom_format=c, reason="test") for tid, c in pairs}


def live_cf(cf_id: int, value: CustomFormat) -> Raw:
    return {"id": cf_id, **servarr_json.custom_format_to_api(value)}


def items() -> tuple[ProfileItem, ...]:
    return (
        ProfileItem(name="WEB 1080p", allowed=True, qualities=("WEBDL-1080p", "WEBRip-1080p")),
        ProfileItem(name="Bluray-1080p", allowed=False),
        ProfileItem(name="HDTV-720p", allowed=False),
    )


def _quality_ids() -> dict[str, dict[str, Any]]:
    return {name: {"id": index, "name": name} for index, name in enumerate(QUALITIES, start=1)}


def live_profile(profile_id: int, name: str, scores: dict[str, int]) -> Raw:
    """A server profile; its `formatItems` name the formats (`live` gives them their ids)."""
    profile = QualityProfile(name=name, cutoff="WEB 1080p", items=items(), cutoff_format_score=10000)
    body = servarr_json.profile_to_api(profile, base={}, quality_ids=_quality_ids(), cf_ids_by_name={})
    body["formatItems"] = [{"name": n, "score": s} for n, s in scores.items()]
    return {"id": profile_id, **body}


def live_definition(
    def_id: int, quality: str, low: float, preferred: float | None, high: float | None
) -> Raw:
    return {
        "id": def_id,
        "quality": _quality_ids()[quality],
        "title": quality,
        "minSize": low,
        "preferredSize": preferred,
        "maxSize": high,
    }


def live(
    *,
    custom_formats: tuple[Raw, ...] = (),
    quality_profiles: tuple[Raw, ...] = (),
    quality_definitions: tuple[Raw, ...] | None = None,
    naming: Raw | None = None,
) -> dict[str, Any]:
    """What the kinds read of a server holding these objects."""
    ids = {c["name"]: c["id"] for c in custom_formats}
    profiles = [
        {**p, "formatItems": [{"format": ids.get(f["name"], -1), **f} for f in p["formatItems"]]}
        for p in quality_profiles
    ]
    definitions = quality_definitions or tuple(
        live_definition(i, q, 1.0, None, None) for i, q in enumerate(QUALITIES, start=1)
    )
    return {
        "customformat": list(custom_formats),
        "qualityprofile": profiles,
        "qualitydefinition": list(definitions),
        "config/naming": naming or {"id": 1},
        "config/mediamanagement": {"id": 1},
    }


def plan(wanted: DesiredInstance, reads: dict[str, Any], ownership: Ownership) -> InstancePlan:
    kinds = planned(wanted, reads, ownership)
    return InstancePlan(
        instance=wanted.address,
        service=wanted.service,
        changes=tuple(kinds.changes),
        diagnostics=wanted.diagnostics + tuple(kinds.diagnostics),
    )


def planned(wanted: DesiredInstance, reads: dict[str, Any], ownership: Ownership) -> engine.KindPlan:
    context = Context(wanted.address, wanted.service, desired=wanted)
    states = []
    for kind in registry.for_service(wanted.service):
        wants = replace(kind.wanted((), context), delete=engine.delete_rule(wanted.delete, kind.section))
        if wants.objects or wants.delete.owned or wants.delete.unmanaged:
            states.append(engine.KindState(kind=kind, wants=wants, found=kind.found(reads), reads=reads))
    return engine.plan_kinds(states, ownership, instance=wanted.address)


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
