"""The quality profiles an instance configures, with their final names and ownership keys.

A slot pairs a `quality_profiles` entry with its guide profile (when `trash_id` is set).
Names come from the config, else from the guide. Keys are the guide trash_id, or
`trash_id:name` for every entry when one trash_id is configured under several names, else
the profile name. `resolve_target` turns an `assign_scores_to` entry into profile names.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from syncd.config.model import InstanceConfig, QualityProfileConfig, ScoreTarget
from syncd.desired.diagnostics import Diagnostics
from syncd.guides.model import GuideCatalog, GuideQualityProfile


@dataclass(frozen=True)
class ProfileSlot:
    config: QualityProfileConfig
    guide: GuideQualityProfile | None
    name: str
    key: str

    @property
    def score_set(self) -> str | None:
        if self.config.score_set is not None:
            return self.config.score_set
        return self.guide.score_set if self.guide is not None else None


def plan_slots(instance: InstanceConfig, catalog: GuideCatalog, diags: Diagnostics) -> list[ProfileSlot]:
    """One slot per usable `quality_profiles` entry; unknown trash_ids and name clashes are errors."""
    guides = {tid.lower(): qp for tid, qp in catalog.quality_profiles.items()}
    found: list[tuple[QualityProfileConfig, GuideQualityProfile | None, str]] = []
    for cfg in instance.quality_profiles:
        guide = None
        if cfg.trash_id is not None:
            guide = guides.get(cfg.trash_id.trash_id.lower())
            if guide is None:
                diags.error(cfg.trash_id.origin, f"unknown quality profile trash_id {cfg.trash_id.trash_id}")
                continue
        name = cfg.name or (guide.name if guide is not None else "")
        if not name:
            diags.error(cfg.origin, "quality profile has neither name nor trash_id")
            continue
        found.append((cfg, guide, name))
    found = _merge_overlays(found)
    names_per_id = Counter(guide.trash_id for _, guide, _ in found if guide is not None)
    slots: list[ProfileSlot] = []
    seen: set[str] = set()
    for cfg, guide, name in found:
        if name.lower() in seen:
            diags.error(cfg.origin, f"quality profile name '{name}' is used twice")
            continue
        seen.add(name.lower())
        if guide is None:
            key = name
        elif names_per_id[guide.trash_id] > 1:
            key = f"{guide.trash_id}:{name}"
        else:
            key = guide.trash_id
        slots.append(ProfileSlot(config=cfg, guide=guide, name=name, key=key))
    return slots


_Found = tuple[QualityProfileConfig, GuideQualityProfile | None, str]


def _merge_overlays(found: list[_Found]) -> list[_Found]:
    """Fold a name-only entry into the guide-backed profile of the same name.

    Configarr merges profiles by name, so its users tweak an included TRaSH profile by writing
    `quality_profiles: [{name: WEB-1080p, min_format_score: 5}]`; the entry's values win over
    the guide-backed entry's, field by field (`upgrade` too). Two name-only entries, or two
    guide-backed ones, with one name stay a clash.
    """
    guide_backed = {name.lower(): i for i, (_, guide, name) in enumerate(found) if guide is not None}
    merged = list(found)
    dropped: set[int] = set()
    for index, (cfg, guide, name) in enumerate(found):
        target = guide_backed.get(name.lower())
        if guide is not None or target is None:
            continue
        base_cfg, base_guide, base_name = merged[target]
        merged[target] = (_overlay(base_cfg, cfg), base_guide, base_name)
        dropped.add(index)
    return [entry for i, entry in enumerate(merged) if i not in dropped]


def _overlay(base: QualityProfileConfig, tweak: QualityProfileConfig) -> QualityProfileConfig:
    defaults = QualityProfileConfig()
    updates = {
        field: getattr(tweak, field)
        for field in QualityProfileConfig.model_fields
        if field not in ("name", "trash_id", "origin", "upgrade")
        and getattr(tweak, field) is not None
        and getattr(tweak, field) != getattr(defaults, field)
    }
    upgrade = {k: v for k, v in tweak.upgrade.model_dump().items() if v is not None}
    updates["upgrade"] = base.upgrade.model_copy(update=upgrade)
    return base.model_copy(update=updates)


def resolve_target(
    target: ScoreTarget, slots: list[ProfileSlot], catalog: GuideCatalog, diags: Diagnostics
) -> str | None:
    """The profile name an `assign_scores_to` entry points at (None when it cannot be resolved)."""
    if target.name:
        return target.name
    if not target.profile_trash_id:
        diags.error(target.origin, "assign_scores_to entry has neither name nor trash_id")
        return None
    wanted = target.profile_trash_id.lower()
    matches = [s for s in slots if s.guide is not None and s.guide.trash_id.lower() == wanted]
    if len(matches) > 1:
        names = ", ".join(f"'{s.name}'" for s in matches)
        diags.error(
            target.origin,
            f"trash_id {target.profile_trash_id} matches several profiles ({names}); use name instead",
        )
        return None
    if matches:
        return matches[0].name
    guide = next((qp for tid, qp in catalog.quality_profiles.items() if tid.lower() == wanted), None)
    if guide is None:
        diags.error(target.origin, f"unknown quality profile trash_id {target.profile_trash_id}")
        return None
    return guide.name
