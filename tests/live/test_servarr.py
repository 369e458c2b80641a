"""ServarrGateway against a respx-faked Sonarr v4 / Radarr v5.

We test these aspects: a probe then the reads issue exactly the expected GETs, all in flight
at once (the probe even before the paths to read are known, its failure sending no read, a
failure working the paths out cancelling it), and the kinds read them into their objects (raw objects kept, a fingerprint blind to
restarts); the server must be the configured app at a supported version; a failed read
surfaces as its ApiError; every write a kind builds is a whole object that the app's OpenAPI
spec accepts, sent to the right endpoint. (Writes read back through the simulated servers:
`tests/kinds/test_contract.py`.)
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
from syncd.domain.state import DesiredCustomFormat, DesiredInstance
from syncd.errors import ApiAuthError, ApiError, GuideError
from syncd.kinds import registry
from syncd.kinds import servarr_json as mapping
from syncd.kinds.base import Context, Found, Resolved, Wanted
from syncd.kinds.custom_format import CustomFormatKind, canonical
from syncd.kinds.quality_profile import RadarrQualityProfile, SonarrQualityProfile
from syncd.live import servarr
from syncd.live.http import ApiClient
from syncd.live.servarr import ServarrGateway
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


def fetch(service: str, state: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Probe, then read every collection of `state` the way planning does: (status, reads)."""
    router = respx.MockRouter(base_url=API)
    serve(router, state)
    paths = [p for p in state if p != "system/status"]

    async def both(gateway: ServarrGateway) -> tuple[dict[str, Any], dict[str, Any]]:
        return dict(await gateway.probe()), await gateway.read(paths)

    result: tuple[dict[str, Any], dict[str, Any]] = run(service, router, both)[0]
    return result


def kinds_of(service: str, reads: dict[str, Any]) -> dict[str, tuple[Found, ...]]:
    """What each registry kind of `service` makes of the reads."""
    return {
        kind.name: kind.found(reads)
        for kind in registry.for_service(service)
        if set(kind.reads) <= set(reads)
    }


@pytest.fixture
def router() -> respx.MockRouter:
    return respx.MockRouter(base_url=API, assert_all_called=False)


# --- probe and reads --------------------------------------------------------------------------


@pytest.mark.parametrize(("service", "reads"), [("sonarr", 6), ("radarr", 7)])
def test_probe_then_reads_everything_at_once_with_one_get_per_endpoint(service: str, reads: int) -> None:
    state = server_state(service)
    router = respx.MockRouter(base_url=API)
    serve(router, state, concurrent=reads - 1)
    paths = [p for p in state if p != "system/status"]

    async def both(gateway: ServarrGateway) -> Any:
        await gateway.probe()
        return await gateway.read(paths)

    _, client = run(service, router, both)
    assert len(state) == reads
    assert client.stats == {"GET": reads}
    assert all(route.call_count == 1 for route in router.routes)


def test_the_probe_and_the_reads_go_out_together() -> None:
    """The status answer waits for a read to arrive: a probe sent first would time out."""
    state = server_state("sonarr")
    router = respx.MockRouter(base_url=API)
    read_arrived = asyncio.Event()

    async def status(request: httpx.Request) -> httpx.Response:
        await asyncio.wait_for(read_arrived.wait(), timeout=2)
        return httpx.Response(200, json=state["system/status"])

    async def formats(request: httpx.Request) -> httpx.Response:
        read_arrived.set()
        return httpx.Response(200, json=state["customformat"])

    router.get("/system/status").mock(side_effect=status)
    router.get("/customformat").mock(side_effect=formats)
    (found_status, reads), client = run("sonarr", router, lambda g: g.probe_and_read(["customformat"]))
    assert found_status["appName"] == "Sonarr" and reads == {"customformat": state["customformat"]}
    assert client.stats == {"GET": 2}


def test_a_probe_that_refuses_the_server_wins_over_the_reads_alongside(router: respx.MockRouter) -> None:
    state = server_state("sonarr")
    state["system/status"] = payloads.status("Radarr", "5.28.0.10274")
    serve(router, state)
    router.routes["customformat"].mock(side_effect=None, return_value=httpx.Response(401))
    with pytest.raises(ApiError, match="is Radarr, not Sonarr"):
        run("sonarr", router, lambda gateway: gateway.probe_and_read(["customformat"]))


def test_the_probe_goes_out_while_the_paths_are_still_being_worked_out() -> None:
    """The paths are known only once the status answered: a probe held back for them would hang."""
    state = server_state("sonarr")
    router = respx.MockRouter(base_url=API)
    answered = asyncio.Event()

    def status(request: httpx.Request) -> httpx.Response:
        answered.set()
        return httpx.Response(200, json=state["system/status"])

    async def paths() -> list[str]:
        await asyncio.wait_for(answered.wait(), timeout=2)
        return ["customformat"]

    router.get("/system/status").mock(side_effect=status)
    router.get("/customformat").mock(return_value=httpx.Response(200, json=state["customformat"]))
    (found_status, reads), client = run("sonarr", router, lambda g: g.probe_and_read(paths()))
    assert found_status["appName"] == "Sonarr" and reads == {"customformat": state["customformat"]}
    assert client.stats == {"GET": 2}


def test_a_probe_that_failed_before_the_paths_were_known_sends_no_read(router: respx.MockRouter) -> None:
    failed = asyncio.Event()

    def status(request: httpx.Request) -> httpx.Response:
        failed.set()
        return httpx.Response(401)

    async def paths() -> list[str]:
        await asyncio.wait_for(failed.wait(), timeout=2)
        await asyncio.sleep(0.05)  # the 401 reaches the probe's caller
        return ["customformat"]

    router.get("/system/status").mock(side_effect=status)
    formats = router.get("/customformat").mock(return_value=httpx.Response(200, json=[]))
    with pytest.raises(ApiAuthError):
        run("sonarr", router, lambda gateway: gateway.probe_and_read(paths()))
    assert formats.call_count == 0


def test_paths_that_fail_cancel_the_probe_and_raise_their_error(router: respx.MockRouter) -> None:
    cancelled = asyncio.Event()

    async def status(request: httpx.Request) -> httpx.Response:
        try:
            await asyncio.sleep(5)
        except asyncio.CancelledError:
            cancelled.set()
            raise
        return httpx.Response(200, json=server_state("sonarr")["system/status"])

    async def paths() -> list[str]:
        await asyncio.sleep(0.05)  # the probe is in flight
        raise GuideError("the guides are broken")

    async def call(gateway: ServarrGateway) -> None:
        with pytest.raises(GuideError, match="the guides are broken"):
            await gateway.probe_and_read(paths())
        assert cancelled.is_set()

    router.get("/system/status").mock(side_effect=status)
    formats = router.get("/customformat").mock(return_value=httpx.Response(200, json=[]))
    run("sonarr", router, call)
    assert formats.call_count == 0


def test_the_kinds_read_the_sonarr_collections() -> None:
    state = server_state("sonarr")
    status, reads = fetch("sonarr", state)
    assert servarr.identity(status) == "Sonarr Sonarr"  # appName and instanceName
    found = kinds_of("sonarr", reads)
    assert [cf.name for cf in found["custom_format"]] == ["x265 (HD)", "Repack/Proper"]
    assert found["custom_format"][0].raw == state["customformat"][0]
    hd = found["quality_profile"][0]
    assert (hd.id, hd.name, hd.value["cutoff"], hd.value["language"]) == (4, "HD-1080p", "HDTV-1080p", None)
    assert hd.value["scores"] == {"x265 (HD)": 0, "Repack/Proper": 0}
    assert [d.name for d in found["quality_definition"]][:3] == ["Unknown", "SDTV", "WEBRip-480p"]
    assert len(found["quality_definition"]) == 22
    assert found["media_naming"][0].raw == state["config/naming"]
    assert found["media_management"][0].raw == state["config/mediamanagement"]


def test_the_kinds_read_radarr_languages() -> None:
    _, reads = fetch("radarr", server_state("radarr"))
    assert {"Any", "Original", "English"} <= {item["name"] for item in reads["language"]}
    assert kinds_of("radarr", reads)["quality_profile"][0].value["language"] == "English"


def test_fingerprint_ignores_restarts_but_not_changes() -> None:
    def fingerprint(state: dict[str, Any]) -> str:
        status, reads = fetch("sonarr", state)
        return servarr.fingerprint({"system/status": servarr.stable(status), **reads})

    state = server_state("sonarr")
    first = fingerprint(state)
    restarted = copy.deepcopy(state)
    restarted["system/status"]["startTime"] = "2026-11-29T00:00:00Z"
    assert fingerprint(restarted) == first
    edited = copy.deepcopy(state)
    edited["qualityprofile"][0]["formatItems"][0]["score"] = 10
    assert fingerprint(edited) != first


@pytest.mark.parametrize(
    ("app", "version", "message"),
    [
        ("Radarr", "5.28.0.10274", "is Radarr, not Sonarr; check base_url of sonarr.main"),
        ("Sonarr", "3.0.10.1567", "Sonarr 3.0.10.1567 is not supported"),
    ],
)
def test_the_probe_refuses_the_wrong_app_or_an_old_version(app: str, version: str, message: str) -> None:
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
        run("sonarr", router, lambda gateway: gateway.read(["customformat", "qualitydefinition"]))


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


def wanted_cf(service: str = "sonarr") -> tuple[CustomFormatKind, Wanted]:
    kind = CustomFormatKind()
    desired = DesiredInstance(
        service=service,  # type: ignore[arg-type]
        name="main",
        custom_formats={"t": DesiredCustomFormat(trash_id="t", custom_format=X265)},
    )
    (wanted,) = kind.wanted((), Context(f"{service}.main", service, desired=desired)).objects
    return kind, wanted


def test_create_custom_format_posts_the_whole_object(router: respx.MockRouter) -> None:
    kind, wanted = wanted_cf()
    created = {**mapping.custom_format_to_api(X265), "id": 31}
    route = router.post("/customformat").respond(201, json=created)
    request = kind.request("create", wanted, None, Resolved(), {})
    reply, _ = run("sonarr", router, lambda gateway: gateway.send(request))
    assert reply["id"] == 31
    body = body_of(route)
    not_2160p = next(spec for spec in body["specifications"] if spec["name"] == "Not 2160p")
    assert not_2160p["fields"] == [{"name": "value", "value": 2160}]
    assert_valid_request("sonarr", "POST", "customformat", body)


def test_update_custom_format_puts_the_fetched_object_with_changes(router: respx.MockRouter) -> None:
    kind, wanted = wanted_cf("radarr")
    (live,) = kind.found({"customformat": [payloads.custom_format(11, "x265 (HD)")]})
    route = router.put("/customformat/11").mock(
        side_effect=lambda request: httpx.Response(202, content=request.content)
    )
    request = kind.request("update", wanted, live, Resolved(), {})
    run("radarr", router, lambda gateway: gateway.send(request))
    body = body_of(route)
    assert body["id"] == 11
    assert mapping.custom_format_from_api(body) == canonical(X265)
    assert_valid_request("radarr", "PUT", "customformat/{id}", body)


def test_deletes_hit_the_object_endpoint(router: respx.MockRouter) -> None:
    cf = router.delete("/customformat/11").respond(200)
    profile = router.delete("/qualityprofile/4").respond(200)
    formats = CustomFormatKind().found({"customformat": [payloads.custom_format(11, "x265 (HD)")]})
    profiles = SonarrQualityProfile().found(
        {"customformat": [], "qualityprofile": [payloads.default_profile("sonarr", "SD", profile_id=4)]}
    )

    async def deletes(gateway: ServarrGateway) -> None:
        await gateway.send(CustomFormatKind().request("delete", None, formats[0], Resolved(), {}))
        await gateway.send(SonarrQualityProfile().request("delete", None, profiles[0], Resolved(), {}))

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


def settled_profile(service: str, profile: QualityProfile, reads: dict[str, Any]) -> Wanted:
    """`profile` as the profile kind settles it: the formats referenced by their live ids."""
    return Wanted(
        key=profile.name,
        name=profile.name,
        value=profile.model_dump(mode="json"),
        references={name: {"live_id": cf_id, "was": name} for name, cf_id in CF_IDS.items()},
    )


@pytest.mark.parametrize("service", ["sonarr", "radarr"])
def test_create_profile_starts_from_the_schema_template(service: str, router: respx.MockRouter) -> None:
    template = {**payloads.default_profile(service, "Any", formats=FORMATS), "id": 0, "name": ""}
    post = router.post("/qualityprofile").mock(
        side_effect=lambda request: httpx.Response(201, json={**json.loads(request.content), "id": 9})
    )
    kind = SonarrQualityProfile() if service == "sonarr" else RadarrQualityProfile()
    profile = all_qualities(service, WEB_1080P)
    if service == "radarr":
        profile = profile.model_copy(update={"language": "English"})
    reads = {"qualityprofile/schema": template, "language": payloads.languages("radarr")}
    request = kind.request("create", settled_profile(service, profile, reads), None, Resolved(), reads)
    created, _ = run(service, router, lambda gateway: gateway.send(request))
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


def test_update_profile_puts_the_live_profile_to_its_id_with_radarr_language(
    router: respx.MockRouter,
) -> None:
    raw = payloads.default_profile("radarr", "HD-1080p", profile_id=4, formats=FORMATS)
    put = router.put("/qualityprofile/4").mock(side_effect=lambda r: httpx.Response(202, content=r.content))
    profile = all_qualities("radarr", WEB_1080P.model_copy(update={"language": "Original"}))
    kind = RadarrQualityProfile()
    reads = {
        "qualityprofile": [raw],
        "customformat": [payloads.custom_format(i, n) for i, n in FORMATS.items()],
        "language": payloads.languages("radarr"),
    }
    (live,) = kind.found(reads)
    request = kind.request("update", settled_profile("radarr", profile, reads), live, Resolved(), reads)
    run("radarr", router, lambda gateway: gateway.send(request))
    body = body_of(put)
    assert body["id"] == 4
    assert body["language"] == {"id": -2, "name": "Original"}
    assert_valid_request("radarr", "PUT", "qualityprofile/{id}", body)
