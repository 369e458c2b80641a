"""`syncd run` costs: idle memory, idle CPU, and how fast it stops.

Run with `.venv/bin/python bench/daemon_bench.py [IDLE_SECONDS]` (default 20). Starts simulated
Sonarr and Radarr servers, a local guide repository from the shared TRaSH fixture, and
`syncd run` as a child process; after the first sync converges it reads VmRSS from
/proc/<pid>/status, measures CPU time (utime + stime from /proc/<pid>/stat) over an idle
window and scales it to an hour, then sends SIGTERM and times the exit. Prints
`daemon.<metric>=<value>` lines.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from syncd.simulator import SimulatedServarr  # noqa: E402
from tests.daemon.conftest import config_text  # noqa: E402
from tests.daemon.process import DaemonProcess  # noqa: E402
from tests.gitrepos import make_git_repo  # noqa: E402

GUIDES = REPO_ROOT / ".." / "shared" / "fixtures" / "trash-guides"
TICKS = os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime


def main() -> None:
    idle = float(sys.argv[1]) if len(sys.argv) > 1 else 20.0
    with (
        tempfile.TemporaryDirectory(prefix="daemon-bench-") as tmp,
        SimulatedServarr("sonarr", api_key="bench-sonarr-key") as sonarr,
        SimulatedServarr("radarr", api_key="bench-radarr-key") as radarr,
    ):
        url = make_git_repo(GUIDES, Path(tmp) / "guides")
        config = Path(tmp) / "syncd.yml"
        config.write_text(config_text(sonarr, radarr))
        env = {
            "SYNCD_TRASH_GUIDES_URL": url,
            "SYNCD_STATE_DIR": str(Path(tmp) / "state"),
            "SONARR_KEY": "bench-sonarr-key",
            "RADARR_KEY": "bench-radarr-key",
        }
        started = time.monotonic()
        daemon = DaemonProcess(config, env)
        try:
            done = daemon.wait_event("sync.done", timeout=120)
            first_sync = time.monotonic() - started
            pid = daemon.proc.pid
            time.sleep(1.0)  # let the first sync's garbage settle
            rss = rss_mb(pid)
            cpu_before = cpu_seconds(pid)
            time.sleep(idle)
            cpu_idle = cpu_seconds(pid) - cpu_before
            daemon.terminate()
            sent = time.monotonic()
            code = daemon.wait(timeout=60)
            stop_ms = (time.monotonic() - sent) * 1000
        finally:
            daemon.close()
    print(f"daemon.first_sync_result={done['result']}")
    print(f"daemon.first_sync_seconds={first_sync:.2f}")
    print(f"daemon.idle_rss_mb={rss:.1f}")
    print(f"daemon.idle_window_seconds={idle:g}")
    print(f"daemon.idle_cpu_seconds_per_hour={cpu_idle * 3600 / idle:.2f}")
    print(f"daemon.sigterm_to_exit_ms={stop_ms:.0f}")
    print(f"daemon.exit_code={code}")


if __name__ == "__main__":
    main()
