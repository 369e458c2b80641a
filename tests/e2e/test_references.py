"""References through the CLI over the simulated stack: a Sonarr download client that targets
`qbittorrent.main` is written with that instance's in-cluster address (its `peer_url`), after
qBittorrent, passes the real connection test between the fakes and converges; a bad target
stops `validate` and `plan` before any request; a failed target skips its referrers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from syncd.simulator.stack import SimulatedStack
from tests.e2e.conftest import run

CONFIG = """\
syncd: 1
qbittorrent:
  main:
    base_url: {qbt_url}
    peer_url: {qbt_peer}
    preferences: {{max_ratio_enabled: true}}
sonarr:
  main:
    base_url: {sonarr_url}
    api_key: {sonarr_key}
    download_clients:
      - name: qBittorrent
        implementation: QBittorrent
        target: {target}
        fields: {{tvCategory: tv}}
"""


@pytest.fixture
def stack() -> Iterator[SimulatedStack]:
    with SimulatedStack() as simulated:
        yield simulated


def write(
    tmp_path: Path, stack: SimulatedStack, *, target: str = "qbittorrent.main", qbt_url: str = ""
) -> str:
    path = tmp_path / "syncd.yml"
    path.write_text(
        CONFIG.format(
            qbt_url=qbt_url or stack.qbittorrent.url,
            qbt_peer=stack.in_cluster_url("qbittorrent"),
            sonarr_url=stack.sonarr.url,
            sonarr_key=stack.keys.sonarr,
            target=target,
        ),
        encoding="utf-8",
    )
    return str(path)


def test_a_download_client_takes_the_target_address_and_converges(
    env: Path, tmp_path: Path, stack: SimulatedStack
) -> None:
    config = write(tmp_path, stack)
    applied = run("apply", "-c", config)
    assert applied.code == 0, applied.err + applied.out
    (client,) = stack.sonarr.state.download_clients.rows.values()
    assert (client["settings"]["host"], client["settings"]["port"]) == ("qbittorrent", 8080)
    assert client["settings"]["tvCategory"] == "tv"
    stack.reset_requests()
    again = run("plan", "-c", config)
    assert "No changes." in again.out, again.out
    assert run("apply", "-c", config).code == 0
    assert stack.writes() == {}


def test_a_bad_target_stops_validate_and_plan_before_any_request(
    env: Path, tmp_path: Path, stack: SimulatedStack
) -> None:
    config = write(tmp_path, stack, target="qbittorrent.nas")
    for command in ("validate", "plan", "apply"):
        result = run(command, "-c", config)
        assert result.code != 0
        assert f"{config}:12: download_clients: target 'qbittorrent.nas' is no instance" in result.err
    assert stack.sonarr.requests == [] and stack.qbittorrent.requests == []


def test_a_failed_target_skips_its_referrers_with_the_reason(
    env: Path, tmp_path: Path, stack: SimulatedStack
) -> None:
    config = write(tmp_path, stack, qbt_url="http://127.0.0.1:9")
    applied = run("apply", "-c", config)
    assert applied.code != 0
    assert "sonarr.main" in applied.out + applied.err
    assert "qbittorrent.main, which it references, failed" in applied.out + applied.err
    assert stack.sonarr.writes() == []
