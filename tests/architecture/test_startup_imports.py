"""Start-up cost is import cost: the CLI loads only what the command needs.

Each case runs a fresh interpreter (the only way to see what a command really imports) and
lists the modules loaded once the command has run.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

_PROBE = """
import contextlib, io, json, sys
from syncd import cli
with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
    try:
        cli.main(sys.argv[1:])
    except SystemExit:
        pass
print(json.dumps(sorted(sys.modules)))
"""


def modules_after(*argv: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, *argv], capture_output=True, text=True, check=True, timeout=60
    )
    return set(json.loads(done.stdout.splitlines()[-1]))


def loaded(modules: set[str], prefix: str) -> list[str]:
    return sorted(m for m in modules if m == prefix or m.startswith(prefix + "."))


@pytest.mark.parametrize("argv", [["--version"], ["--help"], ["plan", "--help"]])
def test_help_and_version_import_nothing_heavy(argv: list[str]) -> None:
    modules = modules_after(*argv)
    for heavy in (
        "asyncio",
        "logging",
        "httpx",
        "pydantic",
        "structlog",
        "git",
        "yaml",
        "syncd.app",
        "syncd.config.model",
    ):
        assert not loaded(modules, heavy), f"`syncd {' '.join(argv)}` imported {heavy}"


def test_plan_loads_no_scheduler_server_metrics_simulator_or_executor(tmp_path: Path) -> None:
    modules = modules_after("plan", "-c", str(tmp_path / "missing.yml"))
    assert loaded(modules, "syncd.app"), "the probe must reach the plan command"
    for unneeded in (
        "apscheduler",
        "prometheus_client",
        "http.server",
        "syncd.daemon",
        "syncd.simulator",
        "syncd.demo",
        "syncd.apply",
    ):
        assert not loaded(modules, unneeded), f"`syncd plan` imported {unneeded}"


def test_plan_imports_no_optional_extras_of_its_libraries(tmp_path: Path) -> None:
    """httpx's command-line client (click, pygments, rich) and structlog's rich tracebacks
    are loaded only because those packages are installed; a plan on a pipe draws nothing."""
    modules = modules_after("plan", "-c", str(tmp_path / "missing.yml"))
    assert loaded(modules, "syncd.app"), "the probe must reach the plan command"
    assert loaded(modules, "httpx")
    for extra in ("click", "pygments", "rich"):
        assert not loaded(modules, extra), f"`syncd plan` imported {extra}"


def test_a_plan_that_logs_nothing_imports_no_structlog(tmp_path: Path) -> None:
    """structlog is imported at the first line logged (`syncd.logger`)."""
    modules = modules_after("plan", "-c", str(tmp_path / "missing.yml"))
    assert loaded(modules, "syncd.app"), "the probe must reach the plan command"
    assert not loaded(modules, "structlog")


def test_the_first_line_logged_loads_structlog_without_rich_and_configured(tmp_path: Path) -> None:
    """A warning logged after the CLI's set-up is rendered by it (JSON on a pipe, secrets
    masked), though structlog was not loaded when it was configured; a debug line before it
    is dropped without loading structlog."""
    probe = """
import io, json, sys
from syncd import logger, logs
err = io.StringIO()
logs.configure_logging(level="warning", stream=err)
before = "structlog" in sys.modules
logger.get_logger("probe").debug("probe.below")
below = "structlog" in sys.modules
logger.get_logger("probe").warning("probe.event", api_key="s3cret", detail=1)
logger.get_logger("probe").info("probe.quiet")
print(json.dumps({"before": before, "below": below, "rich": "rich" in sys.modules, "lines": err.getvalue().splitlines()}))
"""
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    seen = json.loads(done.stdout.splitlines()[-1])
    assert seen["before"] is False and seen["rich"] is False
    assert seen["below"] is False, "a line below the level loaded structlog"
    (line,) = seen["lines"]
    event = json.loads(line)
    assert event["event"] == "probe.event" and event["level"] == "warning" and event["detail"] == 1
    assert "s3cret" not in line


_GC_PROBE = """
import gc, json, sys
from syncd import app, cli, errors
seen = {}

def stop(path, settings):
    seen["plan"] = gc.isenabled()
    raise errors.SyncdError("stop")

def daemon(args, settings):
    seen["run"] = gc.isenabled()
    return 0

app.load_config = stop
cli._run = daemon
cli.main(["plan", "-c", sys.argv[1]], stdout=sys.stderr, stderr=sys.stderr)
cli.main(["run", "-c", sys.argv[1]], stdout=sys.stderr, stderr=sys.stderr)
print(json.dumps({**seen, "after": gc.isenabled(), "frozen": gc.get_freeze_count()}))
"""


def test_one_shot_commands_run_without_garbage_collection_the_daemon_with_it(tmp_path: Path) -> None:
    """The objects a command's imports create are frozen out of garbage collection; a one-shot
    command then runs with collection paused, the daemon with it on, and `main` leaves it on
    (see `syncd.lean_imports`)."""
    config = tmp_path / "syncd.yml"
    config.write_text("sonarr: {}\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-c", _GC_PROBE, str(config)], capture_output=True, text=True, check=True, timeout=60
    )
    seen = json.loads(done.stdout.splitlines()[-1])
    assert seen["plan"] is False, "`syncd plan` ran with garbage collection on"
    assert seen["run"] is True, "`syncd run` ran without garbage collection"
    assert seen["after"] is True
    assert seen["frozen"] > 10_000, "the modules `syncd plan` loaded are not frozen"
