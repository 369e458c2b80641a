"""The settings kinds' writes (quality definitions, naming, media management): whole objects
that the apps' OpenAPI specs accept, only the changed definitions in the one bulk PUT."""

from __future__ import annotations

from functools import cache

import pytest

from syncd.domain.resources import QualitySize
from syncd.domain.state import DesiredInstance, Ownership
from syncd.kinds.base import Context, Resolved
from syncd.kinds.media_management import MediaManagement
from syncd.kinds.naming import MediaNaming
from syncd.kinds.quality_definition import QualityDefinition
from syncd.plan import engine
from syncd.plan.model import Action
from tests.fakes.openapi import OpenApiValidator
from tests.live import payloads


@cache
def openapi(service: str) -> OpenApiValidator:
    # Strict: the payloads hold only spec'd fields, so closed objects stay closed.
    return OpenApiValidator(service, allow_unknown_properties=False)  # type: ignore[arg-type]


def context(service: str, **desired: object) -> Context:
    return Context(
        f"{service}.main", service, desired=DesiredInstance(service=service, name="main", **desired)
    )  # type: ignore[arg-type]


def test_quality_definitions_change_in_one_bulk_put_of_changed_items() -> None:
    kind = QualityDefinition()
    reads = {"qualitydefinition": payloads.quality_definitions("sonarr")}
    sizes = (
        QualitySize(quality="WEBRip-480p", min=3, preferred=50, max=None),
        QualitySize(quality="Bluray-2160p Remux", min=50, preferred=None, max=None),
    )
    wants = kind.wanted(
        (), context("sonarr", quality_sizes=sizes, quality_titles={"Bluray-2160p Remux": "Remux"})
    )
    state = engine.KindState(kind=kind, wants=wants, found=kind.found(reads), reads=reads)
    changes = list(engine.plan_kind(state, Ownership(), instance="sonarr.main").changes)
    assert [c.action for c in changes] == [Action.UPDATE, Action.UPDATE]
    pairs = [(state.wanted_for(c), state.found_by_id(c.live_id)) for c in changes]
    request = kind.bulk_request([(w, f) for w, f in pairs if w and f], reads)
    body = request.body
    assert (request.method, request.path) == ("PUT", "qualitydefinition/update")
    ids = {d["quality"]["name"]: d["id"] for d in reads["qualitydefinition"]}
    assert sorted(item["id"] for item in body) == sorted([ids["WEBRip-480p"], ids["Bluray-2160p Remux"]])
    remux = next(item for item in body if item["id"] == ids["Bluray-2160p Remux"])
    assert (remux["maxSize"], remux["title"], remux["minSize"]) == (None, "Remux", 50)
    openapi("sonarr")("PUT", "/api/v3/qualitydefinition/update", body)


def test_a_quality_the_server_lacks_is_an_error_at_plan_time() -> None:
    kind = QualityDefinition()
    reads = {"qualitydefinition": payloads.quality_definitions("sonarr")}
    sizes = (QualitySize(quality="Bluray-9000p", min=3, preferred=50, max=None),)
    state = engine.KindState(
        kind=kind,
        wants=kind.wanted((), context("sonarr", quality_sizes=sizes)),
        found=kind.found(reads),
        reads=reads,
    )
    result = engine.plan_kind(state, Ownership(), instance="sonarr.main")
    assert result.changes == []
    assert [(d.location, d.message) for d in result.diagnostics] == [
        ("sonarr.main.quality_definition", "the server has no quality definition named 'Bluray-9000p'")
    ]


@pytest.mark.parametrize("service", ["sonarr", "radarr"])
def test_singletons_are_put_whole_with_the_changed_fields(service: str) -> None:
    for kind, raw, fields, path in (
        (MediaNaming(), payloads.naming(service), {"replaceIllegalCharacters": False}, "config/naming"),
        (
            MediaManagement(),
            payloads.media_management(),
            {"copyUsingHardlinks": False},
            "config/mediamanagement",
        ),
    ):
        reads = {kind.endpoint: raw}
        desired = {"naming" if kind.name == "media_naming" else "media_management": fields}
        state = engine.KindState(
            kind=kind,
            wants=kind.wanted((), context(service, **desired)),
            found=kind.found(reads),
            reads=reads,
        )
        (change,) = engine.plan_kind(state, Ownership(), instance=f"{service}.main").changes
        assert (change.action, change.address) == (Action.UPDATE, f"{service}.main.{kind.name}")
        request = kind.request("update", state.wanted_for(change), state.found[0], Resolved(), reads)
        assert (request.method, request.path, request.body) == ("PUT", f"{path}/1", {**raw, **fields})
        openapi(service)("PUT", f"/api/v3/{path}/{{id}}", request.body)


def test_a_singleton_field_the_server_lacks_is_an_error_at_plan_time() -> None:
    kind = MediaNaming()
    reads = {kind.endpoint: payloads.naming("sonarr")}
    state = engine.KindState(
        kind=kind,
        wants=kind.wanted((), context("sonarr", naming={"renameMovies": True})),
        found=kind.found(reads),
        reads=reads,
    )
    result = engine.plan_kind(state, Ownership(), instance="sonarr.main")
    assert result.changes == []
    (diagnostic,) = result.diagnostics
    assert diagnostic.location == "sonarr.main.media_naming"
    assert diagnostic.message.startswith("media_naming: this server has no renameMovies (it has "), diagnostic
    assert "standardEpisodeFormat" in diagnostic.message, "names what this server does have"


def test_a_size_change_to_unlimited_diffs_each_field_and_equal_sizes_round_to_one_decimal() -> None:
    kind = QualityDefinition()
    live = [
        {
            "id": 5,
            "quality": {"id": 4, "name": "HDTV-720p"},
            "title": "HDTV-720p",
            "minSize": 10.0,
            "preferredSize": 995.0,
            "maxSize": 1000.0,
        }
    ]
    reads = {"qualitydefinition": live}

    def planned(size: QualitySize) -> list[tuple[str, object, object]]:
        wants = kind.wanted((), context("sonarr", quality_sizes=(size,)))
        state = engine.KindState(kind=kind, wants=wants, found=kind.found(reads), reads=reads)
        (change,) = engine.plan_kind(state, Ownership(), instance="sonarr.main").changes
        return sorted((d.path, d.before, d.after) for d in change.diff)

    assert planned(QualitySize(quality="HDTV-720p", min=17.1, preferred=None, max=None)) == [
        ("max", 1000.0, None),
        ("min", 10.0, 17.1),
        ("preferred", 995.0, None),
    ]
    assert planned(QualitySize(quality="HDTV-720p", min=10.04, preferred=994.96, max=1000.0)) == []
