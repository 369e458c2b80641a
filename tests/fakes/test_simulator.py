"""The simulated Sonarr/Radarr behaves like the real servers over real HTTP."""

from __future__ import annotations

import copy
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any, Literal

import httpx
import pytest

from syncd.simulator import SimulatedServarr
from syncd.simulator.loopback import _Server

from .openapi import OpenApiValidator, RequestBodyMismatch

REFERENCE = Path(__file__).resolve().parents[2] / ".." / "shared" / "fixtures" / "servarr" / "reference.json"
KEY = "secret-key"
App = Literal["sonarr", "radarr"]
CF_SET_MESSAGE = "All Custom Formats and no extra ones need to be present inside your Profile! Try refreshing your browser."


@pytest.fixture
def sonarr() -> Iterator[SimulatedServarr]:
    with SimulatedServarr("sonarr", api_key=KEY) as server:
        yield server


@pytest.fixture
def radarr() -> Iterator[SimulatedServarr]:
    with SimulatedServarr("radarr", api_key=KEY) as server:
        yield server


def client(server: SimulatedServarr) -> httpx.Client:
    return httpx.Client(base_url=server.url, headers={"X-Api-Key": KEY}, timeout=5)


@pytest.fixture
def api(sonarr: SimulatedServarr) -> Iterator[httpx.Client]:
    with client(sonarr) as http:
        yield http


def messages(response: httpx.Response) -> list[str]:
    assert response.status_code == 400, response.text
    body = response.json()
    assert isinstance(body, list)
    assert all(item["severity"] == "error" and "propertyName" in item for item in body)
    return [item["errorMessage"] for item in body]


def regex_cf(name: str, value: str = r"\bx265\b") -> dict[str, Any]:
    spec = {
        "name": "title",
        "implementation": "ReleaseTitleSpecification",
        "fields": [{"name": "value", "value": value}],
    }
    return {"name": name, "specifications": [spec]}


# ------------------------------------------------------------------ seed data


@pytest.mark.parametrize("app", ["sonarr", "radarr"])
def test_fresh_server_matches_the_reference_defaults(app: App) -> None:
    reference = json.loads(REFERENCE.read_text(encoding="utf-8"))
    with SimulatedServarr(app, api_key=KEY) as server, client(server) as http:
        definitions = http.get("/api/v3/qualitydefinition").json()
        profiles = http.get("/api/v3/qualityprofile").json()
        languages = http.get("/api/v3/language").json()
        naming = http.get("/api/v3/config/naming").json()

    expected_sizes = {row[0]: tuple(row[2:5]) for row in reference[f"{app}_quality_definitions"]["rows"]}
    assert {d["quality"]["id"]: (d["minSize"], d["maxSize"], d["preferredSize"]) for d in definitions} == (
        expected_sizes
    )
    assert {q["id"]: q["name"] for q in (d["quality"] for d in definitions)} == {
        row[0]: row[1] for row in reference[f"{app}_qualities"]["rows"]
    }
    assert [(lang["id"], lang["name"]) for lang in languages] == [
        tuple(row) for row in reference[f"{app}_languages"]["rows"]
    ]
    expected_naming = dict(reference[f"{app}_naming_default"])
    if app == "radarr":
        expected_naming["colonReplacementFormat"] = "smart"
    assert {k: v for k, v in naming.items() if k != "id"} == expected_naming

    def allowed_ids(profile: dict[str, Any]) -> set[int]:
        found = set()
        for item in profile["items"]:
            for leaf in item["items"] or [item]:
                if leaf["allowed"]:
                    found.add(leaf["quality"]["id"])
        return found

    assert [(p["name"], allowed_ids(p)) for p in profiles] == [
        (row[0], set(row[2])) for row in reference[f"{app}_profiles"]["rows"]
    ]


def test_default_profiles_group_equal_weights_from_id_1000_and_point_the_cutoff_at_the_group(
    api: httpx.Client,
) -> None:
    profile = api.get("/api/v3/qualityprofile/4").json()  # HD-1080p, cutoff HDTV-1080p (ungrouped)
    groups = [item for item in profile["items"] if "quality" not in item]
    assert [g["id"] for g in groups] == list(range(1000, 1000 + len(groups)))
    assert {g["name"] for g in groups} >= {"WEB 480p", "WEB 720p", "WEB 1080p", "WEB 2160p"}
    assert profile["cutoff"] == 9
    sd = api.get("/api/v3/qualityprofile/1").json()
    assert sd["cutoff"] == 1 and sd["minUpgradeFormatScore"] == 1 and sd["formatItems"] == []


def test_quality_definition_limits_differ_between_apps(api: httpx.Client, radarr: SimulatedServarr) -> None:
    assert api.get("/api/v3/qualitydefinition/limits").json() == {"min": 0, "max": 1000}
    with client(radarr) as http:
        assert http.get("/api/v3/qualitydefinition/limits").json() == {"min": 0, "max": 2000}


def test_system_status_names_the_app_and_version(sonarr: SimulatedServarr, radarr: SimulatedServarr) -> None:
    with client(sonarr) as http:
        response = http.get("/api/v3/system/status")
        assert response.json()["appName"] == "Sonarr"
        assert response.json()["version"] == "4.0.19.2979"
        assert response.headers["X-Application-Version"] == "4.0.19.2979"
    with client(radarr) as http:
        assert http.get("/api/v3/system/status").json()["appName"] == "Radarr"
    with SimulatedServarr("sonarr", api_key=KEY, version="4.0.0.1") as other, client(other) as http:
        assert http.get("/api/v3/system/status").json()["version"] == "4.0.0.1"


# ----------------------------------------------------------------------- auth


def test_ping_needs_no_key_but_the_api_does(sonarr: SimulatedServarr) -> None:
    with httpx.Client(base_url=sonarr.url) as http:
        assert http.get("/ping").json() == {"status": "OK"}
        missing = http.get("/api/v3/customformat")
        wrong = http.get("/api/v3/customformat", headers={"X-Api-Key": "nope"})
        by_query = http.get("/api/v3/customformat", params={"apikey": KEY})
    assert (missing.status_code, missing.content) == (401, b"")
    assert wrong.status_code == 401
    assert by_query.status_code == 200


def test_unknown_paths_and_ids_answer_404(api: httpx.Client) -> None:
    assert api.get("/api/v3/nothing").status_code == 404
    assert api.get("/api/v3/customformat/99").status_code == 404
    assert api.put("/api/v3/qualityprofile/99", json={}).status_code == 404


# ------------------------------------------------------------- custom formats


def test_creating_a_custom_format_returns_the_full_server_representation(api: httpx.Client) -> None:
    body = {
        "name": "German",
        "specifications": [
            {
                "name": "lang",
                "implementation": "LanguageSpecification",
                "negate": True,
                "fields": [{"name": "value", "value": 4}, {"name": "bogus", "value": 1}],
            }
        ],
        "unknownTopLevel": "ignored",
    }
    response = api.post("/api/v3/customformat", json=body)
    assert response.status_code == 201
    created = response.json()
    assert created["id"] == 1 and "unknownTopLevel" not in created
    spec = created["specifications"][0]
    assert spec["implementationName"] == "Language" and spec["infoLink"].startswith(
        "https://wiki.servarr.com"
    )
    assert [(f["name"], f["value"]) for f in spec["fields"]] == [("value", 4), ("exceptLanguage", False)]
    assert all(
        {"order", "label", "type", "advanced", "privacy", "isFloat"} <= f.keys() for f in spec["fields"]
    )
    assert spec["negate"] is True and spec["required"] is False
    assert api.get("/api/v3/customformat/1").json() == created


def test_size_specification_stores_min_and_max_as_floats(api: httpx.Client) -> None:
    spec = {
        "name": "size",
        "implementation": "SizeSpecification",
        "fields": [{"name": "min", "value": 1.5}, {"name": "max", "value": 10}],
    }
    fields = api.post("/api/v3/customformat", json={"name": "Size", "specifications": [spec]}).json()
    assert [(f["name"], f["value"], f["isFloat"]) for f in fields["specifications"][0]["fields"]] == [
        ("min", 1.5, True),
        ("max", 10, True),
    ]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"specifications": regex_cf("x")["specifications"]}, "'Name' must not be empty."),
        ({"name": "x", "specifications": []}, "Must contain at least one Condition"),
        (
            {"name": "x", "specifications": [{**regex_cf("x")["specifications"][0], "name": "  "}]},
            "Condition name(s) cannot be empty or consist of only spaces",
        ),
        (
            {
                "name": "x",
                "specifications": [{"name": "a", "implementation": "MagicSpecification", "fields": []}],
            },
            "MagicSpecification is not a valid specification implementation",
        ),
        (regex_cf("x", value=""), "Regex Pattern must not be empty"),
        (
            {
                "name": "x",
                "specifications": [
                    {"name": "a", "implementation": "ReleaseTitleSpecification", "fields": {"value": "x"}}
                ],
            },
            "The JSON value could not be converted to List<Field>",
        ),
        (
            {
                "name": "x",
                "specifications": [
                    {
                        "name": "a",
                        "implementation": "SizeSpecification",
                        "fields": [{"name": "min", "value": 5}, {"name": "max", "value": 2}],
                    }
                ],
            },
            "'Max' must be greater than '5'.",
        ),
    ],
)
def test_invalid_custom_formats_are_rejected_with_a_validation_array(
    api: httpx.Client, body: dict[str, Any], expected: str
) -> None:
    assert expected in messages(api.post("/api/v3/customformat", json=body))
    assert api.get("/api/v3/customformat").json() == []


def test_custom_format_names_are_unique_case_sensitively(api: httpx.Client) -> None:
    assert api.post("/api/v3/customformat", json=regex_cf("x265")).status_code == 201
    assert "Must be unique." in messages(api.post("/api/v3/customformat", json=regex_cf("x265")))
    assert api.post("/api/v3/customformat", json=regex_cf("X265")).status_code == 201
    renamed = api.put("/api/v3/customformat/2", json=regex_cf("x265"))
    assert "Must be unique." in messages(renamed)


def test_custom_format_put_replaces_and_answers_202(api: httpx.Client) -> None:
    api.post("/api/v3/customformat", json={**regex_cf("a"), "includeCustomFormatWhenRenaming": True})
    response = api.put("/api/v3/customformat/1", json=regex_cf("b", value="new"))
    assert response.status_code == 202
    stored = api.get("/api/v3/customformat/1").json()
    assert stored["name"] == "b" and stored["includeCustomFormatWhenRenaming"] is False
    assert stored["specifications"][0]["fields"][0]["value"] == "new"


def test_creating_a_custom_format_adds_it_at_score_0_to_every_profile(api: httpx.Client) -> None:
    api.post("/api/v3/customformat", json=regex_cf("first"))
    api.post("/api/v3/customformat", json=regex_cf("second"))
    profiles = api.get("/api/v3/qualityprofile").json()
    assert len(profiles) == 6
    for profile in profiles:
        assert profile["formatItems"] == [
            {"format": 2, "name": "second", "score": 0},
            {"format": 1, "name": "first", "score": 0},
        ]


def test_overlapping_custom_format_creates_lose_profile_inserts_like_the_real_servers() -> None:
    """QualityProfileService.Handle(CustomFormatAddedEvent) reads every profile and writes it
    back whole, unlocked: POSTs that overlap overwrite each other's inserts."""
    with SimulatedServarr("sonarr", api_key=KEY, profile_event_seconds=0.2) as server:
        start = threading.Barrier(3)

        def post(name: str) -> None:
            with client(server) as http:
                start.wait()
                assert http.post("/api/v3/customformat", json=regex_cf(name)).status_code == 201

        threads = [threading.Thread(target=post, args=(name,)) for name in ("a", "b", "c")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        with client(server) as http:
            assert len(http.get("/api/v3/customformat").json()) == 3
            profile = http.get("/api/v3/qualityprofile/1").json()
            assert len(profile["formatItems"]) == 1
            # The profile as the server now shows it cannot be saved back.
            assert CF_SET_MESSAGE in messages(http.put("/api/v3/qualityprofile/1", json=profile))


def test_deleting_the_last_custom_format_resets_profile_scores(api: httpx.Client) -> None:
    api.post("/api/v3/customformat", json=regex_cf("only"))
    profile = api.get("/api/v3/qualityprofile/1").json()
    profile["formatItems"][0]["score"] = 100
    profile.update(minFormatScore=50, cutoffFormatScore=80, minUpgradeFormatScore=10)
    assert api.put("/api/v3/qualityprofile/1", json=profile).status_code == 202

    assert api.delete("/api/v3/customformat/1").status_code == 200
    after = api.get("/api/v3/qualityprofile/1").json()
    assert after["formatItems"] == []
    assert (after["minFormatScore"], after["cutoffFormatScore"], after["minUpgradeFormatScore"]) == (0, 0, 1)


# ------------------------------------------------------------ quality profiles


def _without_quality(profile: dict[str, Any], quality_id: int) -> None:
    profile["items"] = [i for i in profile["items"] if i.get("quality", {}).get("id") != quality_id]


def _duplicate_first_quality(profile: dict[str, Any]) -> None:
    profile["items"].append(copy.deepcopy(profile["items"][0]))


def _group(profile: dict[str, Any], **changes: Any) -> None:
    group = next(i for i in profile["items"] if "quality" not in i)
    group.update(changes)


def _single_child_group(profile: dict[str, Any]) -> None:
    group = next(i for i in profile["items"] if "quality" not in i)
    profile["items"].extend({**child, "allowed": False} for child in group["items"][1:])
    group["items"] = group["items"][:1]


PROFILE_RULES: list[tuple[str, Callable[[dict[str, Any]], None], str]] = [
    ("blank name", lambda p: p.update(name=" "), "'Name' must not be empty."),
    ("upgrade score 0", lambda p: p.update(minUpgradeFormatScore=0), "must be greater than or equal to '1'"),
    ("missing format", lambda p: p.update(formatItems=[]), CF_SET_MESSAGE),
    (
        "extra format",
        lambda p: p["formatItems"].append({"format": 99, "name": "ghost", "score": 0}),
        CF_SET_MESSAGE,
    ),
    (
        "unreachable minimum",
        lambda p: p.update(minFormatScore=10),
        "Minimum Custom Format Score can never be satisfied",
    ),
    ("no items", lambda p: p.update(items=[]), "'Items' must not be empty."),
    (
        "nothing allowed",
        lambda p: p.update(items=[{**i, "allowed": False} for i in p["items"]]),
        "Must contain at least one allowed quality",
    ),
    ("quality twice", _duplicate_first_quality, "Qualities can only be used once"),
    ("quality missing", lambda p: _without_quality(p, 0), "Must contain all qualities"),
    ("group without name", lambda p: _group(p, name=""), "Groups must have a name"),
    ("group without id", lambda p: _group(p, id=0), "Groups must have an ID"),
    ("group id reused", lambda p: _group(p, id=1001), "Groups must have a unique ID"),
    ("group of one", _single_child_group, "Groups must contain multiple qualities"),
    (
        "named quality",
        lambda p: p["items"][0].update(name="Unknown"),
        "Individual qualities should not be named",
    ),
    ("cutoff not allowed", lambda p: p.update(cutoff=0), "Cutoff must be an allowed quality or group"),
    ("cutoff unknown", lambda p: p.update(cutoff=4242), "Cutoff must be an allowed quality or group"),
    (
        "cutoff inside a group",
        lambda p: p.update(cutoff=12),
        "Cutoff must be an allowed quality or group",
    ),
]


@pytest.mark.parametrize(("case", "mutate", "expected"), PROFILE_RULES, ids=[r[0] for r in PROFILE_RULES])
def test_invalid_quality_profiles_are_rejected(
    api: httpx.Client, case: str, mutate: Callable[[dict[str, Any]], None], expected: str
) -> None:
    api.post("/api/v3/customformat", json=regex_cf("cf"))
    profile = api.get("/api/v3/qualityprofile/1").json()  # "Any": WEB 480p group is allowed
    assert api.put("/api/v3/qualityprofile/1", json=profile).status_code == 202
    mutate(profile)
    found = messages(api.put("/api/v3/qualityprofile/1", json=profile))
    assert any(expected in message for message in found), (case, found)
    created = api.post("/api/v3/qualityprofile", json={**profile, "name": profile["name"].strip() or " "})
    assert created.status_code == 400


def test_cutoff_may_name_an_allowed_group(api: httpx.Client) -> None:
    profile = api.get("/api/v3/qualityprofile/1").json()
    profile["cutoff"] = 1000
    assert api.put("/api/v3/qualityprofile/1", json=profile).status_code == 202
    assert api.get("/api/v3/qualityprofile/1").json()["cutoff"] == 1000


def test_profile_put_replaces_the_whole_object(api: httpx.Client) -> None:
    profile = api.get("/api/v3/qualityprofile/2").json()
    profile.update(upgradeAllowed=True, cutoffFormatScore=5)
    api.put("/api/v3/qualityprofile/2", json=profile)
    partial = {k: v for k, v in profile.items() if k not in ("upgradeAllowed", "cutoffFormatScore")}
    assert api.put("/api/v3/qualityprofile/2", json=partial).status_code == 202
    stored = api.get("/api/v3/qualityprofile/2").json()
    assert stored["upgradeAllowed"] is False and stored["cutoffFormatScore"] == 0


def test_profiles_carry_a_field_clients_do_not_model_and_accept_it_back(api: httpx.Client) -> None:
    profile = api.get("/api/v3/qualityprofile/3").json()
    known = {"id", "name", "upgradeAllowed", "cutoff", "items", "minFormatScore", "cutoffFormatScore"}
    extras = set(profile) - known - {"minUpgradeFormatScore", "formatItems"}
    assert extras
    assert api.put("/api/v3/qualityprofile/3", json=profile).status_code == 202


def test_profile_names_are_not_required_to_be_unique(api: httpx.Client) -> None:
    copy_of_any = {k: v for k, v in api.get("/api/v3/qualityprofile/1").json().items() if k != "id"}
    created = api.post("/api/v3/qualityprofile", json=copy_of_any)
    assert created.status_code == 201 and created.json()["id"] == 7
    assert [p["name"] for p in api.get("/api/v3/qualityprofile").json()].count("Any") == 2


def test_radarr_profiles_have_a_language_and_sonarr_profiles_do_not(
    api: httpx.Client, radarr: SimulatedServarr
) -> None:
    assert "language" not in api.get("/api/v3/qualityprofile/1").json()
    with client(radarr) as http:
        assert http.get("/api/v3/qualityprofile/1").json()["language"] == {"id": 1, "name": "English"}


def test_profile_schema_lists_every_quality_and_custom_format(api: httpx.Client) -> None:
    api.post("/api/v3/customformat", json=regex_cf("cf"))
    schema = api.get("/api/v3/qualityprofile/schema").json()
    assert schema["formatItems"] == [{"format": 1, "name": "cf", "score": 0}]
    assert schema["minUpgradeFormatScore"] == 1
    leaves = [leaf for item in schema["items"] for leaf in (item["items"] or [item])]
    assert len(leaves) == 22 and not any(leaf["allowed"] for leaf in leaves)


def test_deleting_a_profile_in_use_fails_like_the_server(sonarr: SimulatedServarr, api: httpx.Client) -> None:
    sonarr.mark_profile_in_use(2)
    refused = api.delete("/api/v3/qualityprofile/2")
    assert refused.status_code == 400
    assert refused.json()["message"] == "QualityProfile [SD] is in use."
    assert api.delete("/api/v3/qualityprofile/3").status_code == 200
    assert [p["id"] for p in api.get("/api/v3/qualityprofile").json()] == [1, 2, 4, 5, 6]


def test_state_edited_directly_shows_up_in_the_api(sonarr: SimulatedServarr, api: httpx.Client) -> None:
    api.post("/api/v3/customformat", json=regex_cf("cf"))
    sonarr.state.custom_formats[1]["name"] = "renamed in the UI"
    sonarr.state.quality_profiles[1]["formatItems"][0]["score"] = 42
    assert api.get("/api/v3/customformat/1").json()["name"] == "renamed in the UI"
    assert api.get("/api/v3/qualityprofile/1").json()["formatItems"][0]["score"] == 42


# -------------------------------------------------------- quality definitions


def test_bulk_quality_definition_update_saves_and_returns_all(api: httpx.Client) -> None:
    definitions = api.get("/api/v3/qualitydefinition").json()
    target = next(d for d in definitions if d["quality"]["name"] == "WEBDL-1080p")
    target.update(minSize=10, preferredSize=50.5, maxSize=None)
    response = api.put("/api/v3/qualitydefinition/update", json=[target])
    assert response.status_code == 202
    assert len(response.json()) == len(definitions)
    stored = api.get(f"/api/v3/qualitydefinition/{target['id']}").json()
    assert (stored["minSize"], stored["preferredSize"], stored["maxSize"]) == (10, 50.5, None)


@pytest.mark.parametrize(
    ("sizes", "expected"),
    [
        (
            {"minSize": -1, "preferredSize": 5, "maxSize": 10},
            "'Min Size' must be greater than or equal to '0'.",
        ),
        (
            {"minSize": 20, "preferredSize": 5, "maxSize": 30},
            "'Preferred Size' must be greater than or equal",
        ),
        (
            {"minSize": 1, "preferredSize": 50, "maxSize": 30},
            "'Max Size' must be greater than or equal to '50'.",
        ),
        (
            {"minSize": 1, "preferredSize": 5, "maxSize": 1500},
            "'Max Size' must be less than or equal to '1000'.",
        ),
    ],
)
def test_invalid_size_in_a_bulk_update_rejects_every_item(
    api: httpx.Client, sizes: dict[str, float], expected: str
) -> None:
    before = api.get("/api/v3/qualitydefinition").json()
    good = {**before[1], "minSize": 3}
    bad = {**before[2], **sizes}
    found = messages(api.put("/api/v3/qualitydefinition/update", json=[good, bad]))
    assert any(expected in message for message in found), found
    assert api.get("/api/v3/qualitydefinition").json() == before


def test_radarr_accepts_sizes_up_to_2000(radarr: SimulatedServarr) -> None:
    with client(radarr) as http:
        definition = {
            **http.get("/api/v3/qualitydefinition/1").json(),
            "maxSize": 1500,
            "preferredSize": 1400,
        }
        assert http.put("/api/v3/qualitydefinition/1", json=definition).status_code == 202
        definition["maxSize"] = 2001
        assert "'Max Size' must be less than or equal to '2000'." in messages(
            http.put("/api/v3/qualitydefinition/1", json=definition)
        )


# ------------------------------------------------------------ config singletons


def test_naming_put_saves_every_property_and_resets_omitted_ones(api: httpx.Client) -> None:
    naming = api.get("/api/v3/config/naming").json()
    assert naming["id"] == 1
    changed = {**naming, "colonReplacementFormat": 1}
    del changed["replaceIllegalCharacters"]
    assert api.put("/api/v3/config/naming/1", json=changed).status_code == 202
    stored = api.get("/api/v3/config/naming").json()
    assert stored["colonReplacementFormat"] == 1 and stored["replaceIllegalCharacters"] is False


def test_colon_replacement_is_an_int_in_sonarr_and_a_string_in_radarr(
    api: httpx.Client, radarr: SimulatedServarr
) -> None:
    naming = api.get("/api/v3/config/naming").json()
    assert (
        api.put("/api/v3/config/naming/1", json={**naming, "colonReplacementFormat": "dash"}).status_code
        == 400
    )
    with client(radarr) as http:
        movie_naming = http.get("/api/v3/config/naming").json()
        assert movie_naming["colonReplacementFormat"] == "smart"
        bad = http.put("/api/v3/config/naming/1", json={**movie_naming, "colonReplacementFormat": 1})
        good = http.put("/api/v3/config/naming/1", json={**movie_naming, "colonReplacementFormat": "dash"})
        assert (bad.status_code, good.status_code) == (400, 202)


def test_naming_with_renaming_on_needs_a_file_format(api: httpx.Client) -> None:
    naming = {**api.get("/api/v3/config/naming").json(), "renameEpisodes": True, "standardEpisodeFormat": ""}
    assert messages(api.put("/api/v3/config/naming/1", json=naming))


def test_media_management_put_treats_omitted_values_like_the_config_service(api: httpx.Client) -> None:
    config = api.get("/api/v3/config/mediamanagement").json()
    assert config["minimumFreeSpaceWhenImporting"] == 100 and config["copyUsingHardlinks"] is True
    partial = {k: v for k, v in config.items() if k not in ("copyUsingHardlinks", "extraFileExtensions")}
    partial["recycleBin"] = None
    assert api.put("/api/v3/config/mediamanagement/1", json=partial).status_code == 202
    stored = api.get("/api/v3/config/mediamanagement").json()
    assert stored["copyUsingHardlinks"] is False  # omitted bool arrives as false
    assert stored["extraFileExtensions"] == "srt"  # omitted string is skipped
    assert stored["recycleBin"] == ""  # null is skipped
    without_space = {k: v for k, v in config.items() if k != "minimumFreeSpaceWhenImporting"}
    assert any(
        "'100'" in m for m in messages(api.put("/api/v3/config/mediamanagement/1", json=without_space))
    )


def test_media_management_rejects_unknown_enum_values(api: httpx.Client) -> None:
    config = {**api.get("/api/v3/config/mediamanagement").json(), "fileDate": "cinemas"}
    assert api.put("/api/v3/config/mediamanagement/1", json=config).status_code == 400


# ----------------------------------------------------------------- tags etc.


def test_tag_creation_is_idempotent_and_lowercases(api: httpx.Client) -> None:
    first = api.post("/api/v3/tag", json={"label": "Anime"})
    again = api.post("/api/v3/tag", json={"label": "anime"})
    assert first.status_code == 201
    assert first.json() == again.json() == {"id": 1, "label": "anime"}
    assert api.get("/api/v3/tag").json() == [{"id": 1, "label": "anime"}]


# --------------------------------------------------------------- test hooks


def test_fail_next_injects_failures_for_matching_paths_only(
    sonarr: SimulatedServarr, api: httpx.Client
) -> None:
    sonarr.fail_next(2, 503, path_prefix="/api/v3/customformat", retry_after=7)
    assert api.get("/api/v3/tag").status_code == 200
    first = api.get("/api/v3/customformat")
    assert (first.status_code, first.headers["Retry-After"]) == (503, "7")
    assert api.post("/api/v3/customformat", json=regex_cf("x")).status_code == 503
    assert api.get("/api/v3/customformat").json() == []
    sonarr.fail_next(1)
    assert api.get("/api/v3/tag").status_code == 500
    assert api.get("/api/v3/tag").status_code == 200


def test_requests_are_recorded_and_can_be_reset(sonarr: SimulatedServarr, api: httpx.Client) -> None:
    api.get("/api/v3/tag", params={"x": "1"})
    api.post("/api/v3/tag", json={"label": "a"})
    assert [(r.method, r.path, r.query, r.json, r.status) for r in sonarr.requests] == [
        ("GET", "/api/v3/tag", {"x": "1"}, None, 200),
        ("POST", "/api/v3/tag", {}, {"label": "a"}, 201),
    ]
    sonarr.reset_requests()
    assert sonarr.requests == []


def test_request_validator_sees_path_templates_and_its_errors_become_400() -> None:
    seen: list[tuple[str, str, Any]] = []

    def validator(method: str, template: str, body: Any) -> None:
        seen.append((method, template, body))
        if body.get("label") == "bad":
            raise ValueError("nope")

    with (
        SimulatedServarr("sonarr", api_key=KEY, request_validator=validator) as server,
        client(server) as http,
    ):
        http.get("/api/v3/qualityprofile/1")
        http.put("/api/v3/qualityprofile/1", json={"name": "x"})
        refused = http.post("/api/v3/tag", json={"label": "bad"})
        assert http.get("/api/v3/tag").json() == []
    assert [(m, t) for m, t, _ in seen] == [("PUT", "/api/v3/qualityprofile/{id}"), ("POST", "/api/v3/tag")]
    assert "nope" in messages(refused)[0]


def test_concurrent_requests_overlap_their_latency() -> None:
    # Two requests of 1 s latency each: served one after the other they would take 2 s or more,
    # so anything under 2 s proves they overlapped, however loaded the machine is.
    with SimulatedServarr("sonarr", api_key=KEY, latency=1.0) as server:
        statuses: list[int] = []

        def fetch() -> None:
            with client(server) as http:
                statuses.append(http.get("/api/v3/tag").status_code)

        threads = [threading.Thread(target=fetch) for _ in range(2)]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
    assert statuses == [200, 200]
    assert 1.0 <= elapsed < 2.0


def test_server_stops_and_frees_its_port() -> None:
    server = SimulatedServarr("radarr", api_key=KEY)
    server.start()
    url = server.url
    server.stop()
    with pytest.raises(RuntimeError):
        _ = server.url
    with pytest.raises(httpx.ConnectError), httpx.Client() as http:
        http.get(url + "/ping")


# ---------------------------------------------------------- OpenAPI validator


@pytest.mark.parametrize("app", ["sonarr", "radarr"])
def test_openapi_validator_accepts_everything_the_server_hands_out(app: App) -> None:
    validator = OpenApiValidator(app)
    with (
        SimulatedServarr(app, api_key=KEY, request_validator=validator) as server,
        client(server) as http,
    ):
        spec = {"name": "s", "implementation": "SizeSpecification", "fields": [{"name": "max", "value": 3}]}
        assert (
            http.post("/api/v3/customformat", json={"name": "cf", "specifications": [spec]}).status_code
            == 201
        )
        for profile in http.get("/api/v3/qualityprofile").json():
            assert http.put(f"/api/v3/qualityprofile/{profile['id']}", json=profile).status_code == 202
        cf = http.get("/api/v3/customformat/1").json()
        assert http.put("/api/v3/customformat/1", json=cf).status_code == 202
        definitions = http.get("/api/v3/qualitydefinition").json()
        assert http.put("/api/v3/qualitydefinition/update", json=definitions).status_code == 202
        for singleton in ("naming", "mediamanagement"):
            body = http.get(f"/api/v3/config/{singleton}").json()
            assert http.put(f"/api/v3/config/{singleton}/1", json=body).status_code == 202
        assert http.post("/api/v3/tag", json={"label": "x"}).status_code == 201


def test_openapi_validator_rejects_bodies_that_do_not_match_the_schema() -> None:
    validator = OpenApiValidator("sonarr")
    with pytest.raises(RequestBodyMismatch, match="is not of type 'array'"):
        validator(
            "POST", "/api/v3/customformat", {"name": "x", "specifications": [{"fields": {"value": "x"}}]}
        )
    with pytest.raises(RequestBodyMismatch, match="is not of type 'integer'"):
        validator("PUT", "/api/v3/config/naming/{id}", {"colonReplacementFormat": "smart"})
    with pytest.raises(RequestBodyMismatch, match="not one of"):
        validator("PUT", "/api/v3/config/mediamanagement/{id}", {"fileDate": "cinemas"})
    with pytest.raises(RequestBodyMismatch, match="takes no JSON body"):
        validator("DELETE", "/api/v3/customformat/{id}", {})
    validator("PUT", "/api/v3/config/naming/{id}", {"colonReplacementFormat": 4, "renameEpisodes": True})


def test_openapi_validator_can_enforce_closed_objects() -> None:
    strict = OpenApiValidator("radarr", allow_unknown_properties=False)
    with pytest.raises(RequestBodyMismatch, match="Additional properties"):
        strict("POST", "/api/v3/tag", {"label": "x", "colour": "red"})
    OpenApiValidator("radarr")("POST", "/api/v3/tag", {"label": "x", "colour": "red"})


def test_connections_have_nagle_off_like_kestrel() -> None:
    """Kestrel answers without Nagle's algorithm (NoDelay defaults true); with it on, every
    kept-alive answer of `http.server` waits ~40 ms for the client's delayed ACK."""
    with (
        _Server(("127.0.0.1", 0), BaseHTTPRequestHandler) as server,
        socket.create_connection(server.server_address[:2]),
    ):
        accepted, _ = server.get_request()
        with accepted:
            assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
