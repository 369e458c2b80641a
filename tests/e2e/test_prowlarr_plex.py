"""End to end through the CLI against the simulated stack (real HTTP on loopback, Prowlarr
bodies checked against its OpenAPI spec with unknown properties refused): Prowlarr's tags,
indexer proxies, download client and applications and Plex's libraries are wired by one apply;
a second apply writes nothing and sets off no Prowlarr test or resync; a failed connection test
names the server's message and stops only that instance; a Plex without a token is skipped
with a warning while the rest syncs; no Sonarr/Radarr Plex connection is tested before its Plex
library exists (the app's save-time test needs one: "At least one TV library is required"), an
order that comes from the `target: plex.main` references, not from a list."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from syncd.simulator.stack import SimulatedStack
from tests.e2e.conftest import run
from tests.fakes.openapi import OpenApiValidator


@pytest.fixture
def stack() -> Iterator[SimulatedStack]:
    validators = {
        "prowlarr": OpenApiValidator("prowlarr", allow_unknown_properties=False),
        "sonarr": OpenApiValidator("sonarr"),
        "radarr": OpenApiValidator("radarr"),
    }
    with SimulatedStack(validators=validators) as simulated:
        yield simulated


def config(stack: SimulatedStack, tmp_path: Path, *, token: str | None = None, sonarr_key: str = "") -> Path:
    keys = stack.keys
    token_line = f"    token: {token or keys.plex_token}\n" if token != "" else ""
    text = f"""\
syncd: 1
prowlarr:
  main:
    base_url: {stack.prowlarr.url}
    api_key: {keys.prowlarr}
    peer_url: http://prowlarr:9696
    tags: [flaresolverr]
    indexer_proxies:
      - {{name: FlareSolverr, implementation: FlareSolverr, tags: [flaresolverr],
          fields: {{host: "http://flaresolverr:8191/", requestTimeout: 60}}}}
      - {{name: Byparr, implementation: FlareSolverr, tags: [flaresolverr], fields: {{host: "http://byparr:39001/"}}}}
    download_clients:
      - {{name: qBittorrent, implementation: QBittorrent, fields: {{host: qbittorrent, port: 8080, category: prowlarr}}}}
    applications:
      - name: Sonarr
        implementation: Sonarr
        fields: {{prowlarrUrl: "http://prowlarr:9696", baseUrl: "http://sonarr:8989", apiKey: {sonarr_key or keys.sonarr}}}
        settings: {{syncLevel: fullSync}}
      - name: Radarr
        implementation: Radarr
        fields: {{prowlarrUrl: "http://prowlarr:9696", baseUrl: "http://radarr:7878", apiKey: {keys.radarr}}}
plex:
  main:
    base_url: {stack.plex.url}
{token_line}    libraries:
      - {{name: Movies, type: movie, path: /data/library/movies}}
      - {{name: TV Shows, type: show, path: /data/library/tvshows/}}
"""
    path = tmp_path / "syncd.yml"
    path.write_text(text)
    return path


def test_one_apply_wires_prowlarr_and_plex_and_a_second_writes_nothing(
    env: Path, tmp_path: Path, stack: SimulatedStack
) -> None:
    path = str(config(stack, tmp_path))
    planned = run("plan", "-c", path)
    assert planned.code == 0, planned.err + planned.out
    for address in (
        'prowlarr.main.tag["flaresolverr"]',
        'prowlarr.main.indexer_proxy["FlareSolverr"]',
        'prowlarr.main.application["Sonarr"]',
        'prowlarr.main.download_client["qBittorrent"]',
        'plex.main.library["Movies"]',
    ):
        assert address in planned.out
    applied = run("apply", "-c", path)
    assert applied.code == 0, applied.err + applied.out

    state = stack.prowlarr.state
    apps = {row["name"]: row for row in state.applications.rows.values()}
    assert apps["Sonarr"]["settings"]["apiKey"] == stack.keys.sonarr
    assert apps["Radarr"]["syncLevel"] == "fullSync"
    proxies = list(state.indexer_proxies.rows.values())
    assert len(proxies) == 2 and all(p["tags"] for p in proxies)
    assert [c["settings"]["category"] for c in state.download_clients.rows.values()] == ["prowlarr"]
    assert stack.flaresolverr.requests and stack.byparr.requests  # the proxies were really tested
    sections = {s["title"]: s for s in stack.plex.sections.values()}
    assert sections["Movies"]["agent"] == "tv.plex.agents.movie"
    assert sections["TV Shows"]["scanner"] == "Plex TV Series"
    assert [loc["path"] for loc in sections["TV Shows"]["locations"]] == ["/data/library/tvshows"]

    stack.reset_requests()
    tests_before, syncs_before = state.application_tests, stack.prowlarr.side_effects.syncs
    again = run("plan", "-c", path)
    assert "No changes." in again.out, again.out
    assert run("apply", "-c", path).code == 0
    assert stack.writes() == {}
    assert state.application_tests == tests_before
    assert stack.prowlarr.side_effects.syncs == syncs_before


def test_a_changed_application_is_put_once_and_an_unchanged_one_never(
    env: Path, tmp_path: Path, stack: SimulatedStack
) -> None:
    path = config(stack, tmp_path)
    assert run("apply", "-c", str(path)).code == 0
    stack.reset_requests()
    path.write_text(path.read_text().replace("syncLevel: fullSync", "syncLevel: addOnly"))
    assert run("apply", "-c", str(path)).code == 0
    writes = stack.writes()
    # One PUT, of the changed app; Prowlarr tests it, which is the one call into Sonarr.
    assert writes["prowlarr"] == [f"PUT /api/v1/applications/{_id(stack, 'Sonarr')}"]
    assert writes.get("sonarr") == ["POST /api/v3/indexer/test"]
    assert "radarr" not in writes


def _id(stack: SimulatedStack, name: str) -> int:
    return next(int(r["id"]) for r in stack.prowlarr.state.applications.rows.values() if r["name"] == name)


def test_a_failed_connection_test_names_the_servers_message_and_the_rest_goes_on(
    env: Path, tmp_path: Path, stack: SimulatedStack
) -> None:
    path = str(config(stack, tmp_path, sonarr_key="not-the-sonarr-key"))
    applied = run("apply", "-c", path)
    assert applied.code != 0
    assert "API Key is invalid" in applied.out + applied.err
    assert "not-the-sonarr-key" not in applied.out + applied.err
    assert "Sonarr" not in {r["name"] for r in stack.prowlarr.state.applications.rows.values()}
    assert {s["title"] for s in stack.plex.sections.values()} == {"Movies", "TV Shows"}


def test_without_a_plex_token_plex_is_skipped_with_a_warning_and_the_rest_syncs(
    env: Path, tmp_path: Path, stack: SimulatedStack
) -> None:
    path = str(config(stack, tmp_path, token=""))
    applied = run("apply", "-c", path)
    assert applied.code == 0, applied.err + applied.out
    assert "no Plex token" in applied.out + applied.err
    assert stack.plex.sections == {}
    assert len(stack.prowlarr.state.applications.rows) == 2


def test_a_wrong_plex_token_is_an_error_of_plex_alone_and_never_shown(
    env: Path, tmp_path: Path, stack: SimulatedStack
) -> None:
    path = str(config(stack, tmp_path, token="not-the-plex-t0ken"))
    planned = run("plan", "-c", path)
    assert "Plex token rejected" in planned.out + planned.err
    assert "not-the-plex-t0ken" not in planned.out + planned.err
    assert 'prowlarr.main.application["Sonarr"]' in planned.out


def test_a_library_dropped_from_the_config_is_deleted_only_when_opted_in(
    env: Path, tmp_path: Path, stack: SimulatedStack
) -> None:
    path = config(stack, tmp_path)
    assert run("apply", "-c", str(path)).code == 0
    stack.plex.sections[99] = {**next(iter(stack.plex.sections.values())), "key": 99, "title": "Mine"}
    text = path.read_text().replace("      - {name: Movies, type: movie, path: /data/library/movies}\n", "")
    path.write_text(text)
    kept = run("apply", "-c", str(path))
    assert kept.code == 0, kept.out + kept.err
    assert {s["title"] for s in stack.plex.sections.values()} == {"Movies", "TV Shows", "Mine"}
    path.write_text(text + "    delete: {libraries: true}\n")
    deleted = run("apply", "-c", str(path))
    assert deleted.code == 0, deleted.out + deleted.err
    # Movies was syncd's; "Mine" never was, so it stays.
    assert {s["title"] for s in stack.plex.sections.values()} == {"TV Shows", "Mine"}


def test_an_application_by_target_takes_the_apps_peer_url_and_key(
    env: Path, tmp_path: Path, stack: SimulatedStack
) -> None:
    keys = stack.keys
    path = tmp_path / "syncd.yml"
    path.write_text(
        f"""\
syncd: 1
sonarr:
  main:
    base_url: {stack.sonarr.url}
    api_key: {keys.sonarr}
    peer_url: http://sonarr:8989
prowlarr:
  main:
    base_url: {stack.prowlarr.url}
    api_key: {keys.prowlarr}
    peer_url: http://prowlarr:9696
    applications:
      - {{name: Sonarr, implementation: Sonarr, target: sonarr.main}}
"""
    )
    applied = run("apply", "-c", str(path))
    assert applied.code == 0, applied.out + applied.err
    (app,) = stack.prowlarr.state.applications.rows.values()
    assert app["settings"]["baseUrl"] == "http://sonarr:8989"
    assert app["settings"]["prowlarrUrl"] == "http://prowlarr:9696"
    assert app["settings"]["apiKey"] == keys.sonarr
    assert keys.sonarr not in applied.out + applied.err
    stack.reset_requests()
    assert run("apply", "-c", str(path)).code == 0
    assert stack.writes() == {}


def _connections_config(stack: SimulatedStack, tmp_path: Path) -> str:
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
    path = _connections_config(stack, tmp_path)
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
