"""End to end through the CLI: slow, unreachable and credential-carrying servers give one clear,
redacted error per instance, bounded by the instance's own `http:` limits, and a plan that could
not be made never claims the servers match."""

from __future__ import annotations

import json
import socket
from pathlib import Path

from syncd.simulator import SimulatedServarr
from tests.e2e.conftest import run

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
