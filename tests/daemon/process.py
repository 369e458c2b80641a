"""`syncd run` as a child process, for the signal tests and the daemon benchmark: starts it,
collects its JSON log lines from stderr in a thread, and waits for events in them."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]


class DaemonProcess:
    def __init__(self, config: Path, env: Mapping[str, str], *extra: str) -> None:
        self.events: list[dict[str, Any]] = []
        self.raw: list[str] = []
        self._lock = threading.Lock()
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "syncd",
                "run",
                "-c",
                str(config),
                "--host",
                "127.0.0.1",
                "--port",
                "0",
                *extra,
            ],
            cwd=REPO_ROOT,
            env={**os.environ, **env},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            with self._lock:
                self.raw.append(line)
                try:
                    self.events.append(json.loads(line))
                except ValueError:
                    continue

    def find(self, event: str) -> dict[str, Any] | None:
        with self._lock:
            return next((e for e in self.events if e.get("event") == event), None)

    def wait_for(self, check: Callable[[], bool], *, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while not check():
            if self.proc.poll() is not None:
                raise AssertionError(f"syncd run exited with {self.proc.returncode}:\n{self.output()}")
            if time.monotonic() > deadline:
                raise AssertionError(f"condition not reached in {timeout}s:\n{self.output()}")
            time.sleep(0.01)

    def wait_event(self, event: str, *, timeout: float = 30.0) -> dict[str, Any]:
        self.wait_for(lambda: self.find(event) is not None, timeout=timeout)
        found = self.find(event)
        assert found is not None
        return found

    @property
    def port(self) -> int:
        return int(self.wait_event("http.listening")["port"])

    def terminate(self) -> None:
        self.proc.send_signal(signal.SIGTERM)

    def wait(self, timeout: float) -> int:
        code = self.proc.wait(timeout=timeout)
        self._reader.join(timeout=5)
        return code

    def output(self) -> str:
        with self._lock:
            return "".join(self.raw)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self._reader.join(timeout=5)
        if self.proc.stderr is not None:
            self.proc.stderr.close()
