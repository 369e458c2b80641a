"""The state-dir lock: one holder at a time; a manual apply waits for the daemon or fails
with a message naming the lock file; the daemon skips a cycle while a manual apply runs."""

from __future__ import annotations

import asyncio
import io
import threading
from pathlib import Path

import pytest

from syncd import cli
from syncd.state.lock import LockTimeout, StateLock, hold, lock_path
from tests.daemon.conftest import Harness


def test_only_one_holder_at_a_time_and_release_frees_it(tmp_path: Path) -> None:
    first = StateLock(lock_path(tmp_path), holder="syncd run")
    second = StateLock(lock_path(tmp_path), holder="syncd apply")
    assert first.try_acquire()
    assert not second.try_acquire()
    assert second.current_holder().startswith("syncd run pid ")
    first.release()
    assert second.try_acquire()
    second.release()


def test_waiting_past_the_timeout_names_the_lock_and_its_holder(tmp_path: Path) -> None:
    held = StateLock(lock_path(tmp_path), holder="syncd run")
    assert held.try_acquire()
    try:
        with (
            pytest.raises(LockTimeout) as raised,
            hold(StateLock(lock_path(tmp_path), holder="x"), timeout=0.2),
        ):
            pass
    finally:
        held.release()
    assert str(lock_path(tmp_path)) in str(raised.value)
    assert "syncd run pid" in str(raised.value)


@pytest.fixture
def cli_env(harness: Harness, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name, value in harness.env.items():
        monkeypatch.setenv(name, value)
    return Path(harness.env["SYNCD_STATE_DIR"])


def test_manual_apply_fails_clearly_while_the_daemon_holds_the_lock(harness: Harness, cli_env: Path) -> None:
    daemon_lock = StateLock(lock_path(cli_env), holder="syncd run")
    assert daemon_lock.try_acquire()
    out, err = io.StringIO(), io.StringIO()
    try:
        code = cli.main(["apply", "-c", str(harness.config), "--lock-timeout", "0.3"], stdout=out, stderr=err)
    finally:
        daemon_lock.release()
    assert code == 1
    assert str(lock_path(cli_env)) in err.getvalue()
    assert "syncd run" in err.getvalue()
    assert "--lock-timeout" in err.getvalue()
    assert out.getvalue() == ""


def test_manual_apply_waits_for_the_daemon_to_finish_its_cycle(harness: Harness, cli_env: Path) -> None:
    daemon_lock = StateLock(lock_path(cli_env), holder="syncd run")
    assert daemon_lock.try_acquire()
    releaser = threading.Timer(0.3, daemon_lock.release)
    releaser.start()
    out, err = io.StringIO(), io.StringIO()
    try:
        code = cli.main(["apply", "-c", str(harness.config), "--lock-timeout", "10"], stdout=out, stderr=err)
    finally:
        releaser.join()
    assert code == 0, err.getvalue()
    assert "Waiting up to 10s for the lock" in err.getvalue()
    assert "Apply complete." in out.getvalue()


def test_the_daemon_skips_a_cycle_while_a_manual_apply_holds_the_lock(harness: Harness) -> None:
    async def scenario() -> tuple[str | None, str | None]:
        daemon = harness.daemon(lock_timeout=0.2)
        await daemon.start(first_run=False, watch=False)
        manual = StateLock(lock_path(Path(harness.env["SYNCD_STATE_DIR"])), holder="syncd apply")
        assert manual.try_acquire()
        try:
            skipped = await daemon.run_cycle()
            error.append(daemon.status.cycle.error or "")
        finally:
            manual.release()
        try:
            return skipped, await daemon.run_cycle()
        finally:
            await daemon.close()

    error: list[str] = []
    assert asyncio.run(scenario()) == ("skipped", "success")
    assert "syncd apply pid" in error[0]
