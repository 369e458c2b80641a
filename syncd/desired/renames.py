"""Configarr's `renameQualityProfiles` and `cloneQualityProfiles`, applied once guide profiles
have their names. Pure: no I/O.

Configarr (`src/config.ts` `mergeConfigsAndTemplates`) first turns every included template,
`source: TRASH` ones too, into a profile named by its template, then renames, then clones,
and only then merges the profiles of one name. So here a profile's name is its config name,
else its guide profile's. Every rename `{from, to}`, in order, renames the profiles so named
and the score assignments (custom formats, CF groups) naming `from`. Then every clone copies
each profile named `from`, as the renames left them, to `to` right after it (Configarr does
not clone a clone), and the first assignment naming `from` in each list gets a copy for `to`
with its score. A renamed or cloned guide profile keeps its guide backing under its written
name; name-only entries fold into it afterwards, by the new name (`slots._merge_overlays`).
A `from` that no profile has is a warning at its line.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from syncd.config.model import InstanceConfig, ProfileRename, QualityProfileConfig, ScoreTarget
from syncd.desired.diagnostics import Diagnostics
from syncd.guides.model import GuideCatalog

_Targets = Callable[[tuple[ScoreTarget, ...]], tuple[ScoreTarget, ...]]


def apply_renames(instance: InstanceConfig, catalog: GuideCatalog, diags: Diagnostics) -> InstanceConfig:
    """`instance` with its profile renames and clones done (itself when it has none)."""
    if not instance.profile_renames and not instance.profile_clones:
        return instance
    guide_names = {tid.lower(): qp.name for tid, qp in catalog.quality_profiles.items()}

    def name(profile: QualityProfileConfig) -> str | None:
        if profile.name or profile.trash_id is None:
            return profile.name
        return guide_names.get(profile.trash_id.trash_id.lower())

    profiles = instance.quality_profiles
    for op in instance.profile_renames:
        _warn_unmatched(op, "renameQualityProfiles", [name(p) for p in profiles], diags)
        profiles = tuple(p.model_copy(update={"name": op.new}) if name(p) == op.old else p for p in profiles)
        instance = _retarget(instance, partial(_renamed, op=op))
    copies: dict[int, list[QualityProfileConfig]] = {}
    for op in instance.profile_clones:
        _warn_unmatched(op, "cloneQualityProfiles", [name(p) for p in profiles], diags)
        for index, profile in enumerate(profiles):
            if name(profile) == op.old:
                copies.setdefault(index, []).append(
                    profile.model_copy(update={"name": op.new, "origin": op.origin})
                )
        instance = _retarget(instance, partial(_cloned, op=op))
    cloned = tuple(p for index, profile in enumerate(profiles) for p in (profile, *copies.get(index, ())))
    return instance.model_copy(update={"quality_profiles": cloned})


def _retarget(instance: InstanceConfig, change: _Targets) -> InstanceConfig:
    """`instance` with `change` applied to every `assign_scores_to` list."""
    formats = tuple(
        f.model_copy(update={"assign_scores_to": change(f.assign_scores_to)}) for f in instance.custom_formats
    )
    groups = instance.custom_format_groups
    added = tuple(g.model_copy(update={"assign_scores_to": change(g.assign_scores_to)}) for g in groups.add)
    return instance.model_copy(
        update={"custom_formats": formats, "custom_format_groups": groups.model_copy(update={"add": added})}
    )


def _renamed(targets: tuple[ScoreTarget, ...], op: ProfileRename) -> tuple[ScoreTarget, ...]:
    return tuple(t.model_copy(update={"name": op.new}) if t.name == op.old else t for t in targets)


def _cloned(targets: tuple[ScoreTarget, ...], op: ProfileRename) -> tuple[ScoreTarget, ...]:
    found = next((t for t in targets if t.name == op.old), None)
    if found is None:
        return targets
    # Configarr copies the name and the score only (`{ name: cloneTarget, score: cf.score }`).
    return (*targets, ScoreTarget(name=op.new, score=found.score, origin=found.origin))


def _warn_unmatched(op: ProfileRename, key: str, names: list[str | None], diags: Diagnostics) -> None:
    if op.old not in names:
        diags.warning(
            op.origin,
            f"{key}: no quality profile is named '{op.old}' (by the config or by its guide profile)",
        )
