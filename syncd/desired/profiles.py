"""Desired quality profiles: guide inheritance, qualities, cutoff, scores and their checks.

Guide-backed profiles take every field from the config when given, else from the guide
profile. User-defined profiles carry only what the config sets (`None` leaves the server's
value). Config `qualities` are listed top = best; the service's unlisted qualities are added
as not allowed below them (`quality_sort: top`) or above them (`bottom`). The cutoff is
`upgrade.until_quality`, else the guide's cutoff, else the first allowed row. Profiles only
named in `assign_scores_to` become `create=False` profiles carrying scores.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import TypeVar

from syncd.config.model import UNKNOWN_ORIGIN, Service
from syncd.desired.diagnostics import Diagnostics
from syncd.desired.qualities import quality_names
from syncd.desired.slots import ProfileSlot
from syncd.domain.resources import ProfileItem
from syncd.domain.state import DesiredProfile
from syncd.guides.model import GuideCatalog

_T = TypeVar("_T")


def build_profiles(
    service: Service,
    slots: list[ProfileSlot],
    scores: Mapping[str, Mapping[str, int]],
    catalog: GuideCatalog,
    diags: Diagnostics,
    *,
    known_score_sets: Collection[str] = (),
) -> tuple[DesiredProfile, ...]:
    """Configured profiles in config order, then implicit (`create=False`) ones.

    A `score_set` is known when some guide CF, or one of `known_score_sets`, has it.
    """
    by_name = {name.lower(): (name, per_cf) for name, per_cf in scores.items()}
    known_sets = {key for cf in catalog.custom_formats.values() for key in cf.trash_scores}
    known_sets.update(known_score_sets)
    profiles: list[DesiredProfile] = []
    for slot in slots:
        if slot.config.score_set is not None and slot.config.score_set not in known_sets:
            diags.error(
                slot.config.origin,
                f"unknown score_set '{slot.config.score_set}' in profile '{slot.name}' "
                f"(known: {', '.join(sorted(known_sets))})",
            )
        _, slot_scores = by_name.get(slot.name.lower(), (slot.name, {}))
        profile = _configured(service, slot, slot_scores, diags)
        _check_min_score(slot, profile, diags)
        _check_conflicts(slot, profile, catalog, diags)
        profiles.append(profile)
    configured = {slot.name.lower() for slot in slots}
    for lowered, (name, per_cf) in by_name.items():
        if lowered not in configured:
            profiles.append(
                DesiredProfile(
                    key=name, name=name, create=False, scores=dict(per_cf), reason="from assign_scores_to"
                )
            )
    return tuple(profiles)


def _configured(
    service: Service, slot: ProfileSlot, scores: Mapping[str, int], diags: Diagnostics
) -> DesiredProfile:
    cfg, guide = slot.config, slot.guide
    items = _items(service, slot, diags)
    cutoff = cfg.upgrade.until_quality or (guide.cutoff if guide is not None else None)
    if cutoff is None and items is not None:
        cutoff = next((item.name for item in items if item.allowed), None)
    _check_cutoff(service, slot, cutoff, items, diags)
    language = cfg.language or (guide.language if guide is not None else None)
    if service == "sonarr" and cfg.language is not None:
        diags.warning(cfg.origin, f"profile '{slot.name}': Sonarr profiles have no language; ignored")
    return DesiredProfile(
        key=slot.key,
        name=slot.name,
        upgrade_allowed=_first(cfg.upgrade.allowed, guide.upgrade_allowed if guide else None),
        cutoff=cutoff,
        items=items,
        min_format_score=_first(cfg.min_format_score, guide.min_format_score if guide else None),
        cutoff_format_score=_first(cfg.upgrade.until_score, guide.cutoff_format_score if guide else None),
        min_upgrade_format_score=_first(
            cfg.min_upgrade_format_score, guide.min_upgrade_format_score if guide else None
        ),
        language=language if service == "radarr" else None,
        scores=dict(scores),
        reset_unmatched=cfg.reset_unmatched_scores,
        reason=f"guide profile {guide.name}" if guide is not None else "from quality_profiles",
    )


def _first(value: _T | None, fallback: _T | None) -> _T | None:
    return value if value is not None else fallback


def _items(service: Service, slot: ProfileSlot, diags: Diagnostics) -> tuple[ProfileItem, ...] | None:
    cfg = slot.config
    if cfg.qualities is None:
        if slot.guide is None or not slot.guide.items:
            return None
        return tuple(ProfileItem(name=i.name, allowed=i.allowed, qualities=i.items) for i in slot.guide.items)
    known = quality_names(service)
    listed = [ProfileItem(name=e.name, allowed=e.enabled, qualities=e.qualities) for e in cfg.qualities]
    used: set[str] = set()
    for entry, item in zip(cfg.qualities, listed, strict=True):
        for quality in item.qualities or (item.name,):
            if quality not in known:
                where = entry.origin if entry.origin != UNKNOWN_ORIGIN else cfg.origin
                diags.error(where, f"profile '{slot.name}': unknown {service} quality '{quality}'")
            used.add(quality)
    rest = tuple(ProfileItem(name=q, allowed=False) for q in reversed(known) if q not in used)
    return (*listed, *rest) if cfg.quality_sort == "top" else (*rest, *listed)


def _check_cutoff(
    service: Service,
    slot: ProfileSlot,
    cutoff: str | None,
    items: tuple[ProfileItem, ...] | None,
    diags: Diagnostics,
) -> None:
    if cutoff is None:
        return
    if items is None:
        if cutoff not in quality_names(service):
            diags.warning(
                slot.config.origin,
                f"profile '{slot.name}': until_quality '{cutoff}' is not a {service} quality; "
                "it must name a quality group that exists on the server",
            )
        return
    if cutoff not in {item.name for item in items if item.allowed}:
        diags.error(slot.config.origin, f"profile '{slot.name}': cutoff '{cutoff}' is not an allowed quality")


def _check_min_score(slot: ProfileSlot, profile: DesiredProfile, diags: Diagnostics) -> None:
    """Sonarr/Radarr reject a minimum no release can reach: positive scores sum below it."""
    minimum = profile.min_format_score
    if minimum is None or minimum <= 0:
        return
    positive = sum(score for score in profile.scores.values() if score > 0)
    if positive < minimum:
        diags.error(
            slot.config.origin,
            f"profile '{slot.name}': min_format_score {minimum} can never be met; "
            f"its positive scores add up to {positive}",
        )


def _check_conflicts(
    slot: ProfileSlot, profile: DesiredProfile, catalog: GuideCatalog, diags: Diagnostics
) -> None:
    scored = set(profile.scores)
    for conflict in catalog.conflicts:
        clash = [tid for tid in conflict if tid in scored]
        if len(clash) > 1:
            names = ", ".join(
                f"'{catalog.custom_formats[tid].name}'" if tid in catalog.custom_formats else tid
                for tid in clash
            )
            diags.warning(
                slot.config.origin, f"profile '{slot.name}' scores conflicting custom formats {names}"
            )
