"""Configarr's `renameQualityProfiles` and `cloneQualityProfiles`, with Configarr's meaning
(`src/config.ts` `mergeConfigsAndTemplates`). Pure: no I/O.

After templates are merged, every rename `{from, to}` renames the profiles named `from` and
the score assignments (custom formats and CF groups) that target `from`; then every clone
`{from, to}` copies each profile named `from` as `to`, placed right after it, and gives every
custom format scored for `from` the same score for `to`. Renames run before clones, each list
in order. A name matched by no profile of the config is a warning: a profile that comes from
the guide (`source: TRASH`) is named by the guide, which syncd only reads later.
"""

from __future__ import annotations

import structlog

from syncd.config.dialects import get_list, list_maps, require_str
from syncd.config.model import CfGroupsConfig, CustomFormatEntry, Origin, QualityProfileConfig, ScoreTarget
from syncd.config.yamlfile import YamlMap

log = structlog.get_logger(__name__)

Profiles = tuple[QualityProfileConfig, ...]


def pairs(node: YamlMap, key: str) -> list[tuple[str, str, Origin]]:
    return [
        (require_str(item, "from", f"a {key} entry"), require_str(item, "to", f"a {key} entry"), item.origin)
        for item in list_maps(get_list(node, key), key)
    ]


def rename_and_clone(
    node: YamlMap, profiles: Profiles, formats: tuple[CustomFormatEntry, ...], groups: CfGroupsConfig
) -> tuple[Profiles, tuple[CustomFormatEntry, ...], CfGroupsConfig]:
    for old, new, origin in pairs(node, "renameQualityProfiles"):
        _warn_unmatched(profiles, old, origin, "renameQualityProfiles")
        profiles = tuple(p.model_copy(update={"name": new}) if p.name == old else p for p in profiles)
        formats = tuple(
            f.model_copy(update={"assign_scores_to": _renamed(f.assign_scores_to, old, new)}) for f in formats
        )
        groups = groups.model_copy(
            update={
                "add": tuple(
                    g.model_copy(update={"assign_scores_to": _renamed(g.assign_scores_to, old, new)})
                    for g in groups.add
                )
            }
        )
    for source, copy, origin in pairs(node, "cloneQualityProfiles"):
        _warn_unmatched(profiles, source, origin, "cloneQualityProfiles")
        cloned: list[QualityProfileConfig] = []
        for profile in profiles:
            cloned.append(profile)
            if profile.name == source:
                cloned.append(profile.model_copy(update={"name": copy, "origin": origin}))
        profiles = tuple(cloned)
        formats = tuple(
            f.model_copy(update={"assign_scores_to": _cloned(f.assign_scores_to, source, copy)})
            for f in formats
        )
    return profiles, formats, groups


def _renamed(targets: tuple[ScoreTarget, ...], old: str, new: str) -> tuple[ScoreTarget, ...]:
    return tuple(t.model_copy(update={"name": new}) if t.name == old else t for t in targets)


def _cloned(targets: tuple[ScoreTarget, ...], source: str, copy: str) -> tuple[ScoreTarget, ...]:
    found = next((t for t in targets if t.name == source), None)
    return targets if found is None else (*targets, found.model_copy(update={"name": copy}))


def _warn_unmatched(profiles: Profiles, name: str, origin: Origin, key: str) -> None:
    if not any(p.name == name for p in profiles):
        log.warning(
            "config.profile.unmatched",
            key=key,
            name=name,
            origin=str(origin),
            reason="no profile of the config has this name (a guide profile's name is the guide's)",
        )
