"""End to end: quality profiles the server left without some custom formats (an apply stopped
partway, an earlier syncd, another tool) are found by the plan, whether syncd manages them or
not, and repaired by apply with those formats at score 0 and nothing else; custom formats
created concurrently against a server that loses profile inserts when creates overlap (as
Sonarr/Radarr do) still leave every profile with every format, and the next apply has nothing
to write."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from syncd.simulator import SimulatedServarr
from tests.e2e.conftest import run, writes
from tests.fakes.openapi import OpenApiValidator
from tests.shared import SONARR_KEY

CONFIG = """\
syncd: 1
sonarr:
  main:
    base_url: {url}
    api_key: !env SONARR_KEY
    include:
      - preset: sonarr-web-1080p
"""


@pytest.fixture
def server() -> Iterator[SimulatedServarr]:
    """A Sonarr that loses profile inserts when custom-format creates overlap, as the real one
    does (`QualityProfileService.Handle(CustomFormatAddedEvent)` writes every profile back
    unlocked)."""
    with SimulatedServarr(
        "sonarr",
        api_key=SONARR_KEY,
        latency=0.01,
        profile_event_seconds=0.02,
        request_validator=OpenApiValidator("sonarr"),
    ) as racing:
        yield racing


def _complete(server: SimulatedServarr) -> dict[str, bool]:
    formats = sorted(server.state.custom_formats)
    return {
        p["name"]: sorted(item["format"] for item in p["formatItems"]) == formats
        for p in server.state.quality_profiles.values()
    }


def _without_items(profile: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in profile.items() if k != "formatItems"}


def test_a_damaged_profile_is_planned_repaired_and_then_converged(env: Path, tmp_path: Path) -> None:
    config = tmp_path / "syncd.yml"
    with SimulatedServarr(
        "sonarr", api_key=SONARR_KEY, request_validator=OpenApiValidator("sonarr")
    ) as server:
        config.write_text(CONFIG.format(url=server.url))
        defaults = set(server.state.quality_profiles)
        assert run("apply", "-c", str(config)).code == 0
        assert all(_complete(server).values())
        (managed_id,) = set(server.state.quality_profiles) - defaults
        unmanaged_id = min(defaults)
        unmanaged = server.state.quality_profiles[unmanaged_id]
        managed = server.state.quality_profiles[managed_id]

        # By hand, as a user would in the UI: scores on an unmanaged profile. Then the damage:
        # three formats gone from it, one from the profile syncd manages.
        items = unmanaged["formatItems"]
        items[0]["score"], items[1]["score"] = 25, -10
        lost = [item["format"] for item in items[2:5]]
        unmanaged["formatItems"] = [item for item in items if item["format"] not in lost]
        managed["formatItems"] = managed["formatItems"][1:]
        scored = {item["format"]: item["score"] for item in unmanaged["formatItems"]}
        settings = _without_items(unmanaged)
        server.reset_requests()

        planned = run("plan", "-c", str(config), "--detailed-exitcode")
        assert planned.code == 2, planned.out + planned.err
        address = f'sonarr.main.quality_profile["{unmanaged["name"]}"]'
        assert address in planned.out
        assert "restore the 3 custom formats the server lost from this profile" in planned.out
        assert "no score changes" in planned.out
        document = json.loads(run("plan", "-c", str(config), "--json").out)
        by_address = {c["address"]: c for c in document["resource_changes"]}
        assert document["summary"] == {"add": 0, "change": 2, "destroy": 0}
        repair = by_address[address]
        assert repair["change"]["actions"] == ["update"]
        names = {server.state.custom_formats[i]["name"] for i in lost}
        assert repair["change"]["after"] == {"scores": dict.fromkeys(sorted(names), 0)}
        # The managed profile is one change, its own update (which sends every format).
        managed_address = f'sonarr.main.quality_profile["{managed["name"]}"]'
        assert "restore" not in by_address[managed_address]["action_reason"]
        assert writes(server) == []

        applied = run("apply", "-c", str(config))
        assert applied.code == 0, applied.out + applied.err
        puts = sorted(w for w in writes(server))
        assert puts == sorted(f"PUT /api/v3/qualityprofile/{i}" for i in (unmanaged_id, managed_id))
        assert all(_complete(server).values())
        repaired = server.state.quality_profiles[unmanaged_id]
        assert _without_items(repaired) == settings
        assert {i["format"]: i["score"] for i in repaired["formatItems"]} == {
            **scored,
            **dict.fromkeys(lost, 0),
        }

        server.reset_requests()
        again = run("plan", "-c", str(config), "--detailed-exitcode")
        assert again.code == 0, again.out + again.err
        assert run("apply", "-c", str(config)).code == 0
        assert writes(server) == []


def test_an_apply_stopped_partway_leaves_damage_the_next_apply_repairs(
    env: Path, tmp_path: Path, server: SimulatedServarr
) -> None:
    config = tmp_path / "syncd.yml"
    config.write_text(CONFIG.format(url=server.url))
    # One custom-format create refused: the others, in flight together, lose profile inserts,
    # and no write starts after the failure, the repair included.
    server.fail_next(1, 400, path_prefix="/api/v3/customformat", method="POST")
    failed = run("apply", "-c", str(config))
    assert failed.code != 0, failed.out + failed.err
    assert not all(_complete(server).values())

    planned = run("plan", "-c", str(config))
    damaged = [name for name, whole in _complete(server).items() if not whole]
    assert damaged
    for name in damaged:
        assert f'sonarr.main.quality_profile["{name}"] will be updated in-place (restore the ' in planned.out

    clean = run("apply", "-c", str(config))
    assert clean.code == 0, clean.out + clean.err
    assert all(_complete(server).values())

    server.reset_requests()
    again = run("apply", "-c", str(config))
    assert again.code == 0, again.out + again.err
    assert writes(server) == []


def test_overlapping_creates_leave_every_profile_with_every_format(
    env: Path, tmp_path: Path, server: SimulatedServarr
) -> None:
    config = tmp_path / "syncd.yml"
    config.write_text(CONFIG.format(url=server.url))
    defaults = {p["id"] for p in server.state.quality_profiles.values()}

    first = run("apply", "-c", str(config))
    assert first.code == 0, first.out + first.err

    created = [r for r in server.requests if r.method == "POST" and r.path == "/api/v3/customformat"]
    assert len(created) == len(server.state.custom_formats) > 30
    formats = set(server.state.custom_formats)
    for profile in server.state.quality_profiles.values():
        held = [item["format"] for item in profile["formatItems"]]
        assert sorted(held) == sorted(formats), profile["name"]
    # The server did lose inserts: the profiles syncd does not manage were repaired.
    repaired = {r.path for r in server.requests if r.method == "PUT" and "qualityprofile" in r.path}
    assert repaired == {f"/api/v3/qualityprofile/{i}" for i in defaults}

    server.reset_requests()
    second = run("apply", "-c", str(config))
    assert second.code == 0, second.out + second.err
    assert writes(server) == []

    # Scored formats deleted by hand: recreated concurrently, and the managed profile that
    # scores them is written once, by its own update (the repair leaves it alone).
    (managed,) = (p for p in server.state.quality_profiles.values() if p["id"] not in defaults)
    scored = [item["format"] for item in managed["formatItems"] if item["score"] != 0][:4]
    assert len(scored) == 4
    for cf_id in scored:
        server.state.delete_custom_format(cf_id)
    server.reset_requests()
    third = run("apply", "-c", str(config))
    assert third.code == 0, third.out + third.err
    puts = [r.path for r in server.requests if r.method == "PUT" and "qualityprofile" in r.path]
    assert sorted(puts) == sorted(f"/api/v3/qualityprofile/{i}" for i in {*defaults, managed["id"]})
    formats = set(server.state.custom_formats)
    for profile in server.state.quality_profiles.values():
        assert sorted(item["format"] for item in profile["formatItems"]) == sorted(formats)


def test_with_max_writes_1_no_creates_overlap_so_nothing_needs_repair(
    env: Path, tmp_path: Path, server: SimulatedServarr
) -> None:
    """`http.max_writes` bounds the writes in flight: one at a time, the server loses no
    profile insert, and the profiles syncd does not manage are never written."""
    config = tmp_path / "syncd.yml"
    config.write_text(CONFIG.format(url=server.url) + "    http: {max_writes: 1}\n")
    defaults = set(server.state.quality_profiles)
    first = run("apply", "-c", str(config))
    assert first.code == 0, first.out + first.err
    assert all(_complete(server).values())
    puts = {r.path for r in server.requests if r.method == "PUT" and "qualityprofile" in r.path}
    assert not puts & {f"/api/v3/qualityprofile/{i}" for i in defaults}
