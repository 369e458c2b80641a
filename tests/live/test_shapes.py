"""Replies that are JSON of the wrong shape are clear errors naming the endpoint and what was
wrong, never a TypeError/KeyError traceback (each case was seen crash syncd); `syncd.app`
turns one into that instance's plan error (`tests/e2e` checks the instance is named and the
others still sync). A create answered without an id: `tests/kinds/test_engine.py`."""

from __future__ import annotations

from typing import Any

import pytest

from syncd.kinds.base import ShapeError
from syncd.kinds.quality_profile import SonarrQualityProfile
from tests.live import payloads
from tests.live.test_servarr import fetch, kinds_of, server_state


def broken(path: str, reply: Any) -> dict[str, Any]:
    state = server_state("sonarr")
    state[path] = reply
    return state


def definitions_without_quality() -> dict[str, Any]:
    state = server_state("sonarr")
    state["qualitydefinition"] = [
        {k: v for k, v in d.items() if k != "quality"} for d in state["qualitydefinition"]
    ]
    return state


@pytest.mark.parametrize(
    ("state", "message"),
    [
        (broken("customformat", {"id": 1}), "GET customformat: expected a JSON list, got an object"),
        (broken("customformat", [1, 2]), "GET customformat: item 0 is int 1, not an object"),
        (broken("qualityprofile", None), "GET qualityprofile: expected a JSON list, got an empty body"),
        (definitions_without_quality(), "GET qualitydefinition: item 0 has no valid 'quality' (missing)"),
        (broken("config/naming", []), "GET config/naming: expected a JSON object, got a list"),
        (broken("customformat", [{"id": 1}]), "GET customformat: item 0 has no valid 'name' (missing)"),
    ],
    ids=[
        "object-not-list",
        "list-of-ints",
        "empty-body",
        "definition-without-quality",
        "naming-list",
        "no-name",
    ],
)
def test_a_wrong_shape_read_is_a_clear_error(state: dict[str, Any], message: str) -> None:
    _, reads = fetch("sonarr", state)
    with pytest.raises(ShapeError) as raised:
        kinds_of("sonarr", reads)
    assert f"GET {raised.value}" == message


def test_a_library_that_is_not_a_list_is_a_clear_error() -> None:
    (live,) = SonarrQualityProfile().found(
        {"customformat": [], "qualityprofile": [payloads.default_profile("sonarr", "SD", profile_id=4)]}
    )
    with pytest.raises(ShapeError, match="series: expected a JSON list, got an object"):
        SonarrQualityProfile().spared(live, {"series": {"id": 1}})
