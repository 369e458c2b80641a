"""syncd's qBittorrent preferences sync, end to end through the CLI, against Debian's real
qbittorrent-nox: it converges (a second plan shows no changes), and a wrong password gets the
real server's answer, once, without a retry that would walk into qBittorrent's IP ban."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.conftest import run
from tests.qbittorrent.configs import PREFERENCES, WriteConfig
from tests.qbittorrent_real.conftest import PASSWORD
from tests.qbittorrent_real.harness import RealQbittorrent

QUEUEING = {**PREFERENCES, "queueing_enabled": True, "max_active_downloads": 4}


def test_preferences_converge_against_the_real_qbittorrent(
    env: Path,
    real_qbittorrent: RealQbittorrent,
    qbittorrent_config: WriteConfig,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("QBT_PASSWORD", PASSWORD)
    config = str(qbittorrent_config(real_qbittorrent.url, preferences=QUEUEING))
    plan = run("plan", "-c", config)
    assert plan.code == 0, plan.err
    assert '~ current_network_interface = "" -> "wg0"' in plan.out

    applied = run("apply", "-c", config)
    assert applied.code == 0, applied.err + applied.out
    with real_qbittorrent.session() as webui:
        preferences = webui.get("/api/v2/app/preferences").json()
    assert preferences["current_network_interface"] == "wg0"
    assert (preferences["max_ratio_enabled"], preferences["max_ratio"]) == (True, 2)
    assert preferences["max_active_downloads"] == 4

    again = run("plan", "-c", config)
    assert again.code == 0, again.err
    assert "No changes." in again.out
    assert real_qbittorrent.failed_logins() == []


def test_a_wrong_password_gets_the_real_answer_once_and_is_not_retried(
    env: Path,
    real_qbittorrent: RealQbittorrent,
    qbittorrent_config: WriteConfig,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("QBT_PASSWORD", "not-the-Passw0rd")
    config = str(qbittorrent_config(real_qbittorrent.url, preferences=QUEUEING))
    plan = run("plan", "-c", config)
    assert plan.code == 1
    assert "refused the login of user 'admin': wrong username or password" in plan.out + plan.err
    assert "not-the-Passw0rd" not in plan.out + plan.err
    [failure] = real_qbittorrent.await_failed_logins(1)
    assert "attempt count: 1," in failure
    with real_qbittorrent.session() as webui:
        assert webui.get("/api/v2/app/preferences").json()["current_network_interface"] == ""
