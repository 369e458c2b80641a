"""Custom format scores per profile.

Precedence (Recyclarr and Configarr agree): the user's score (`assign_scores_to[].score`,
else the entry-level `score`) > the profile's score set (config `score_set`, else the guide
profile's `trash_score_set`) in the CF's `trash_scores` > `trash_scores.default`. A CF with
no resolvable score gets none. When one CF is assigned to one profile twice, the first value
wins (Recyclarr); differing user-written scores produce a warning. Configarr's
`use_default_score: true` forces the guide score over any other assignment.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from syncd.config.model import UNKNOWN_ORIGIN, Origin
from syncd.desired.custom_formats import CfRequest
from syncd.desired.diagnostics import Diagnostics
from syncd.guides.model import GuideCustomFormat


@dataclass(frozen=True)
class _Candidate:
    score: int
    explicit: bool
    forced: bool
    origin: Origin


def guide_score(cf: GuideCustomFormat, score_set: str | None) -> int | None:
    if score_set is not None and score_set in cf.trash_scores:
        return cf.trash_scores[score_set]
    return cf.trash_scores.get("default")


def profile_scores(
    requests: list[CfRequest],
    available: Mapping[str, GuideCustomFormat],
    score_sets: Mapping[str, str | None],
    diags: Diagnostics,
) -> dict[str, dict[str, int]]:
    """Profile name (first spelling seen) -> CF trash_id -> score.

    Profile names match case-insensitively; `score_sets` is keyed by lower-cased name.
    """
    by_id = {tid.lower(): cf for tid, cf in available.items()}
    candidates: dict[str, dict[str, list[_Candidate]]] = {}
    display: dict[str, str] = {}
    for request in requests:
        cf = by_id.get(request.trash_id.lower())
        if cf is None:
            continue
        for a in request.assignments:
            profile = a.profile.lower()
            display.setdefault(profile, a.profile)
            default = guide_score(cf, score_sets.get(profile))
            score = default if a.use_default or a.score is None else a.score
            if score is None:
                continue
            explicit = a.score is not None and not a.use_default
            origin = a.origin if a.origin != UNKNOWN_ORIGIN else request.origin
            candidates.setdefault(profile, {}).setdefault(cf.trash_id, []).append(
                _Candidate(score, explicit, a.use_default, origin)
            )
    result: dict[str, dict[str, int]] = {}
    for profile, per_cf in candidates.items():
        result[display[profile]] = {
            tid: _pick(cands, by_id[tid.lower()].name, display[profile], diags)
            for tid, cands in per_cf.items()
        }
    return result


def _pick(cands: list[_Candidate], cf_name: str, profile: str, diags: Diagnostics) -> int:
    forced = [c for c in cands if c.forced]
    if forced:
        return forced[0].score
    first = cands[0]
    explicit = [c for c in cands if c.explicit]
    for later in explicit[1:]:
        if later.score != explicit[0].score:
            diags.warning(
                later.origin,
                f"custom format '{cf_name}' gets score {later.score} in profile '{profile}' but an "
                f"earlier entry already set {explicit[0].score}; the first value wins",
            )
    return first.score
