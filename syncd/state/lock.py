"""The state-dir lock: one syncd at a time touches a state dir and its servers.

`fcntl.flock` on `<state_dir>/syncd.lock`. The daemon holds it for each sync cycle (not between
cycles); a manual `syncd apply` takes the same lock, so it waits for a running cycle instead of
racing it. The holder writes `<who> pid <pid>` into the file so a waiter can say who holds it.
The kernel drops the lock when the holder's process dies, so a crash never leaves it stuck.
"""

from __future__ import annotations

import asyncio
import fcntl
import os
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path

from syncd.errors import SyncdError

LOCK_FILE = "syncd.lock"
POLL_SECONDS = 0.1


class LockTimeout(SyncdError):
    """The lock stayed held by someone else for the whole timeout."""


def lock_path(state_dir: Path) -> Path:
    return state_dir / LOCK_FILE


class StateLock:
    """A non-blocking exclusive lock on one file; `try_acquire` never waits."""

    def __init__(self, path: Path, *, holder: str) -> None:
        self.path = path
        self._holder = holder
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def try_acquire(self) -> bool:
        if self._fd is not None:
            raise RuntimeError(f"{self.path} is already held by this process")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        os.ftruncate(fd, 0)
        os.write(fd, f"{self._holder} pid {os.getpid()}\n".encode())
        self._fd = fd
        return True

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)

    def current_holder(self) -> str:
        """Who holds the lock, as its holder wrote it (best effort: the file may be mid-write)."""
        try:
            text = self.path.read_text(encoding="utf-8").strip()
        except OSError:
            return "another syncd"
        return text or "another syncd"

    def timeout_error(self, timeout: float) -> LockTimeout:
        return LockTimeout(
            f"could not take the lock {self.path} within {timeout:g}s: it is held by "
            f"{self.current_holder()} (a `syncd run` daemon syncing, or another apply). "
            "Try again later or raise --lock-timeout."
        )


@contextmanager
def hold(lock: StateLock, *, timeout: float, on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold `lock`, polling up to `timeout` seconds; raise `LockTimeout` naming the holder."""
    deadline = time.monotonic() + timeout
    waited = False
    while not lock.try_acquire():
        if not waited and on_wait is not None:
            on_wait(lock.current_holder())
        waited = True
        if time.monotonic() >= deadline:
            raise lock.timeout_error(timeout)
        time.sleep(POLL_SECONDS)
    try:
        yield
    finally:
        lock.release()


@asynccontextmanager
async def hold_async(lock: StateLock, *, timeout: float) -> AsyncIterator[None]:
    """As `hold`, for asyncio code: waits with `asyncio.sleep` so the loop keeps serving."""
    deadline = time.monotonic() + timeout
    while not lock.try_acquire():
        if time.monotonic() >= deadline:
            raise lock.timeout_error(timeout)
        await asyncio.sleep(POLL_SECONDS)
    try:
        yield
    finally:
        lock.release()
