"""Benchmark: the installed `syncd` command on the whole wired stack (issue 8), timed as a
whole process, with the requests every server answered.

The stack is `SimulatedStack` (Sonarr, Radarr, Prowlarr, qBittorrent, Plex, FlareSolverr,
Byparr) on loopback, its servers named as the media-server chart names its Services
(`media-server-sonarr:8989` ...). The config is the chart's own default `syncd.yml`, rendered
with real Helm (tests/helmrender.py): presets, root folders, download clients and Plex
connections by reference, qBittorrent preferences and categories, Prowlarr tags, proxies,
download client and applications, Plex libraries. Each instance's in-cluster `base_url`
becomes its `peer_url` and the loopback URL of its simulated server takes its place, so syncd
dials loopback while the servers' own connection tests (Prowlarr -> Sonarr, Sonarr ->
qBittorrent and Plex, Prowlarr -> FlareSolverr) reach each other by the chart's names. The
TRaSH fixture is served as a local git repository; guides are warm in every timed run.

Printed as `name=value` lines, wall time as min and median of RUNS runs of `syncd ...` run with
`subprocess` (start-up, imports, git and HTTP included) and the CPU time of the process
(user + system from `getrusage`), as `cli_bench.py` measures:

- the first wiring sync: `syncd apply` on a fresh, empty stack each run: requests per service
  and method, and the writes per service (`SimulatedStack.writes()`). The counts are what each
  server answered, so they include the calls one server made to another (a download-client
  test reaching qBittorrent, Prowlarr's application tests reaching Sonarr and Radarr, a proxy
  test reaching FlareSolverr);
- the converged no-op: `syncd plan --detailed-exitcode` on the stack that apply wired: GETs
  per service, the collections read (distinct GET paths with their query, the version probe
  and the providers' `/schema` templates included) against the GETs, any collection read
  twice, and the writes (the target: one GET per collection, zero writes, Prowlarr's too);
- the same no-op with 50 ms added to every request, to show that reads are concurrent: the
  most reads each server had in flight at once (median of the runs), the HTTP span (first
  request in to last answer out) in round trips of 50 ms, and the wall time latency added
  (min against min, the two kinds of run alternating; on a busy machine wall noise is of the
  order of the few round trips added, so the span, timed at the servers, is the steadier
  number) against what sequential reads would add (GETs x 50 ms). A request is in flight
  from when its server has read it until it has its answer (each server's `answer`, wrapped
  here; the latency is slept there, so qBittorrent and Plex get it too).

Whatever the no-op does beyond its target is printed, not hidden: `read_twice` names each
collection read more than once, `writes` is the most writes of one run (with the writes
themselves as `<service>.written`), `changes_planned` the runs whose plan was not empty.

Measure an installed syncd (a regular `pip install .` in its own virtualenv, `--syncd`); each
measured command runs once untimed first.

Run: .venv/bin/python bench/wiring_bench.py [--runs N] [--syncd PATH]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.cli_bench import Runner, fresh_state, git_shim, report, show, syncd_command  # noqa: E402
from syncd.simulator.stack import PORTS, SimulatedStack  # noqa: E402
from tests.chart.conftest import CHART, NAMESPACE, RELEASE, with_site  # noqa: E402
from tests.chart.rendered import syncd_yml_text  # noqa: E402
from tests.gitrepos import make_git_repo  # noqa: E402
from tests.helmrender import loaded, manifests  # noqa: E402

SHARED = ROOT / ".." / "shared" / "fixtures"
LATENCY = 0.05
# The servers syncd talks to; FlareSolverr and Byparr only hear from Prowlarr.
SYNCED = ("sonarr", "radarr", "prowlarr", "qbittorrent", "plex")
# Per service, (method, path?query) of each request it answered.
Answers = dict[str, list[tuple[str, str]]]


def chart_config() -> str:
    """The chart's default syncd.yml, as its ConfigMap carries it."""
    with loaded(CHART) as chart:
        return syncd_yml_text(manifests(chart.render(with_site({}), name=RELEASE, namespace=NAMESPACE)))


def new_stack() -> SimulatedStack:
    return SimulatedStack(hostnames={service: f"{RELEASE}-{service}" for service in PORTS})


def loopback_config(text: str, stack: SimulatedStack) -> str:
    """`text` with each `base_url: <in-cluster URL>` made its `peer_url`, and the loopback URL
    of the simulated server behind it as the `base_url`."""
    by_url = {stack.in_cluster_url(service): server.url for service, server in stack.servers().items()}

    def swap(match: re.Match[str]) -> str:
        indent, url = match.group(1), match.group(2)
        if url not in by_url:
            raise SystemExit(f"the chart's syncd.yml names {url}, which no simulated server plays")
        return f"{indent}base_url: {by_url[url]}\n{indent}peer_url: {url}"

    return re.sub(r"^( +)base_url: (\S+)$", swap, text, flags=re.MULTILINE)


def stack_env(stack: SimulatedStack) -> dict[str, str]:
    """The secrets the chart's syncd Deployment passes as environment variables."""
    keys = stack.keys
    return {
        "SONARR_API_KEY": keys.sonarr,
        "RADARR_API_KEY": keys.radarr,
        "PROWLARR_API_KEY": keys.prowlarr,
        "PLEX_TOKEN": keys.plex_token,
    }


def answered(stack: SimulatedStack) -> Answers:
    """(method, path?query) of every request each server answered, from its own log."""
    return {
        "sonarr": [(r.method, _target(r.path, r.query.items())) for r in stack.sonarr.requests],
        "radarr": [(r.method, _target(r.path, r.query.items())) for r in stack.radarr.requests],
        "prowlarr": [(r.method, _target(r.path, r.query.items())) for r in stack.prowlarr.requests],
        "qbittorrent": [(r.method, r.path) for r in stack.qbittorrent.requests],
        "plex": [(r.method, _target(r.path, r.query.items())) for r in stack.plex.requests],
        "flaresolverr": [("POST", f"/v1 {r.get('cmd')}") for r in stack.flaresolverr.requests],
        "byparr": [("POST", f"/v1 {r.get('cmd')}") for r in stack.byparr.requests],
    }


def _target(path: str, query: Iterable[tuple[str, Any]]) -> str:
    pairs = sorted(query)
    return f"{path}?{urlencode(pairs, doseq=True)}" if pairs else path


@dataclass(frozen=True)
class Span:
    service: str
    method: str
    start: float
    end: float


class Timeline:
    """When each request to the servers syncd talks to was in flight: each server's `answer`
    (what runs once a request is read) is wrapped to sleep `latency` and record its span."""

    def __init__(self, stack: SimulatedStack) -> None:
        self.latency = 0.0
        self.spans: list[Span] = []
        self._lock = threading.Lock()
        answering: dict[str, Any] = {service: stack.servers()[service] for service in SYNCED}
        for service, server in answering.items():
            server.answer = self._timed(service, server.answer)

    def _timed(self, service: str, answer: Callable[..., Any]) -> Callable[..., Any]:
        def timed(method: str, *args: Any) -> Any:
            start = time.perf_counter()
            if self.latency:
                time.sleep(self.latency)
            try:
                return answer(method, *args)
            finally:
                with self._lock:
                    self.spans.append(Span(service, method, start, time.perf_counter()))

        return timed

    def take(self) -> list[Span]:
        with self._lock:
            spans, self.spans = self.spans, []
        return spans


def max_in_flight(spans: Sequence[Span]) -> int:
    """The most spans open at one instant (an end before a start at the same instant)."""
    events = sorted([(s.start, 1) for s in spans] + [(s.end, -1) for s in spans])
    most = open_now = 0
    for _, step in events:
        open_now += step
        most = max(most, open_now)
    return most


def by_method(requests: list[tuple[str, str]]) -> str:
    counts = Counter(method for method, _ in requests)
    return " ".join(f"{method}:{count}" for method, count in sorted(counts.items())) or "none"


def first_sync(run: Runner, template: str, config: Path, state: Path, runs: int) -> None:
    """`syncd apply` on a fresh, empty stack each run, guides warm."""
    walls: list[float] = []
    requests: Answers = {}
    writes: dict[str, list[str]] = {}
    for _ in range(runs):
        fresh_state(state)
        with new_stack() as stack:
            config.write_text(loopback_config(template, stack), encoding="utf-8")
            run.env.update(stack_env(stack))
            walls.append(run.once("apply", "-c", str(config))[0])
            requests, writes = answered(stack), stack.writes()
    report("first_sync", walls, cpu=run.cpu)
    show("first_sync.requests", sum(len(r) for r in requests.values()))
    show("first_sync.writes", sum(len(w) for w in writes.values()))
    for service, answers in requests.items():
        show(f"first_sync.{service}.requests", len(answers))
        show(f"first_sync.{service}.by_method", by_method(answers))
        show(f"first_sync.{service}.writes", len(writes.get(service, [])))


@dataclass
class Runs:
    """What RUNS timed no-op plans at one latency saw: wall and CPU seconds and, per run, the
    requests each server answered, the spans of those syncd talks to, the writes and the exit
    code."""

    latency: float
    walls: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    answers: list[Answers] = field(default_factory=list)
    spans: list[list[Span]] = field(default_factory=list)
    writes: list[dict[str, list[str]]] = field(default_factory=list)
    codes: list[int] = field(default_factory=list)


def measure(
    run: Runner, stack: SimulatedStack, timeline: Timeline, config: Path, runs: int
) -> tuple[Runs, Runs]:
    """`syncd plan --detailed-exitcode` RUNS times on loopback and RUNS times with LATENCY,
    alternating (so a change in the machine's load falls on both), after one untimed run."""
    plan = ("plan", "-c", str(config), "--detailed-exitcode")
    run.once(*plan, expect=(0, 2))
    fast, slow = Runs(0.0), Runs(LATENCY)
    for _ in range(runs):
        for seen in (fast, slow):
            stack.reset_requests()
            timeline.take()
            timeline.latency = seen.latency
            seen.walls.append(run.once(*plan, expect=(0, 2))[0])
            seen.cpu.append(run.cpu[-1])
            seen.codes.append(run.codes[-1])
            seen.answers.append(answered(stack))
            seen.spans.append(timeline.take())
            seen.writes.append(stack.writes())
    return fast, slow


def most_writes(seen: Runs, service: str | None = None) -> int:
    """The most writes one run made (to `service`, or anywhere)."""
    return max(sum(len(w) for s, w in run.items() if service in (None, s)) for run in seen.writes)


def report_reads(seen: Runs) -> None:
    """GETs against the collections they read, any collection read twice, and every write."""
    gets = [{s: [t for m, t in answers if m == "GET"] for s, answers in run.items()} for run in seen.answers]
    twice = sorted(
        {
            f"{service}:{target}x{count}"
            for run in gets
            for service, targets in run.items()
            for target, count in Counter(targets).items()
            if count > 1
        }
    )
    last = gets[-1]
    collections = {service: sorted(set(targets)) for service, targets in last.items()}
    total_gets = sum(len(t) for t in last.values())
    total_collections = sum(len(c) for c in collections.values())
    show("noop_plan.changes_planned", sum(1 for code in seen.codes if code != 0))
    alike = [{service: Counter(a) for service, a in run.items()} for run in seen.answers]
    show("noop_plan.runs_alike", int(all(run == alike[0] for run in alike)))
    for service in SYNCED:
        show(f"noop_plan.{service}.gets", len(last[service]))
        show(f"noop_plan.{service}.collections", len(collections[service]))
        show(f"noop_plan.{service}.read", ",".join(collections[service]))
    show("noop_plan.gets", total_gets)
    show("noop_plan.collections", total_collections)
    show("noop_plan.gets_per_collection", total_gets / total_collections)
    show("noop_plan.read_twice", " ".join(twice) or "none")
    others = sum(1 for answers in seen.answers[-1].values() for method, _ in answers if method != "GET")
    show("noop_plan.other_requests", others)
    written: dict[str, list[str]] = {}
    for run in seen.writes:
        for service, entries in run.items():
            written.setdefault(service, []).extend(entries)
    show("noop_plan.writes", most_writes(seen))
    show("noop_plan.prowlarr.writes", most_writes(seen, "prowlarr"))
    for service, entries in sorted(written.items()):
        show(f"noop_plan.{service}.written", " ".join(sorted(set(entries))))


def report_concurrency(fast: Runs, slow: Runs) -> None:
    """With LATENCY per request: reads in flight at once, the HTTP span in round trips, and the
    wall time the latency added against what sequential reads would add."""
    reads = [[span for span in run if span.method == "GET"] for run in slow.spans]
    for service in SYNCED:
        most = [max_in_flight([span for span in run if span.service == service]) for run in reads]
        show(f"noop_plan_50ms.{service}.max_in_flight", statistics.median_low(most))
    show("noop_plan_50ms.max_in_flight", statistics.median_low([max_in_flight(run) for run in reads]))
    http = [max(s.end for s in run) - min(s.start for s in run) for run in slow.spans]
    show("noop_plan_50ms.http_span_median_s", statistics.median(http))
    show("noop_plan_50ms.round_trips", statistics.median(http) / LATENCY)
    added = min(slow.walls) - min(fast.walls)
    sequential = statistics.median(len(run) for run in reads) * LATENCY
    show("noop_plan_50ms.added_min_s", added)
    show("noop_plan_50ms.sequential_added_s", sequential)
    show("noop_plan_50ms.added_vs_sequential", added / sequential)


def noop_plan(run: Runner, stack: SimulatedStack, timeline: Timeline, config: Path, runs: int) -> None:
    """`syncd plan` on the converged stack, on loopback and with LATENCY per request."""
    fast, slow = measure(run, stack, timeline, config, runs)
    report("noop_plan", fast.walls, cpu=fast.cpu)
    report_reads(fast)
    report("noop_plan_50ms", slow.walls, cpu=slow.cpu)
    show("noop_plan_50ms.changes_planned", sum(1 for code in slow.codes if code != 0))
    show("noop_plan_50ms.writes", most_writes(slow))
    report_concurrency(fast, slow)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--syncd", help="the syncd command to time (default: beside this python, or on PATH)")
    options = parser.parse_args()
    runs = options.runs
    command = syncd_command(options.syncd)
    template = chart_config()
    with tempfile.TemporaryDirectory(prefix="syncd-wiring-bench-") as tmp:
        work = Path(tmp)
        state = work / "state"
        config = work / "syncd.yml"
        git_log = work / "git-calls.log"
        env = {
            **{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
            **git_shim(work / "shim", git_log),
            "SYNCD_TRASH_GUIDES_URL": make_git_repo(SHARED / "trash-guides", work / "trash"),
            "SYNCD_TEMPLATES_URL": make_git_repo(
                SHARED / "recyclarr-templates-v8-branch", work / "templates"
            ),
            "SYNCD_STATE_DIR": str(state),
        }
        run = Runner(command, env, config, git_log)
        show("runs", runs)
        show("stack", ",".join(PORTS))
        show("instances", len(re.findall(r"^  main:$", template, flags=re.MULTILINE)))

        with new_stack() as warm:  # clone and parse the guides, and run apply once, untimed
            config.write_text(loopback_config(template, warm), encoding="utf-8")
            run.env.update(stack_env(warm))
            run.once("apply", "-c", str(config))
        run.cpu.clear()
        first_sync(run, template, config, state, runs)

        fresh_state(state)
        with new_stack() as stack:
            timeline = Timeline(stack)
            config.write_text(loopback_config(template, stack), encoding="utf-8")
            run.env.update(stack_env(stack))
            run.once("apply", "-c", str(config))
            noop_plan(run, stack, timeline, config, runs)


if __name__ == "__main__":
    main()
