"""End to end through the CLI: syncd binds a (simulated) qBittorrent to wg0, converges, keeps
saved plans and `--instance` working, and fails clearly, without the password, on bad logins."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from syncd.simulator import SimulatedServarr
from syncd.simulator.qbittorrent import SimulatedQbittorrent
from tests.e2e.conftest import run, writes
from tests.qbittorrent.configs import WriteConfig, qbittorrent_config

__all__ = ["qbittorrent_config"]

PASSWORD = "qbt-e2e-Passw0rd"


@pytest.fixture
def qbt() -> Iterator[SimulatedQbittorrent]:
    with SimulatedQbittorrent(username="admin", password=PASSWORD) as server:
        yield server


def test_plan_apply_binds_to_wg0_and_converges(
    env: Path, qbt: SimulatedQbittorrent, qbittorrent_config: WriteConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QBT_PASSWORD", PASSWORD)
    config = str(qbittorrent_config(qbt.url))
    plan = run("plan", "-c", config)
    assert plan.code == 0, plan.err
    assert "# qbittorrent.main.preferences will be updated in-place" in plan.out
    assert '~ current_network_interface = "" -> "wg0"' in plan.out
    assert "~ max_ratio = -1 -> 2" in plan.out
    assert "Plan: 0 to add, 1 to change, 0 to destroy." in plan.out
    assert [f"{r.method} {r.path}" for r in qbt.requests] == [
        "POST /api/v2/auth/login",
        "GET /api/v2/app/preferences",
    ]

    applied = run("apply", "-c", config)
    assert applied.code == 0, applied.err + applied.out
    (write,) = qbt.writes()
    assert (
        write.form["json"]
        == '{"current_network_interface": "wg0", "max_ratio": 2, "max_ratio_enabled": true}'
    )
    assert qbt.preferences["current_network_interface"] == "wg0"

    again = run("plan", "-c", config)
    assert "No changes." in again.out
    qbt.requests.clear()
    assert run("apply", "-c", config).code == 0
    assert qbt.writes() == []


def test_a_saved_plan_for_one_instance_is_applied_and_refused_once_stale(
    env: Path,
    tmp_path: Path,
    qbt: SimulatedQbittorrent,
    sonarr: SimulatedServarr,
    qbittorrent_config: WriteConfig,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("QBT_PASSWORD", PASSWORD)
    sonarr_block = f"sonarr:\n  main:\n    base_url: {sonarr.url}\n    api_key: !env SONARR_KEY\n"
    config = str(qbittorrent_config(qbt.url, extra=sonarr_block))
    saved = str(tmp_path / "plan.json")
    assert run("plan", "-c", config, "--instance", "qbittorrent.main", "--out", saved).code == 0
    qbt.preferences["dht"] = False  # changed in the WebUI after the plan was made
    refused = run("apply", "-c", config, saved)
    assert refused.code == 1 and "changed since the plan was made" in refused.err
    assert qbt.writes() == []

    assert run("plan", "-c", config, "--instance", "qbittorrent.main", "--out", saved).code == 0
    applied = run("apply", "-c", config, saved)
    assert applied.code == 0, applied.err
    assert "qbittorrent.main: applied 1 change (0 added, 1 changed, 0 destroyed)." in applied.out
    assert qbt.preferences["current_network_interface"] == "wg0"
    assert writes(sonarr) == []


def test_bad_credentials_are_a_clear_error_without_the_password(
    env: Path, qbt: SimulatedQbittorrent, qbittorrent_config: WriteConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QBT_PASSWORD", "not-the-Passw0rd")
    config = str(qbittorrent_config(qbt.url))
    plan = run("plan", "-c", config)
    assert plan.code == 1
    assert "refused the login of user 'admin': wrong username or password" in plan.out + plan.err
    assert "not-the-Passw0rd" not in plan.out + plan.err
    applied = run("apply", "-c", config)
    assert applied.code == 1 and "nothing was written" in applied.err
    assert "not-the-Passw0rd" not in applied.out + applied.err
    assert qbt.writes() == []


def test_an_unknown_preference_is_a_plan_error_at_its_line(
    env: Path, qbt: SimulatedQbittorrent, qbittorrent_config: WriteConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QBT_PASSWORD", PASSWORD)
    path = qbittorrent_config(qbt.url)
    path.write_text(path.read_text().replace("max_ratio: 2", "max_ratoi: 2"), encoding="utf-8")
    plan = run("plan", "-c", str(path))
    assert plan.code == 1
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1) if "max_ratoi" in text)
    assert f"{path}:{line}: qBittorrent has no preference 'max_ratoi'" in plan.out
    assert "max_ratio" in plan.out


def test_categories_are_created_edited_and_only_owned_ones_removed(
    env: Path, qbt: SimulatedQbittorrent, qbittorrent_config: WriteConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QBT_PASSWORD", PASSWORD)
    qbt.categories.rows["tv-sonarr"] = {"savePath": "", "downloadPath": None}  # Sonarr's test made it
    qbt.categories.rows["tv"] = {"savePath": "/old/tv", "downloadPath": (True, "/incomplete")}
    wanted = {"tv": "/data/downloads/tv/", "movies": "/data/downloads/movies"}
    config = str(qbittorrent_config(qbt.url, categories=wanted))
    plan = run("plan", "-c", config)
    assert plan.code == 0, plan.err
    assert '+ qbittorrent.main.category["movies"] (categories)' in plan.out
    assert '~ savePath = "/old/tv" -> "/data/downloads/tv"' in plan.out
    assert "tv-sonarr" not in plan.out

    assert run("apply", "-c", config).code == 0
    assert qbt.categories.to_json() == {
        "movies": {"name": "movies", "savePath": "/data/downloads/movies"},
        "tv": {"name": "tv", "savePath": "/data/downloads/tv", "download_path": "/incomplete"},
        "tv-sonarr": {"name": "tv-sonarr", "savePath": ""},
    }
    qbt.requests.clear()
    assert "No changes." in run("plan", "-c", config).out
    assert run("apply", "-c", config).code == 0
    assert qbt.category_writes() == [] and qbt.writes() == []

    config = str(qbittorrent_config(qbt.url, categories={"tv": "/data/downloads/tv"}))
    plan = run("plan", "-c", config)
    assert '# qbittorrent.main.category["movies"] will be destroyed' in plan.out
    assert "tv-sonarr" not in plan.out
    assert run("apply", "-c", config).code == 0
    assert sorted(qbt.categories.rows) == ["tv", "tv-sonarr"]


def test_unmanaged_categories_go_only_when_the_config_opts_in(
    env: Path, qbt: SimulatedQbittorrent, qbittorrent_config: WriteConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QBT_PASSWORD", PASSWORD)
    for name in ("tv-sonarr", "prowlarr"):
        qbt.categories.rows[name] = {"savePath": "", "downloadPath": None}
    delete = {"unmanaged_categories": {"enabled": True, "ignore": ["prowlarr"]}}
    config = str(qbittorrent_config(qbt.url, categories={"TV": "/data/downloads/tv"}, delete=delete))
    applied = run("apply", "-c", config)
    assert applied.code == 0, applied.err + applied.out
    # Names are case-sensitive in qBittorrent: "TV" is a category of its own.
    assert sorted(qbt.categories.rows) == ["TV", "prowlarr"]
    removal = next(r for r in qbt.category_writes() if r.path.endswith("removeCategories"))
    assert removal.form == {"categories": "tv-sonarr"}


def test_a_category_name_qbittorrent_refuses_is_an_error_at_its_line_and_nothing_is_written(
    env: Path, qbt: SimulatedQbittorrent, qbittorrent_config: WriteConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QBT_PASSWORD", PASSWORD)
    path = qbittorrent_config(qbt.url, categories={"tv/": "/data/downloads/tv"})
    validated = run("validate", "-c", str(path))
    assert validated.code == 1
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1) if "tv/" in text)
    assert f"{path}:{line}: error: category 'tv/': qBittorrent refuses" in validated.err
    applied = run("apply", "-c", str(path))
    assert applied.code == 1
    assert qbt.category_writes() == [] and qbt.writes() == []
