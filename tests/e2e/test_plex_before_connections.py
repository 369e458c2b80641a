"""End to end: a Sonarr/Radarr Plex connection is never attempted before its Plex library exists.

Saving an enabled PlexServer connection makes the app test it against Plex (`PlexServerService.
Test`: "At least one TV library is required"), so one apply against an empty Plex only succeeds
if the libraries are created first. The order comes from the `target: plex.main` references
(Plex is an earlier wave), not from a list; the plan's JSON says so, and Plex's own request log
shows each app's test reading the libraries only after syncd created them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from syncd.simulator.stack import SimulatedStack
from tests.e2e.conftest import run


@pytest.fixture
def stack() -> Iterator[SimulatedStack]:
    with SimulatedStack() as simulated:
        yield simulated


def _config(stack: SimulatedStack, tmp_path: Path) -> str:
    keys = stack.keys
    path = tmp_path / "syncd.yml"
    path.write_text(
        f"""\
syncd: 1
sonarr:
  main:
    base_url: {stack.sonarr.url}
    api_key: {keys.sonarr}
    connections:
      - {{name: Plex, implementation: PlexServer, target: plex.main, settings: {{onDownload: true}}}}
radarr:
  main:
    base_url: {stack.radarr.url}
    api_key: {keys.radarr}
    connections:
      - {{name: Plex, implementation: PlexServer, target: plex.main, settings: {{onDownload: true}}}}
plex:
  main:
    base_url: {stack.plex.url}
    peer_url: http://plex:32400
    token: {keys.plex_token}
    libraries:
      - {{name: Movies, type: movie, path: /data/library/movies}}
      - {{name: TV Shows, type: show, path: /data/library/tvshows}}
""",
        encoding="utf-8",
    )
    return str(path)


def test_plex_libraries_are_written_before_any_app_tests_its_plex_connection(
    env: Path, tmp_path: Path, stack: SimulatedStack
) -> None:
    path = _config(stack, tmp_path)
    assert not stack.plex.sections

    planned = run("plan", "-c", path, "--json")
    assert planned.code == 0, planned.err + planned.out
    waves = json.loads(planned.out)["waves"]
    wave_of = {address: i for i, wave in enumerate(waves) for address in wave}
    assert wave_of["plex.main"] < wave_of["sonarr.main"] and wave_of["plex.main"] < wave_of["radarr.main"]

    stack.reset_requests()
    applied = run("apply", "-c", path)
    assert applied.code == 0, applied.out + applied.err
    for app in (stack.sonarr, stack.radarr):
        (connection,) = app.state.notifications.rows.values()
        assert connection["implementation"] == "PlexServer"

    log = [(r.method, r.path) for r in stack.plex.requests]
    creates = [i for i, (method, path) in enumerate(log) if method == "POST" and path == "/library/sections"]
    reads = [i for i, (method, path) in enumerate(log) if method == "GET" and path == "/library/sections"]
    assert len(creates) == 2, log
    # syncd's own plan read comes first; every later read is an app testing its connection.
    tests = [i for i in reads if i > creates[0]]
    assert len(tests) >= 2 and min(tests) > max(creates), log
