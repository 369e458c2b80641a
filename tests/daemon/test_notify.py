"""Notifications through Apprise to a JSON receiver on loopback: one message per sync that did
something, none for a converged no-op, levels, repeats held back, no secret in a message, and
a failing receiver never failing a sync."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Awaitable, Callable, Iterator

import pytest

from syncd.daemon.runtime import Daemon
from syncd.simulator import SimulatedServarr
from tests.daemon.conftest import Harness, config_text
from tests.daemon.receiver import Receiver
from tests.daemon.test_cycle import metric
from tests.shared import RADARR_KEY, SONARR_KEY


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as server:
        yield server


def notify_block(*urls: str, level: str = "changes") -> str:
    return "notify:\n  level: " + level + "\n  urls:\n" + "".join(f"    - {u}\n" for u in urls)


def run(harness: Harness, steps: Callable[[Daemon], Awaitable[list[str | None]]]) -> Daemon:
    async def scenario() -> Daemon:
        daemon = harness.daemon()
        await daemon.start(first_run=False, watch=False)
        try:
            await steps(daemon)
            return daemon
        finally:
            await daemon.close()

    return asyncio.run(scenario())


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_a_sync_that_applies_sends_one_message_and_a_converged_sync_sends_none(
    harness: Harness, sonarr: SimulatedServarr, radarr: SimulatedServarr, receiver: Receiver
) -> None:
    harness.config.write_text(config_text(sonarr, radarr, top_extra=notify_block(receiver.url)))
    after: list[int] = []
    applied: dict[str, int] = {}

    async def steps(daemon: Daemon) -> list[str | None]:
        results = [await daemon.run_cycle()]
        after.append(len(receiver.posts))
        applied.update({a: s.applied for a, s in daemon.status.instances.items()})
        results.append(await daemon.run_cycle())
        after.append(len(receiver.posts))
        cf = next(c for c in sonarr.state.custom_formats.values() if c["name"] == "BR-DISK")
        cf["name"] = "BR-DISK (edited in the UI)"
        results.append(await daemon.run_cycle())
        return results

    daemon = run(harness, steps)
    assert after == [1, 1]  # the converged second sync told nothing
    assert len(receiver.posts) == 2
    first, drift = receiver.posts
    assert applied["sonarr.main"] > 0
    assert first["title"] == f"syncd: {applied['sonarr.main'] + applied['radarr.movies']} applied"
    assert first["message"].startswith("sync ")
    assert f"sonarr.main: {applied['sonarr.main']} applied" in first["message"]
    assert "\n  + sonarr.main.custom_format[" in first["message"]
    assert "more" in first["message"]  # long lists end in "… and N more"
    assert drift["title"] == "syncd: 1 applied, 1 drifted"
    assert (
        'sonarr.main: 1 changed on the server by hand (drift, reverted)\n  ~ sonarr.main.custom_format["BR-DISK"]'
        in drift["message"]
    )
    assert metric(daemon, "syncd_notifications_total", result="sent") == 2


def test_the_errors_level_tells_a_failure_once_and_its_recovery(
    harness: Harness, sonarr: SimulatedServarr, radarr: SimulatedServarr, receiver: Receiver
) -> None:
    harness.config.write_text(
        config_text(sonarr, radarr, top_extra=notify_block(receiver.url, level="errors"))
    )

    async def steps(daemon: Daemon) -> list[str | None]:
        # Three 500s: the read and both retries fail; twice in a row, then the server recovers.
        sonarr.fail_next(3, 500, path_prefix="/api/v3/customformat", method="GET")
        results = [await daemon.run_cycle()]
        sonarr.fail_next(3, 500, path_prefix="/api/v3/customformat", method="GET")
        results += [await daemon.run_cycle(), await daemon.run_cycle(), await daemon.run_cycle()]
        return results

    run(harness, steps)
    assert [p["title"] for p in receiver.posts] == ["syncd: 1 failed", "syncd: 1 recovered"]
    failed = receiver.posts[0]["message"]
    assert "sonarr.main: failed\n  " in failed
    assert "500" in failed
    assert "radarr" not in failed  # radarr's applied changes are below the errors level
    assert "sonarr.main: recovered" in receiver.posts[1]["message"]


def test_plan_only_tells_pending_changes_when_they_change(
    harness: Harness, sonarr: SimulatedServarr, radarr: SimulatedServarr, receiver: Receiver
) -> None:
    harness.config.write_text(
        config_text(sonarr, radarr, top_extra="mode: plan\n" + notify_block(receiver.url))
    )

    async def steps(daemon: Daemon) -> list[str | None]:
        return [await daemon.run_cycle(), await daemon.run_cycle()]

    daemon = run(harness, steps)
    assert len(receiver.posts) == 1
    post = receiver.posts[0]
    sonarr_pending = daemon.status.instance("sonarr.main").pending
    radarr_pending = daemon.status.instance("radarr.movies").pending
    assert sonarr_pending and radarr_pending
    assert post["title"] == f"syncd (plan-only): {sonarr_pending + radarr_pending} pending"
    assert f"sonarr.main: {sonarr_pending} pending (plan-only: nothing was written)" in post["message"]
    assert [r for r in sonarr.requests if r.method != "GET"] == []


def test_a_failing_receiver_never_fails_a_sync(
    harness: Harness, sonarr: SimulatedServarr, radarr: SimulatedServarr, receiver: Receiver
) -> None:
    receiver.status = 500
    unreachable = f"json://127.0.0.1:{closed_port()}/hook"
    harness.config.write_text(
        config_text(sonarr, radarr, top_extra=notify_block(receiver.url, unreachable, "nosuchscheme://x"))
    )
    results: list[str | None] = []

    async def steps(daemon: Daemon) -> list[str | None]:
        results.extend([await daemon.run_cycle(), await daemon.run_cycle()])
        return results

    daemon = run(harness, steps)
    assert results == ["success", "success"]
    assert metric(daemon, "syncd_notifications_total", result="failed") == 1
    assert metric(daemon, "syncd_notifications_total", result="sent") == 0
    assert len(receiver.posts) == 1  # the converged second sync has nothing to tell
    assert daemon.status.instance("sonarr.main").result == "success"


def test_no_secret_reaches_a_message(
    harness: Harness, sonarr: SimulatedServarr, radarr: SimulatedServarr, receiver: Receiver
) -> None:
    password = "s3cret-pass-never-told"
    config = config_text(sonarr, radarr, top_extra=notify_block(receiver.url, level="all"))
    gone = f"http://admin:{password}@127.0.0.1:{closed_port()}"
    harness.config.write_text(config.replace(sonarr.url, gone))

    async def steps(daemon: Daemon) -> list[str | None]:
        return [await daemon.run_cycle()]

    daemon = run(harness, steps)
    assert len(receiver.posts) == 1
    assert "sonarr.main: failed" in receiver.posts[0]["message"]
    raw = b"".join(receiver.raw).decode()
    for secret in (password, SONARR_KEY, RADARR_KEY, receiver.url):
        assert secret not in raw
    assert daemon.status.instance("radarr.movies").result == "success"
