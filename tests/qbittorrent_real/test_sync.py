"""syncd against Debian's real qbittorrent-nox, in process, with every request it sends
recorded: one login, the preferences and the categories read, the categories created, edited
and removed as the config says (a category syncd never made is left alone), a second sync
that only reads, and a refused login that is sent once and never again, not even by apply."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

import httpx
import pytest

from syncd import app
from tests.qbittorrent.configs import WriteConfig
from tests.qbittorrent_real.conftest import PASSWORD
from tests.qbittorrent_real.harness import RealQbittorrent


class Recording(httpx.AsyncHTTPTransport):
    """A real transport that notes `METHOD /path` of every request into `sent`."""

    def __init__(self, sent: list[str]) -> None:
        super().__init__()
        self.sent = sent

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(f"{request.method} {request.url.path.removeprefix('/api/v2/')}")
        return await super().handle_async_request(request)


def sync(config: Path) -> tuple[list[str], app.ApplyOutcome, app.PlanOutcome]:
    """Plan and apply `config` as `syncd apply` does; the requests sent, in order."""
    sent: list[str] = []
    settings = app.Settings(env=dict(os.environ), transport_factory=lambda _: Recording(sent))

    async def main() -> tuple[app.ApplyOutcome, app.PlanOutcome]:
        prepared = await app.prepare(config, settings)
        outcome = await app.make_plan(prepared, settings)
        return await app.apply_plan(outcome, settings), outcome

    applied, planned = asyncio.run(main())
    return sent, applied, planned


def categories(server: RealQbittorrent) -> dict[str, Any]:
    with server.session() as webui:
        listing: dict[str, Any] = webui.get("/api/v2/torrents/categories").json()
    return listing


def test_categories_are_created_edited_and_removed_and_a_second_sync_only_reads(
    env: Path,
    real_qbittorrent: RealQbittorrent,
    qbittorrent_config: WriteConfig,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("QBT_PASSWORD", PASSWORD)
    downloads = real_qbittorrent.profile / "downloads"
    with real_qbittorrent.session() as webui:
        made = webui.post("/api/v2/torrents/createCategory", data={"category": "by-hand", "savePath": "/x"})
        assert made.status_code == 200
    wanted = {"tv": f"{downloads}/tv/", "movies": f"{downloads}/movies"}
    config = qbittorrent_config(real_qbittorrent.url, categories=wanted)

    sent, applied, _ = sync(config)
    assert applied.ok, applied
    assert sent[:3] == ["POST auth/login", "GET app/preferences", "GET torrents/categories"]
    assert sorted(sent[3:]) == [
        "POST app/setPreferences",
        "POST auth/login",
        "POST torrents/createCategory",
        "POST torrents/createCategory",
    ]
    assert categories(real_qbittorrent) == {
        "by-hand": {"name": "by-hand", "savePath": "/x"},
        "movies": {"name": "movies", "savePath": f"{downloads}/movies"},
        "tv": {"name": "tv", "savePath": f"{downloads}/tv"},
    }

    again, applied, planned = sync(config)
    assert applied.ok and not planned.plan.has_changes
    assert again == ["POST auth/login", "GET app/preferences", "GET torrents/categories"]

    config = qbittorrent_config(real_qbittorrent.url, categories={"tv": f"{downloads}/series"})
    sent, applied, planned = sync(config)
    assert applied.ok, applied
    assert sorted(sent[4:]) == ["POST torrents/editCategory", "POST torrents/removeCategories"]
    assert categories(real_qbittorrent) == {
        "by-hand": {"name": "by-hand", "savePath": "/x"},
        "tv": {"name": "tv", "savePath": f"{downloads}/series"},
    }
    assert real_qbittorrent.failed_logins() == []


def test_a_refused_login_is_sent_once_and_apply_sends_nothing(
    env: Path,
    real_qbittorrent: RealQbittorrent,
    qbittorrent_config: WriteConfig,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("QBT_PASSWORD", "not-the-Passw0rd")
    config = qbittorrent_config(real_qbittorrent.url, categories={"tv": "/data/downloads/tv"})
    sent, applied, planned = sync(config)
    assert sent == ["POST auth/login"]
    (instance,) = planned.plan.instances
    assert instance.error is not None and "wrong username or password" in instance.error
    assert not applied.ok and applied.results == ()
    failures = real_qbittorrent.await_failed_logins(1)
    assert len(failures) == 1 and "attempt count: 1," in failures[0]
    assert categories(real_qbittorrent) == {}
