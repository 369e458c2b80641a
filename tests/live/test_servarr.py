"""ServarrGateway against a respx-faked Sonarr v4 / Radarr v5.

We test these aspects: fetch issues exactly the expected GETs, all in flight at once, and
builds the LiveInstance (domain values, raw objects, limits, fingerprint); the server must
be the configured app at a supported version; a failed read surfaces as its ApiError; every
write sends a whole object that the app's OpenAPI spec accepts, to the right endpoint.
"""

from __future__ import annotations

import asyncio
import copy
import json
from collections.abc import Awaitable, Callable
from functools import cache
from typing import Any

import httpx
import pytest
import respx

from syncd.domain.resources import CustomFormat, ProfileItem, QualityProfile, Specification
from syncd.errors import ApiAuthError, ApiError
from syncd.kinds import servarr_json as mapping
from syncd.live.http import ApiClient
from syncd.live.servarr import ServarrGateway
from syncd.simulator.servarr import SimulatedServarr
from tests.fakes.openapi import OpenApiValidator

from . import payloads

BASE = "http://arr.test"
API = f"{BASE}/api/v3"
FORMATS = {11: "x265 (HD)", 12: "Repack/Proper"}
CF_IDS = {name: cf_id for cf_id, name in FORMATS.items()}
VERSIONS = {"sonarr": ("Sonarr", "4.0.19.2979"), "radarr": ("Radarr", "5.28.0.10274")}


@cache
def openapi(service: str) -> OpenApiValidator:
    # Strict: the payloads here hold only spec'd fields, so closed objects stay closed.
    return OpenApiValidator(service, allow_unknown_properties=False)  # type: ignore[arg-type]


def assert_valid_request(service: str, method: str, path: str, body: Any) -> None:
    """`body` matches the requestBody schema of `method /api/v3/path` in the app's OpenAPI spec."""
    openapi(service)(method, f"/api/v3/{path}", body)


def server_state(service: str) -> dict[str, Any]:
    app, version = VERSIONS[service]
    state = {
        "system/status": payloads.status(app, version),
        "customformat": [payloads.custom_format(cf_id, name) for cf_id, name in FORMATS.items()],
        "qualityprofile": [
            payloads.default_profile(service, "HD-1080p", profile_id=4, formats=FORMATS),
            payloads.default_profile(service, "SD", profile_id=2, formats=FORMATS),
        ],
        "qualitydefinition": payloads.quality_definitions(service),
        "config/naming": payloads.naming(service),
        "config/mediamanagement": payloads.media_management(),
    }
    if service == "radarr":
        state["language"] = payloads.languages("radarr")
    return state


def serve(router: respx.MockRouter, state: dict[str, Any], *, concurrent: int = 0) -> None:
    """GET routes for `state`. With `concurrent`, each response but the `system/status` probe
    waits until that many requests are in flight at once, so a sequential fetch times out
    instead of passing."""
    in_flight: list[int] = []
    all_in = asyncio.Event()

    def route(path: str) -> None:
        async def answer(request: httpx.Request) -> httpx.Response:
            if path == "system/status":
                return httpx.Response(200, json=state[path])
            in_flight.append(1)
            if len(in_flight) == concurrent:
                all_in.set()
            if concurrent:
                await asyncio.wait_for(all_in.wait(), timeout=2)
            return httpx.Response(200, json=state[path])

        router.get(f"/{path}", name=path).mock(side_effect=answer)

    for path in state:
        route(path)


def run(
    service: str, router: respx.MockRouter, call: Callable[[ServarrGateway], Awaitable[Any]]
) -> tuple[Any, ApiClient]:
    async def main() -> tuple[Any, ApiClient]:
        transport = httpx.MockTransport(router.async_handler)
        async with ApiClient(
            BASE, "k" * 32, instance=f"{service}.main", transport=transport, backoffs=()
        ) as c:
            return await call(ServarrGateway(c, service=service, name="main")), c  # type: ignore[arg-type]

    return asyncio.run(main())


def fetch(service: str, state: dict[str, Any]) -> Any:
    router = respx.MockRouter(base_url=API)
    serve(router, state)
    return run(service, router, lambda gateway: gateway.fetch())[0]


@pytest.fixture
def router() -> respx.MockRouter:
    return respx.MockRouter(base_url=API, assert_all_called=False)


# --- fetch -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("service", "reads"), [("sonarr", 6), ("radarr", 7)])
def test_fetch_probes_then_reads_everything_at_once_with_one_get_per_endpoint(
    service: str, reads: int
) -> None:
    state = server_state(service)
    router = respx.MockRouter(base_url=API)
    serve(router, state, concurrent=reads - 1)
    _, client = run(service, router, lambda gateway: gateway.fetch())
    assert len(state) == reads
    assert client.stats == {"GET": reads}
    assert all(route.call_count == 1 for route in router.routes)


def test_fetch_builds_the_sonarr_live_instance() -> None:
    state = server_state("sonarr")
    live = fetch("sonarr", state)
    assert (live.service, live.name, live.version) == ("sonarr", "main", "4.0.19.2979")
    assert [cf.custom_format.name for cf in live.custom_formats] == ["x265 (HD)", "Repack/Proper"]
    assert live.custom_formats[0].raw == state["customformat"][0]
    hd = live.quality_profiles[0]
    assert (hd.id, hd.name, hd.cutoff, hd.language) == (4, "HD-1080p", "HDTV-1080p", None)
    assert hd.scores == {"x265 (HD)": 0, "Repack/Proper": 0}
    assert live.qualities[:3] == ("Unknown", "SDTV", "WEBRip-480p")
    assert len(live.quality_definitions) == 22
    assert live.naming == state["config/naming"]
    assert live.media_management == state["config/mediamanagement"]
    assert live.languages == ()
    assert live.size_limit == 1000
    assert len(live.fingerprint) == 64


def test_fetch_builds_radarr_languages_and_size_limit() -> None:
    live = fetch("radarr", server_state("radarr"))
    assert {"Any", "Original", "English"} <= set(live.languages)
    assert live.size_limit == 2000
    assert live.quality_profiles[0].language == "English"


def test_fingerprint_ignores_restarts_but_not_changes() -> None:
    state = server_state("sonarr")
    first = fetch("sonarr", state).fingerprint
    restarted = copy.deepcopy(state)
    restarted["system/status"]["startTime"] = "2026-11-29T00:00:00Z"
    assert fetch("sonarr", restarted).fingerprint == first
    edited = copy.deepcopy(state)
    edited["qualityprofile"][0]["formatItems"][0]["score"] = 10
    assert fetch("sonarr", edited).fingerprint != first


@pytest.mark.parametrize(
    ("app", "version", "message"),
    [
        ("Radarr", "5.28.0.10274", "is Radarr, not Sonarr; check base_url of sonarr.main"),
        ("Sonarr", "3.0.10.1567", "Sonarr 3.0.10.1567 is not supported"),
    ],
)
def test_fetch_refuses_the_wrong_app_or_an_old_version(app: str, version: str, message: str) -> None:
    state = server_state("sonarr")
    state["system/status"] = payloads.status(app, version)
    with pytest.raises(ApiError, match=message) as info:
        fetch("sonarr", state)
    assert info.value.instance == "sonarr.main"


def test_a_failed_read_raises_its_own_error_not_a_group(router: respx.MockRouter) -> None:
    state = server_state("sonarr")
    serve(router, state)
    router.routes["qualitydefinition"].mock(side_effect=None, return_value=httpx.Response(401))
    with pytest.raises(ApiAuthError):
        run("sonarr", router, lambda gateway: gateway.fetch())


# --- writes ----------------------------------------------------------------------------------


def body_of(route: respx.Route) -> Any:
    return json.loads(route.calls.last.request.content)


X265 = CustomFormat(
    name="x265 (HD)",
    specifications=(
        Specification(name="x265", implementation="ReleaseTitleSpecification", fields={"value": "x265"}),
        Specification(
            name="Not 2160p", implementation="ResolutionSpecification", negate=True, fields={"value": 2160}
        ),
    ),
)


def test_create_custom_format_posts_the_whole_object(router: respx.MockRouter) -> None:
    created = {**mapping.custom_format_to_api(X265), "id": 31}
    route = router.post("/customformat").respond(201, json=created)
    live, _ = run("sonarr", router, lambda gateway: gateway.create_custom_format(X265))
    assert (live.id, live.custom_format) == (31, X265)
    body = body_of(route)
    assert body["specifications"][1]["fields"] == [{"name": "value", "value": 2160}]
    assert_valid_request("sonarr", "POST", "customformat", body)


def test_update_custom_format_puts_the_fetched_object_with_changes(router: respx.MockRouter) -> None:
    raw = payloads.custom_format(11, "x265 (HD)")
    live = mapping.live_custom_format(raw)
    route = router.put("/customformat/11").mock(
        side_effect=lambda request: httpx.Response(202, content=request.content)
    )
    updated, _ = run("radarr", router, lambda gateway: gateway.update_custom_format(live, X265))
    assert updated.custom_format == X265
    body = body_of(route)
    assert body["id"] == 11
    assert_valid_request("radarr", "PUT", "customformat/{id}", body)


def test_deletes_hit_the_object_endpoint(router: respx.MockRouter) -> None:
    cf = router.delete("/customformat/11").respond(200)
    profile = router.delete("/qualityprofile/4").respond(200)

    async def deletes(gateway: ServarrGateway) -> None:
        await gateway.delete_custom_format(11)
        await gateway.delete_profile(4)

    run("sonarr", router, deletes)
    assert (cf.call_count, profile.call_count) == (1, 1)


WEB_1080P = QualityProfile(
    name="WEB-1080p",
    cutoff="WEB 1080p",
    items=(
        ProfileItem(name="WEB 1080p", qualities=("WEBDL-1080p", "WEBRip-1080p")),
        ProfileItem(name="HDTV-1080p"),
    ),
    scores={"Repack/Proper": 5},
)


def all_qualities(service: str, profile: QualityProfile) -> QualityProfile:
    """`profile` with every other quality appended as not allowed (the server wants them all)."""
    listed = {q for item in profile.items for q in (item.qualities or (item.name,))}
    rest = tuple(
        ProfileItem(name=q["name"], allowed=False)
        for q in payloads.qualities(service).values()
        if q["name"] not in listed
    )
    return profile.model_copy(update={"items": profile.items + rest})


@pytest.mark.parametrize("service", ["sonarr", "radarr"])
def test_create_profile_starts_from_the_schema_template(service: str, router: respx.MockRouter) -> None:
    template = {**payloads.default_profile(service, "Any", formats=FORMATS), "id": 0, "name": ""}
    schema = router.get("/qualityprofile/schema").respond(200, json=template)
    post = router.post("/qualityprofile").mock(
        side_effect=lambda request: httpx.Response(201, json={**json.loads(request.content), "id": 9})
    )
    profile = all_qualities(service, WEB_1080P)
    created, _ = run(service, router, lambda gateway: gateway.create_profile(profile, cf_ids_by_name=CF_IDS))
    assert schema.call_count == 1
    body = body_of(post)
    assert "id" not in body
    assert body["name"] == "WEB-1080p"
    assert body["formatItems"] == [
        {"format": 11, "name": "x265 (HD)", "score": 0},
        {"format": 12, "name": "Repack/Proper", "score": 5},
    ]
    assert body["items"][-1]["name"] == "WEB 1080p"
    assert body["cutoff"] == body["items"][-1]["id"] == 1002
    assert len(list(mapping.quality_objects(body))) == len(payloads.qualities(service))
    assert created["id"] == 9
    assert_valid_request(service, "POST", "qualityprofile", body)


def test_update_profile_puts_to_its_id_and_reads_radarr_languages_once(router: respx.MockRouter) -> None:
    raw = payloads.default_profile("radarr", "HD-1080p", profile_id=4, formats=FORMATS)
    languages = router.get("/language").respond(200, json=payloads.languages("radarr"))
    put = router.put("/qualityprofile/4").mock(side_effect=lambda r: httpx.Response(202, content=r.content))
    profile = all_qualities("radarr", WEB_1080P.model_copy(update={"language": "Original"}))

    async def update_twice(gateway: ServarrGateway) -> Any:
        await gateway.update_profile(raw, profile, cf_ids_by_name=CF_IDS)
        return await gateway.update_profile(raw, profile, cf_ids_by_name=CF_IDS)

    result, _ = run("radarr", router, update_twice)
    assert languages.call_count == 1
    body = body_of(put)
    assert result == body
    assert body["id"] == 4
    assert body["language"] == {"id": -2, "name": "Original"}
    assert_valid_request("radarr", "PUT", "qualityprofile/{id}", body)


# --- against the simulated server ------------------------------------------------------------


@pytest.mark.parametrize("service", ["sonarr", "radarr"])
def test_writes_are_accepted_by_the_simulated_server_and_read_back_equal(service: str) -> None:
    key = "s" * 32

    async def scenario(url: str) -> tuple[Any, Any]:
        async with ApiClient(url, key, instance=f"{service}.main", backoffs=()) as client:
            gateway = ServarrGateway(client, service=service, name="main")  # type: ignore[arg-type]
            before = await gateway.fetch()
            cf = await gateway.create_custom_format(X265)
            profile = all_qualities(service, WEB_1080P.model_copy(update={"scores": {"x265 (HD)": -100}}))
            await gateway.create_profile(profile, cf_ids_by_name={"x265 (HD)": cf.id})
            return before, await gateway.fetch()

    validator = OpenApiValidator(service)  # type: ignore[arg-type]
    with SimulatedServarr(service, api_key=key, request_validator=validator) as server:  # type: ignore[arg-type]
        before, after = asyncio.run(scenario(server.url))

    assert [cf.custom_format for cf in after.custom_formats] == [X265]
    created = next(p for p in after.quality_profiles if p.name == "WEB-1080p")
    expected = all_qualities(service, WEB_1080P)
    assert (created.items, created.cutoff) == (expected.items, "WEB 1080p")
    assert created.scores == {"x265 (HD)": -100}
    assert all(p.scores == {"x265 (HD)": 0} for p in after.quality_profiles if p.name != "WEB-1080p")
    assert after.fingerprint != before.fingerprint
