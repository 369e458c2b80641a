"""End to end through the CLI and the daemon: slow, unreachable, throttling and
credential-carrying servers give one clear, redacted error per instance (never a doubled
instance prefix), bounded by the instance's own `http:` limits; the servers are probed while
the guides are checked, and guides that cannot be fetched are still the one error, even beside
an unreachable server; a throttled write is sent again; credentials reach no output, log, page
or state file; and a plan that could not be made for every instance never claims the servers
match."""

from __future__ import annotations

import json
import socket
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from syncd import app
from syncd.config.load import load_config
from syncd.errors import ConfigError
from syncd.guides import repo as guide_repo
from syncd.live.http import HttpLimits
from syncd.simulator import SimulatedServarr
from tests.daemon.process import DaemonProcess
from tests.e2e.conftest import run
from tests.shared import SONARR_KEY

CONFIG = """\
syncd: 1
sonarr:
  main:
    base_url: {url}
    api_key: !env SONARR_KEY
{extra}    include:
      - preset: sonarr-web-1080p
"""
PASSWORD = "pw-that-must-not-leak"
QUERY_KEY = "querykeythatmustnotleak"


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def write(tmp_path: Path, url: str, extra: str = "") -> Path:
    path = tmp_path / "syncd.yml"
    path.write_text(CONFIG.format(url=url, extra=extra))
    return path


def test_an_unreachable_instance_fails_fast_with_one_line_and_no_false_no_changes(
    env: Path, tmp_path: Path
) -> None:
    config = write(tmp_path, f"http://127.0.0.1:{closed_port()}")
    result = run("plan", "-c", str(config))
    assert result.code == 1
    text = result.out + result.err
    assert "api.retry" not in text, "an unreachable server must not be retried read by read"
    errors = [line for line in text.splitlines() if "cannot reach" in line]
    assert len(errors) == 1, text
    assert errors[0].startswith("Error: sonarr.main: cannot reach ")
    assert "sonarr.main: sonarr.main" not in text
    assert "No changes. The servers match the configuration." not in text
    assert "Not planned (see the errors above): sonarr.main." in text


def test_guides_that_cannot_be_fetched_are_the_one_error_even_beside_an_unreachable_server(
    env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The servers are probed while the guides are checked; the guides' error still comes alone."""
    monkeypatch.setenv("SYNCD_TRASH_GUIDES_URL", (tmp_path / "no-such-repo").as_uri())
    config = write(tmp_path, f"http://127.0.0.1:{closed_port()}")
    result = run("plan", "-c", str(config))
    assert result.code == 1
    assert result.out == ""
    assert result.err.startswith("Error: cannot fetch file://"), result.err
    assert "no-such-repo" in result.err and "cannot reach" not in result.err


def test_the_servers_are_probed_while_the_guides_are_checked(
    env: Path, tmp_path: Path, sonarr: SimulatedServarr, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The guide check (a git subprocess) waits here until the server answered the probe: a plan
    that checked the guides first would never send it."""
    check = guide_repo.sync_repo

    def after_the_probe(**kwargs: Any) -> guide_repo.Checkout:
        if kwargs.get("paths") == guide_repo.TRASH_PATHS:
            deadline = time.monotonic() + 10
            while not any(r.path.endswith("/system/status") for r in sonarr.requests):
                assert time.monotonic() < deadline, "the guide check held the probe back"
                time.sleep(0.01)
        return check(**kwargs)

    monkeypatch.setattr(guide_repo, "sync_repo", after_the_probe)
    result = run("plan", "-c", str(write(tmp_path, sonarr.url)))
    assert result.code == 0, result.err
    assert "Plan:" in result.out


def test_credentials_in_a_base_url_are_redacted_in_every_output(env: Path, tmp_path: Path) -> None:
    url = f"http://admin:{PASSWORD}@127.0.0.1:{closed_port()}?apikey={QUERY_KEY}"
    config = write(tmp_path, url)
    outputs = [
        run("--log-level", "debug", "plan", "-c", str(config)),
        run("--log-level", "debug", "plan", "-c", str(config), "--json"),
        run("--log-level", "debug", "apply", "-c", str(config)),
    ]
    for result in outputs:
        assert result.code == 1
        text = result.out + result.err
        assert "cannot reach" in text
        assert PASSWORD not in text
        assert QUERY_KEY not in text
        assert "[redacted]@127.0.0.1" in text
    error = json.loads(outputs[1].out)["instances"][0]["error"]
    assert error.startswith("cannot reach http://[redacted]@127.0.0.1:")


def test_the_instance_http_limits_bound_a_slow_server(env: Path, tmp_path: Path) -> None:
    with SimulatedServarr("sonarr", api_key="0" * 32, latency=1.0) as slow:
        extra = "    http:\n      read_timeout: 0.2\n      retries: 0\n"
        config = write(tmp_path, slow.url, extra)
        result = run("plan", "-c", str(config))
    assert result.code == 1
    assert "timed out (no answer within 0.2s)" in result.out, result.out + result.err


def test_http_limits_are_checked_and_name_the_line(env: Path, tmp_path: Path) -> None:
    config = write(tmp_path, "http://127.0.0.1:9", "    http:\n      read_timeout: soon\n")
    result = run("validate", "-c", str(config))
    assert result.code == 1
    assert f"{config}:7" in result.err
    assert "http.read_timeout must be a positive number of seconds" in result.err


TWO_INSTANCES = """\
syncd: 1
sonarr:
  main:
    base_url: {good}
    api_key: !env SONARR_KEY
    include:
      - preset: sonarr-web-1080p
  down:
    base_url: {down}
    api_key: !env SONARR_KEY
    include:
      - preset: sonarr-web-1080p
"""


def test_a_plan_with_one_unplanned_instance_never_says_the_servers_match(
    env: Path, tmp_path: Path, sonarr: SimulatedServarr
) -> None:
    assert run("apply", "-c", str(write(tmp_path, sonarr.url))).code == 0
    config = tmp_path / "two.yml"
    config.write_text(TWO_INSTANCES.format(good=sonarr.url, down=f"http://127.0.0.1:{closed_port()}"))
    result = run("plan", "-c", str(config))
    assert result.code == 1
    assert "The servers match the configuration" not in result.out
    assert "Not planned (see the errors above): sonarr.down. No changes for sonarr.main." in result.out


def posts(server: SimulatedServarr, prefix: str) -> int:
    return sum(1 for r in server.requests if r.method == "POST" and r.path.startswith(prefix))


def test_a_throttled_write_is_retried_and_the_apply_completes(
    env: Path, tmp_path: Path, sonarr: SimulatedServarr
) -> None:
    sonarr.fail_next(1, 429, path_prefix="/api/v3/customformat", retry_after=1, method="POST")
    config = write(tmp_path, sonarr.url)
    result = run("apply", "-c", str(config))
    assert result.code == 0, result.out + result.err
    created = len(sonarr.state.custom_formats)
    assert posts(sonarr, "/api/v3/customformat") == created + 1, "the throttled POST was sent again"
    assert run("plan", "-c", str(config), "--detailed-exitcode").code == 0


def test_a_failed_write_is_one_error_line_naming_the_instance_once(
    env: Path, tmp_path: Path, sonarr: SimulatedServarr
) -> None:
    sonarr.fail_next(1, 500, path_prefix="/api/v3/customformat", method="POST")
    result = run("apply", "-c", str(write(tmp_path, sonarr.url)))
    assert result.code == 1
    text = result.out + result.err
    errors = [line for line in text.splitlines() if "answered 500" in line]
    assert len(errors) == 1, text
    assert errors[0].startswith('sonarr.main: FAILED at sonarr.main.custom_format["'), errors[0]
    assert errors[0].count("sonarr.main:") == 1, errors[0]
    assert "]: POST http://" in errors[0]
    assert "sonarr.main: sonarr.main" not in text
    assert posts(sonarr, "/api/v3/customformat") >= 1
    assert "The servers match the configuration" not in text


def test_credentials_never_reach_the_state_dir_or_the_other_server_warning(
    env: Path, tmp_path: Path, sonarr: SimulatedServarr
) -> None:
    host = sonarr.url.removeprefix("http://")
    assert run("apply", "-c", str(write(tmp_path, f"http://admin:{PASSWORD}@{host}"))).code == 0
    stored = [p for p in env.rglob("*") if p.is_file() and PASSWORD.encode() in p.read_bytes()]
    assert stored == []
    with SimulatedServarr("sonarr", api_key=SONARR_KEY) as other:
        moved = write(tmp_path, f"http://admin:{PASSWORD}@{other.url.removeprefix('http://')}")
        result = run("plan", "-c", str(moved))
    assert "recorded for another server (http://[redacted]@" in result.out, result.out + result.err
    assert PASSWORD not in result.out + result.err


def test_credentials_never_reach_the_daemon_log_or_status(
    tmp_path: Path, guides_url: str, sonarr: SimulatedServarr
) -> None:
    host = sonarr.url.removeprefix("http://")
    config = tmp_path / "syncd.yml"
    config.write_text(
        TWO_INSTANCES.format(
            good=f"http://admin:{PASSWORD}@{host}?apikey={QUERY_KEY}",
            down=f"http://admin:{PASSWORD}@127.0.0.1:{closed_port()}",
        )
    )
    env = {
        "SYNCD_TRASH_GUIDES_URL": guides_url,
        "SYNCD_STATE_DIR": str(tmp_path / "state"),
        "SONARR_KEY": SONARR_KEY,
        "SYNCD_LOG_LEVEL": "debug",
    }
    daemon = DaemonProcess(config, env)
    try:
        port = daemon.port
        daemon.wait_event("sync.done", timeout=60)
        status = httpx.get(f"http://127.0.0.1:{port}/status", timeout=10).text
        page = httpx.get(f"http://127.0.0.1:{port}/", timeout=10).text
    finally:
        daemon.terminate()
        daemon.wait(timeout=15)
        daemon.close()
    log = daemon.output()
    assert '"instance": "sonarr.down", "result": "failed"' in log
    assert "cannot reach http://" in log
    for text in (log, status, page):
        assert PASSWORD not in text
        assert QUERY_KEY not in text


def test_each_instance_takes_its_http_limits_from_its_config_or_the_defaults(tmp_path: Path) -> None:
    own = tmp_path / "syncd.yml"
    own.write_text(
        "syncd: 1\n"
        "sonarr:\n  main:\n    base_url: http://sonarr:8989\n    api_key: k\n"
        "    http: {connect_timeout: 2, read_timeout: 30s, retries: 1, max_retry_wait: 1m, deadline: 90}\n"
        "qbittorrent:\n  main:\n    base_url: http://qbittorrent:8080\n    http: {read_timeout: 5}\n"
    )
    config = load_config(own, env={})
    assert app._limits(config.instances[0]) == HttpLimits(
        connect_timeout=2, read_timeout=30, retries=1, max_wait=60, deadline=90
    )
    assert app._limits(config.qbittorrent[0]) == HttpLimits(read_timeout=5)
    # A Recyclarr file has no place for them: its instances get the defaults.
    recyclarr = tmp_path / "recyclarr.yml"
    recyclarr.write_text("sonarr:\n  main:\n    base_url: http://sonarr:8989\n    api_key: k\n")
    assert app._limits(load_config(recyclarr, env={}).instances[0]) == HttpLimits()
    assert HttpLimits() == HttpLimits(
        connect_timeout=5, read_timeout=30, retries=3, max_wait=60, deadline=120
    )


def test_max_writes_is_a_whole_number_of_one_or_more_and_defaults_to_64(tmp_path: Path) -> None:
    path = tmp_path / "syncd.yml"
    base = "syncd: 1\nsonarr:\n  main:\n    base_url: http://sonarr:8989\n    api_key: k\n"
    path.write_text(base + "    http: {max_writes: 2}\n")
    assert load_config(path, env={}).instances[0].http.max_writes == 2
    path.write_text(base)
    assert load_config(path, env={}).instances[0].http.max_writes == 64
    for bad in ("0", "1.5", "true"):
        path.write_text(base + f"    http: {{max_writes: {bad}}}\n")
        with pytest.raises(ConfigError, match=r"syncd.yml:6: http.max_writes must be a whole number >= 1"):
            load_config(path, env={})
