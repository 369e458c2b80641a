"""Benchmark: requests and wall time of a first sync and of a converged no-op sync.

Four instances (the four shared Recyclarr v8 templates: Sonarr WEB-1080p and WEB-2160p,
Radarr HD and UHD Bluray + WEB), each on its own simulated server on loopback. Prints plain
`name=value` lines:

- first sync (plan + apply from fresh servers) and no-op sync (plan on converged servers):
  requests by method and wall time, per sync and per instance;
- the same plans with 50 ms of latency added to every request, next to what a sequential
  client would pay (requests x 50 ms) — independent reads run concurrently;
- ratios against Configarr 1.30.1's published figures for one instance with ~40 CFs
  (first sync ~50 requests / 2.4 s, no-op 7 GETs / 1.2 s).

Run: .venv/bin/python bench/sync_bench.py
"""

from __future__ import annotations

import asyncio
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import structlog

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from syncd import app  # noqa: E402
from syncd.simulator import SimulatedServarr  # noqa: E402
from tests.gitrepos import make_git_repo  # noqa: E402

SHARED = ROOT / ".." / "shared" / "fixtures"
TEMPLATES = [
    ("sonarr", "web-1080p", "sonarr/templates/web-1080p.yml"),
    ("sonarr", "web-2160p", "sonarr/templates/web-2160p.yml"),
    ("radarr", "hd-bluray-web", "radarr/templates/hd-bluray-web.yml"),
    ("radarr", "uhd-bluray-web", "radarr/templates/uhd-bluray-web.yml"),
]
LATENCY = 0.05
CONFIGARR_FIRST = (50, 2.4)
CONFIGARR_NOOP = (7, 1.2)


def write_config(workdir: Path, servers: list[SimulatedServarr]) -> Path:
    """One Recyclarr file holding the four templates as four instances."""
    parts: dict[str, list[str]] = {"sonarr": [], "radarr": []}
    for (service, name, template), server in zip(TEMPLATES, servers, strict=True):
        text = (SHARED / "recyclarr-templates-v8-branch" / template).read_text()
        body = text.split(f"{service}:\n", 1)[1]
        body = re.sub(r"^  \S+:\n", f"  {name}:\n", body, count=1, flags=re.MULTILINE)
        body = re.sub(r"base_url: .*", f"base_url: {server.url}", body)
        body = re.sub(r"api_key: .*", "api_key: bench-key", body)
        parts[service].append(body)
    config = workdir / "recyclarr.yml"
    config.write_text("".join(f"{service}:\n" + "".join(bodies) for service, bodies in parts.items()))
    return config


def counts(servers: list[SimulatedServarr]) -> Counter[str]:
    total: Counter[str] = Counter()
    for server in servers:
        total.update(r.method for r in server.requests)
        server.reset_requests()
    return total


def show(name: str, value: float | int | str) -> None:
    print(f"{name}={value:.3f}" if isinstance(value, float) else f"{name}={value}")


async def sync(config: Path, settings: app.Settings, *, apply: bool) -> tuple[float, float, bool]:
    """Returns (prepare seconds, plan+apply seconds, had changes)."""
    start = time.perf_counter()
    prepared = await app.prepare(config, settings)
    ready = time.perf_counter()
    outcome = await app.make_plan(prepared, settings)
    if outcome.plan.errored:
        raise SystemExit(f"plan errored: {outcome.plan.all_diagnostics}")
    if apply and outcome.plan.has_changes:
        result = await app.apply_plan(outcome, settings, on_event=lambda _e, _f: None)
        if not result.ok:
            raise SystemExit(f"apply failed: {result}")
    return ready - start, time.perf_counter() - ready, outcome.plan.has_changes


def run(workdir: Path, latency: float, prefix: str) -> None:
    guides = make_git_repo(SHARED / "trash-guides", workdir / f"{prefix}-guides")
    servers = [SimulatedServarr(service, api_key="bench-key", latency=latency) for service, _, _ in TEMPLATES]
    for server in servers:
        server.start()
    try:
        config = write_config(workdir, servers)
        env = {"SYNCD_TRASH_GUIDES_URL": guides, "SYNCD_STATE_DIR": str(workdir / f"{prefix}-state")}
        settings = app.Settings(env=env)
        prep, first_s, changed = asyncio.run(sync(config, settings, apply=True))
        first = counts(servers)
        assert changed
        prep_warm, noop_s, changed = asyncio.run(sync(config, settings, apply=True))
        noop = counts(servers)
        assert not changed, "the second sync must be a no-op"
        n = len(servers)
        show(f"{prefix}.guides_cold_s", prep)
        show(f"{prefix}.guides_warm_s", prep_warm)
        show(f"{prefix}.first_sync.requests", sum(first.values()))
        show(f"{prefix}.first_sync.by_method", " ".join(f"{m}:{c}" for m, c in sorted(first.items())))
        show(f"{prefix}.first_sync.seconds", first_s)
        show(f"{prefix}.first_sync.requests_per_instance", sum(first.values()) / n)
        show(f"{prefix}.noop_sync.requests", sum(noop.values()))
        show(f"{prefix}.noop_sync.writes", sum(c for m, c in noop.items() if m != "GET"))
        show(f"{prefix}.noop_sync.requests_per_instance", sum(noop.values()) / n)
        show(f"{prefix}.noop_sync.seconds", noop_s)
        if latency:
            show(f"{prefix}.noop_sync.sequential_estimate_s", sum(noop.values()) * latency)
            show(f"{prefix}.noop_sync.speedup_vs_sequential", sum(noop.values()) * latency / noop_s)
            show(f"{prefix}.first_sync.sequential_estimate_s", sum(first.values()) * latency)
        else:
            per_instance_first = sum(first.values()) / n
            show("vs_configarr.first_sync.requests_ratio", per_instance_first / CONFIGARR_FIRST[0])
            show("vs_configarr.first_sync.time_ratio", (first_s / n) / CONFIGARR_FIRST[1])
            show("vs_configarr.noop_sync.requests_ratio", (sum(noop.values()) / n) / CONFIGARR_NOOP[0])
            show("vs_configarr.noop_sync.time_ratio", (noop_s / n) / CONFIGARR_NOOP[1])
    finally:
        for server in servers:
            server.stop()


def main() -> None:
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(40))
    with tempfile.TemporaryDirectory(prefix="syncd-bench-") as tmp:
        run(Path(tmp), 0.0, "loopback")
        run(Path(tmp), LATENCY, "latency50ms")


if __name__ == "__main__":
    main()
