"""Replies that are JSON of the wrong shape are clear errors naming the instance, the endpoint
and what was wrong, never a TypeError/KeyError traceback (each case was seen crash syncd)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import respx

from syncd.domain.resources import CustomFormat
from syncd.errors import ApiError
from tests.live.test_servarr import API, fetch, run, server_state


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
        (definitions_without_quality(), "GET qualitydefinition: an object has no 'quality'"),
        (broken("config/naming", []), "GET config/naming: expected a JSON object, got a list"),
        (broken("customformat", [{"id": 1}]), "GET customformat: an object has no 'name'"),
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
    with pytest.raises(ApiError) as raised:
        fetch("sonarr", state)
    assert str(raised.value) == f"sonarr.main: unexpected reply to {message}"


def test_a_create_answered_without_an_id_is_a_clear_error() -> None:
    router = respx.MockRouter(base_url=API)
    router.post("/customformat").mock(return_value=httpx.Response(201, json={"name": "x"}))
    with pytest.raises(ApiError, match="unexpected reply to POST customformat: the answer carries no id"):
        run("sonarr", router, lambda gateway: gateway.create_custom_format(CustomFormat(name="x")))


def test_a_library_that_is_not_a_list_is_a_clear_error() -> None:
    router = respx.MockRouter(base_url=API)
    router.get("/series").mock(return_value=httpx.Response(200, json={"id": 1}))
    with pytest.raises(ApiError, match="unexpected reply to GET series: expected a JSON list, got an object"):
        run("sonarr", router, lambda gateway: gateway.profiles_in_use())
