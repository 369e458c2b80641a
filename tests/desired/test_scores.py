from __future__ import annotations

from syncd.config.model import UNKNOWN_ORIGIN
from syncd.desired.custom_formats import Assignment, CfRequest
from syncd.desired.diagnostics import Diagnostics
from syncd.desired.scores import guide_score, profile_scores
from syncd.guides.model import GuideCustomFormat

from .conftest import at

CF = GuideCustomFormat(trash_id="a", name="A", trash_scores={"default": 100, "german": 40})
UNSCORED = GuideCustomFormat(trash_id="u", name="U")
AVAILABLE = {"a": CF, "u": UNSCORED}


def _request(*assignments: Assignment, trash_id: str = "a") -> CfRequest:
    return CfRequest(trash_id, "test", UNKNOWN_ORIGIN, assignments)


def _scores(
    *requests: CfRequest, score_set: str | None = None
) -> tuple[dict[str, dict[str, int]], Diagnostics]:
    diags = Diagnostics("x")
    return profile_scores(list(requests), AVAILABLE, {"p": score_set}, diags), diags


def test_score_set_is_used_when_the_cf_has_it() -> None:
    assert guide_score(CF, "german") == CF.trash_scores["german"]
    assert guide_score(CF, "french") == CF.trash_scores["default"]
    assert guide_score(UNSCORED, None) is None


def test_user_score_beats_the_guide_score() -> None:
    scores, _ = _scores(_request(Assignment("P", 7)), score_set="german")
    assert scores == {"P": {"a": 7}}


def test_profile_score_set_applies_to_guide_scores() -> None:
    scores, _ = _scores(_request(Assignment("P")), score_set="german")
    assert scores == {"P": {"a": CF.trash_scores["german"]}}


def test_cf_without_any_score_is_not_assigned() -> None:
    scores, _ = _scores(_request(Assignment("P"), trash_id="u"))
    assert scores == {}


def test_first_value_wins_and_conflicting_user_scores_warn() -> None:
    scores, diags = _scores(_request(Assignment("P", 1)), _request(Assignment("p", 2, origin=at(9))))
    assert scores == {"P": {"a": 1}}
    assert [(d.location, d.severity) for d in diags.items] == [("config.yml:9", "warning")]


def test_later_guide_score_silently_loses_to_an_earlier_user_score() -> None:
    scores, diags = _scores(_request(Assignment("P", 1)), _request(Assignment("P")))
    assert scores == {"P": {"a": 1}}
    assert diags.items == []


def test_use_default_score_forces_the_guide_score() -> None:
    scores, _ = _scores(_request(Assignment("P", 1)), _request(Assignment("P", 5, use_default=True)))
    assert scores == {"P": {"a": CF.trash_scores["default"]}}
