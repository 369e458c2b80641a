"""End to end, for every qBittorrent kind of the registry: plan, apply, then plan shows no
changes and a second apply writes nothing (as `tests/e2e/test_kinds.py` does for Sonarr's)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from syncd.kinds import registry
from syncd.kinds.base import Kind
from syncd.simulator.qbittorrent import SimulatedQbittorrent
from tests.e2e.conftest import run
from tests.kinds.test_contract import SAMPLES

# A qBittorrent section is written as a map; each item is one of the kind's entries.
MAP_ITEMS = {"preferences": ("key", "value"), "categories": ("name", "save_path")}


@pytest.fixture
def qbt() -> Iterator[SimulatedQbittorrent]:
    with SimulatedQbittorrent() as server:
        yield server


def written(qbt: SimulatedQbittorrent) -> list[str]:
    return [f"{r.method} {r.path}" for r in qbt.requests if r.method == "POST"]


def config_for(kind: Kind, qbt: SimulatedQbittorrent, tmp_path: Path) -> Path:
    key, value = MAP_ITEMS[kind.section]
    section = json.dumps({entry[key]: entry[value] for entry in SAMPLES[kind.name]})
    path = tmp_path / "syncd.yml"
    path.write_text(
        f"syncd: 1\nqbittorrent:\n  main:\n    base_url: {qbt.url}\n    {kind.section}: {section}\n"
    )
    return path


@pytest.mark.parametrize("kind", [pytest.param(k, id=k.name) for k in registry.for_service("qbittorrent")])
def test_the_kind_converges(kind: Kind, env: Path, tmp_path: Path, qbt: SimulatedQbittorrent) -> None:
    config = str(config_for(kind, qbt, tmp_path))
    first = run("plan", "-c", config)
    assert first.code == 0, first.err
    assert "qbittorrent.main." in first.out and "No changes." not in first.out
    applied = run("apply", "-c", config)
    assert applied.code == 0, applied.err + applied.out
    assert written(qbt)
    qbt.requests.clear()
    again = run("plan", "-c", config)
    assert "No changes." in again.out, again.out
    assert run("apply", "-c", config).code == 0
    assert written(qbt) == []


def test_every_qbittorrent_section_is_written_as_a_map() -> None:
    assert sorted(MAP_ITEMS) == sorted(k.section for k in registry.for_service("qbittorrent"))
