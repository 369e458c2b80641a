"""Benchmark: the installed `syncd` command timed as a whole process, as the user feels it.

One Sonarr instance (the shared Recyclarr v8 WEB-1080p template, ~40 custom formats) on a
simulated server on loopback, the TRaSH fixture served as a local git repository. Every number
is process wall time of `syncd ...` run with `subprocess` (min and median of RUNS runs), so
interpreter start-up, imports, git subprocesses, guide parsing and HTTP all count:

- `--version` and `--help` (start-up: what a bare command costs);
- cold guide fetch (first `syncd plan` on an empty state dir): seconds and bytes on disk;
- first sync of one instance (`syncd apply` against a fresh server, guides warm), with and
  without 50 ms added to every request;
- converged no-op (`syncd plan` with nothing to change, guides warm);
- the library floor: the interpreter of the measured syncd importing only the libraries a
  `plan` loads (asyncio, httpx, pydantic, yaml, with the extras `syncd.lean_imports` skips
  hidden; structlog loads at the first line logged, which a no-op never reaches), which no
  change inside syncd can go below; the no-op is printed against it;
- git subprocesses per no-op run, whether a no-op parsed the guide again (the cached catalog
  of the revision is rewritten only when it did), and HTTP requests per run.

Each number is printed as wall time and as the CPU time of the process (user + system, from
`getrusage`), which a busy shared machine disturbs far less than wall time. Git subprocesses
are counted by putting a `git` wrapper first on PATH that logs each call and runs the real
git. Targets (issue 9) are printed next to each number as `target_s`.

Measure an installed syncd, as users run it: a regular `pip install .` (compiled bytecode, no
editable-install finder) in its own virtualenv, passed with `--syncd`. Each measured command
runs once untimed first, and `PYTHONDONTWRITEBYTECODE` is dropped from its environment, so an
editable install is not timed compiling its sources on every run.

Run: .venv/bin/python bench/cli_bench.py [--runs N] [--syncd PATH]
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from syncd.simulator import SimulatedServarr  # noqa: E402
from tests.gitrepos import make_git_repo  # noqa: E402

SHARED = ROOT / ".." / "shared" / "fixtures"
TEMPLATE = SHARED / "recyclarr-templates-v8-branch" / "sonarr" / "templates" / "web-1080p.yml"
API_KEY = "bench-key"
LATENCY = 0.05
# What a no-op `syncd plan` imports from outside syncd, as `syncd.lean_imports` lets it.
LIBRARY_FLOOR = (
    "import sys; sys.modules['httpx._main'] = None; sys.modules['rich'] = None; "
    "import asyncio, httpx, yaml; from pydantic import BaseModel, SecretStr"
)
TARGETS = {"startup": 0.12, "noop_plan": 0.25, "first_sync": 0.5, "first_sync_50ms": 0.8}


def syncd_command(given: str | None) -> str:
    if given:
        return given
    beside = Path(sys.executable).parent / "syncd"
    found = str(beside) if beside.exists() else shutil.which("syncd")
    if not found:
        raise SystemExit("the `syncd` command is not installed (pip install -e .)")
    return found


def interpreter(command: str) -> str:
    """The python an installed console script runs with (its `#!` line)."""
    first = Path(command).read_text(encoding="utf-8", errors="replace").splitlines()[0]
    return first[2:].strip() if first.startswith("#!") else sys.executable


def floor_walls(python: str, runs: int) -> list[float]:
    """Wall seconds of `python -c LIBRARY_FLOOR`, after one untimed run."""
    walls = []
    for _ in range(runs + 1):
        start = time.perf_counter()
        subprocess.run([python, "-c", LIBRARY_FLOOR], check=True)
        walls.append(time.perf_counter() - start)
    return walls[1:]


def show(name: str, value: float | int | str) -> None:
    print(f"{name}={value:.3f}" if isinstance(value, float) else f"{name}={value}", flush=True)


def write_config(path: Path, url: str) -> None:
    text = TEMPLATE.read_text(encoding="utf-8")
    text = re.sub(r"base_url: .*", f"base_url: {url}", text)
    text = re.sub(r"api_key: .*", f"api_key: {API_KEY}", text)
    path.write_text(text, encoding="utf-8")


def git_shim(folder: Path, log: Path) -> dict[str, str]:
    """PATH with a `git` first that appends its arguments to `log`, then runs the real git."""
    real = shutil.which("git")
    if real is None:
        raise SystemExit("git is not installed")
    folder.mkdir(parents=True, exist_ok=True)
    shim = folder / "git"
    shim.write_text(f'#!/bin/sh\necho "$*" >> "{log}"\nexec "{real}" "$@"\n', encoding="utf-8")
    shim.chmod(0o755)
    return {"PATH": f"{folder}{os.pathsep}{os.environ.get('PATH', '')}"}


class Runner:
    def __init__(self, command: str, env: dict[str, str], config: Path, git_log: Path) -> None:
        self.command = command
        self.env = env
        self.config = config
        self.git_log = git_log

        self.cpu: list[float] = []
        self.codes: list[int] = []

    def once(self, *args: str, expect: Sequence[int] = (0,)) -> tuple[float, int]:
        """Wall seconds of one `syncd ARGS` process and the git subprocesses it started; its
        CPU seconds (git's included) are appended to `cpu`, its exit code to `codes`."""
        self.git_log.write_text("", encoding="utf-8")
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        done = subprocess.run(
            [self.command, *args], env=self.env, capture_output=True, text=True, check=False
        )
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        self.cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
        self.codes.append(done.returncode)
        if done.returncode not in expect:
            raise SystemExit(f"syncd {' '.join(args)} exited {done.returncode}:\n{done.stdout}{done.stderr}")
        gits = len(self.git_log.read_text(encoding="utf-8").splitlines())
        return wall, gits


def report(
    name: str, walls: list[float], target: float | None = None, cpu: list[float] | None = None
) -> None:
    show(f"{name}.min_s", min(walls))
    show(f"{name}.median_s", statistics.median(walls))
    if cpu:
        show(f"{name}.cpu_min_s", min(cpu))
        show(f"{name}.cpu_median_s", statistics.median(cpu))
    if target is not None:
        show(f"{name}.target_s", target)
        show(f"{name}.median_vs_target", statistics.median(walls) / target)


def repeat(runs: int, before: Callable[[], None], action: Callable[[], float]) -> list[float]:
    walls = []
    for _ in range(runs):
        before()
        walls.append(action())
    return walls


def fresh_state(state: Path) -> None:
    """Forget what syncd owns (a first sync) but keep the guide checkout and caches warm."""
    shutil.rmtree(state / "ownership", ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--syncd", help="the syncd command to time (default: beside this python, or on PATH)")
    options = parser.parse_args()
    runs = options.runs
    command = syncd_command(options.syncd)
    with tempfile.TemporaryDirectory(prefix="syncd-cli-bench-") as tmp:
        work = Path(tmp)
        guides_url = make_git_repo(SHARED / "trash-guides", work / "guides")
        state = work / "state"
        config = work / "recyclarr.yml"
        git_log = work / "git-calls.log"
        env = {
            **{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
            **git_shim(work / "shim", git_log),
            "SYNCD_TRASH_GUIDES_URL": guides_url,
            "SYNCD_STATE_DIR": str(state),
        }
        run = Runner(command, env, config, git_log)
        show("runs", runs)

        for name in ("version", "help"):
            run.once(f"--{name}")
            run.cpu.clear()
            walls = [run.once(f"--{name}")[0] for _ in range(runs)]
            report(name, walls, TARGETS["startup"], run.cpu)

        server = SimulatedServarr("sonarr", api_key=API_KEY)
        with server:
            write_config(config, server.url)
            cold: list[float] = []
            cold_gits = 0
            run.cpu.clear()
            for _ in range(min(runs, 3)):
                shutil.rmtree(state, ignore_errors=True)
                wall, cold_gits = run.once("plan", "-c", str(config))
                cold.append(wall)
            report("guides_cold_plan", cold, cpu=run.cpu)
            show("guides_cold.git_subprocesses", cold_gits)
            show("guides_cold.bytes_on_disk", _bytes(state / "repos"))
            show("guides_cold.git_bytes", _bytes(state / "repos" / "trash-guides" / ".git"))

        for latency, name, target in (
            (0.0, "first_sync", "first_sync"),
            (LATENCY, "first_sync_50ms", "first_sync_50ms"),
        ):
            walls = []
            requests = 0
            run.cpu.clear()
            for _ in range(runs):
                fresh_state(state)
                with SimulatedServarr("sonarr", api_key=API_KEY, latency=latency) as fresh:
                    write_config(config, fresh.url)
                    walls.append(run.once("apply", "-c", str(config))[0])
                    requests = len(fresh.requests)
            report(name, walls, TARGETS[target], run.cpu)
            show(f"{name}.requests", requests)

        with SimulatedServarr("sonarr", api_key=API_KEY) as converged:
            write_config(config, converged.url)
            fresh_state(state)
            run.once("apply", "-c", str(config))
            run.once("plan", "-c", str(config), "--detailed-exitcode")
            converged.reset_requests()
            catalogs = _inodes(state / "cache")
            noop = []
            gits = 0
            run.cpu.clear()
            for _ in range(runs):
                wall, gits = run.once("plan", "-c", str(config), "--detailed-exitcode")
                noop.append(wall)
            report("noop_plan", noop, TARGETS["noop_plan"], run.cpu)
            floor = floor_walls(interpreter(command), runs)
            report("library_floor", floor)
            show("noop_plan.median_vs_floor", statistics.median(noop) / statistics.median(floor))
            show("noop_plan.git_subprocesses", gits)
            # A parse rewrites the revision's cached catalog (a new file); a cache hit only reads it.
            show("noop_plan.guide_reparsed", int(_inodes(state / "cache") != catalogs))
            show("noop_plan.requests", len(converged.requests) // runs)


def _inodes(folder: Path) -> set[int]:
    return {p.stat().st_ino for p in folder.rglob("*") if p.is_file()} if folder.exists() else set()


def _bytes(path: Path) -> int:
    return sum(p.lstat().st_size for p in path.rglob("*") if p.is_file()) if path.exists() else 0


if __name__ == "__main__":
    main()
