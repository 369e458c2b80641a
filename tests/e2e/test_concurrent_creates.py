"""End to end: custom formats created concurrently against a server that loses profile
inserts when creates overlap (as Sonarr/Radarr do) still leave every profile with every
format, and the next apply has nothing to write."""

from __future__ import annotations

from pathlib import Path

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


def test_overlapping_creates_leave_every_profile_with_every_format(env: Path, tmp_path: Path) -> None:
    config = tmp_path / "syncd.yml"
    with SimulatedServarr(
        "sonarr",
        api_key=SONARR_KEY,
        latency=0.01,
        profile_event_seconds=0.02,
        request_validator=OpenApiValidator("sonarr"),
    ) as server:
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
