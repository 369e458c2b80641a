"""A bad command line exits 1 (error), never 2, which `--detailed-exitcode` uses for "changes"."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest

from syncd import cli


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(list(args), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize(
    ("args", "says"),
    [
        ((), "the following arguments are required: COMMAND"),
        (("frobnicate",), "invalid choice: 'frobnicate'"),
        (("plan", "-c", "x.yml", "--no-such-flag"), "unrecognized arguments: --no-such-flag"),
        (("plan", "-c", "x.yml", "--format", "ini"), "argument --format: invalid choice: 'ini'"),
        (("run", "-c", "x.yml", "--port", "many"), "argument --port: invalid int value: 'many'"),
        (("--log-level", "loud", "validate"), "argument --log-level: invalid choice: 'loud'"),
        (("plan", "--detailed-exitcode", "-c"), "argument -c/--config: expected one argument"),
    ],
)
def test_argument_errors_exit_1_with_usage_and_the_problem(args: tuple[str, ...], says: str) -> None:
    code, out, err = run(*args)
    assert code == cli.EXIT_ERROR == 1
    assert out == ""
    assert err.startswith("usage: syncd")
    assert says in err


def test_help_and_version_exit_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("--version")[0] == 0
    assert run("plan", "--help")[0] == 0
    assert "syncd" in capsys.readouterr().out


def test_the_installed_entry_point_exits_1_on_a_bad_argument() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "syncd", "plan", "-c", "x.yml", "--bogus"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert "unrecognized arguments: --bogus" in done.stderr
