"""`syncd run` as a process: SIGTERM mid-apply stops between writes and exits 0 in the grace
period with every profile either untouched or fully written; a bad config fails at start."""

from __future__ import annotations

import copy
import io
import json
import time
from pathlib import Path

import pytest

from syncd import cli
from syncd.simulator import SimulatedServarr
from tests.daemon.conftest import config_text
from tests.daemon.process import DaemonProcess
from tests.fakes.openapi import OpenApiValidator
from tests.shared import SONARR_KEY

GRACE = 10.0


@pytest.fixture
def slow_sonarr():
    with SimulatedServarr(
        "sonarr", api_key=SONARR_KEY, latency=0.15, request_validator=OpenApiValidator("sonarr")
    ) as server:
        yield server


def test_sigterm_during_apply_stops_between_writes_and_exits_zero(
    tmp_path: Path,
    env: dict[str, str],
    slow_sonarr: SimulatedServarr,
    radarr: SimulatedServarr,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    config = tmp_path / "syncd.yml"
    config.write_text(config_text(slow_sonarr, radarr))
    before = copy.deepcopy(slow_sonarr.state.quality_profiles)
    daemon = DaemonProcess(config, env, "--grace-period", str(GRACE))
    try:
        daemon.wait_for(lambda: any(r.method != "GET" for r in slow_sonarr.requests))
        daemon.terminate()
        sent = time.monotonic()
        code = daemon.wait(timeout=GRACE + 5)
        elapsed = time.monotonic() - sent
    finally:
        daemon.close()
    assert code == 0, daemon.output()
    assert elapsed < GRACE
    assert daemon.find("apply.stopped") is not None, daemon.output()
    assert daemon.find("daemon.stopped") is not None

    for name, value in env.items():
        monkeypatch.setenv(name, value)
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(
        ["plan", "-c", str(config), "--json", "--instance", "sonarr.main"], stdout=out, stderr=err
    )
    assert code == 0, err.getvalue()
    plan = json.loads(out.getvalue())
    pending = {
        c["name"]: c["action_reason"]
        for c in plan["resource_changes"]
        if c["type"] == "quality_profile" and c["change"]["actions"] != ["no-op"]
    }
    assert sum(plan["summary"].values()) > 0, "the apply was not interrupted"
    for profile_id, profile in slow_sonarr.state.quality_profiles.items():
        if profile["name"] not in pending:
            continue
        if pending[profile["name"]].startswith("restore the "):
            # A repair: only the server's own inserts of the formats created reached it (some
            # lost to overlapping creates), none of syncd's writes.
            assert {k: v for k, v in profile.items() if k != "formatItems"} == {
                k: v for k, v in before[profile_id].items() if k != "formatItems"
            }
            assert {item["score"] for item in profile["formatItems"]} <= {0}
        else:
            assert profile == before.get(profile_id), f"{profile['name']} was half written"


def test_a_config_that_does_not_load_at_start_exits_one_with_the_reason(
    tmp_path: Path, env: dict[str, str]
) -> None:
    config = tmp_path / "syncd.yml"
    config.write_text("syncd: 1\nsonarr:\n  main:\n    base_url: [unclosed\n")
    daemon = DaemonProcess(config, env)
    try:
        code = daemon.wait(timeout=30)
    finally:
        daemon.close()
    assert code == 1
    assert f"{config}:" in daemon.output()
