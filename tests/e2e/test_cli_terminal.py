"""The CLI on a terminal: coloured plans unless NO_COLOR/--no-color, plain off a terminal; apply
asks before destroying anything, on a terminal only, unless --auto-approve; a per-instance
summary at the end."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from syncd import cli
from syncd.simulator import SimulatedServarr
from tests.e2e.conftest import Result, run, writes
from tests.e2e.test_safety import PRESET, write_config

HAND_MADE = {
    "id": 999,
    "name": "Made By Hand",
    "includeCustomFormatWhenRenaming": False,
    "specifications": [
        {
            "name": "x",
            "implementation": "ReleaseTitleSpecification",
            "negate": False,
            "required": False,
            "fields": {"value": "hand"},
        }
    ],
}
DELETE_UNMANAGED = PRESET + "    delete:\n      unmanaged_custom_formats:\n        enabled: true\n"


class TTY(io.StringIO):
    def isatty(self) -> bool:
        return True


def run_on_terminal(*args: str, answer: str = "", stdin_tty: bool = True) -> Result:
    out, err = TTY(), io.StringIO()
    stdin = TTY(answer) if stdin_tty else io.StringIO(answer)
    code = cli.main(list(args), stdout=out, stderr=err, stdin=stdin)
    return Result(code=code, out=out.getvalue(), err=err.getvalue())


def test_plan_is_coloured_on_a_terminal_and_plain_with_no_color(
    env: Path, tmp_path: Path, sonarr: SimulatedServarr, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = str(write_config(tmp_path, sonarr.url))
    plain = run("plan", "-c", config)
    coloured = run_on_terminal("plan", "-c", config)
    assert plain.code == coloured.code == 0
    assert "\x1b[" not in plain.out
    assert "\x1b[32m" in coloured.out  # + lines in green
    assert run_on_terminal("plan", "-c", config, "--no-color").out == plain.out
    monkeypatch.setenv("NO_COLOR", "1")
    assert run_on_terminal("plan", "-c", config).out == plain.out


def deleting_setup(tmp_path: Path, sonarr: SimulatedServarr) -> str:
    sonarr.state.custom_formats[999] = dict(HAND_MADE)
    for profile in sonarr.state.quality_profiles.values():
        profile["formatItems"].append({"format": 999, "score": 0})
    assert run("apply", "-c", str(write_config(tmp_path, sonarr.url))).code == 0
    sonarr.requests.clear()
    return str(write_config(tmp_path, sonarr.url, DELETE_UNMANAGED, "delete.yml"))


def test_apply_asks_on_a_terminal_before_destroying_and_no_writes_nothing(
    env: Path, tmp_path: Path, sonarr: SimulatedServarr
) -> None:
    config = deleting_setup(tmp_path, sonarr)
    refused = run_on_terminal("apply", "-c", config, "--no-color", answer="no\n")
    assert refused.code == 1
    assert "Do you want to perform these actions? 1 object will be destroyed." in refused.out
    assert "Apply cancelled; nothing was written." in refused.out
    assert writes(sonarr) == []
    assert 999 in sonarr.state.custom_formats

    approved = run_on_terminal("apply", "-c", config, "--no-color", answer="yes\n")
    assert approved.code == 0, approved.err
    assert 999 not in sonarr.state.custom_formats
    assert (
        "sonarr.main: applied 1 change (0 added, 0 changed, 1 destroyed).\nApply complete.\n" in approved.out
    )


def test_auto_approve_and_off_a_terminal_never_ask(
    env: Path, tmp_path: Path, sonarr: SimulatedServarr
) -> None:
    config = deleting_setup(tmp_path, sonarr)
    off_terminal = run_on_terminal("apply", "-c", config, stdin_tty=False)
    assert off_terminal.code == 0, off_terminal.err
    assert "Do you want" not in off_terminal.out
    assert 999 not in sonarr.state.custom_formats

    sonarr.state.custom_formats[999] = dict(HAND_MADE)
    approved = run_on_terminal("apply", "-c", config, "--auto-approve")
    assert approved.code == 0, approved.err
    assert "Do you want" not in approved.out
    assert 999 not in sonarr.state.custom_formats


def test_apply_without_deletes_does_not_ask_and_summarizes_per_instance(
    env: Path, tmp_path: Path, sonarr: SimulatedServarr, radarr: SimulatedServarr
) -> None:
    config = tmp_path / "both.yml"
    config.write_text(
        "syncd: 1\n"
        f"sonarr:\n  main:\n    base_url: {sonarr.url}\n    api_key: !env SONARR_KEY\n"
        "    include:\n      - preset: sonarr-web-1080p\n"
        f"radarr:\n  main:\n    base_url: {radarr.url}\n    api_key: !env RADARR_KEY\n"
        "    include:\n      - preset: radarr-hd-bluray-web\n"
    )
    result = run_on_terminal("apply", "-c", str(config), "--no-color")
    assert result.code == 0, result.err
    assert "Do you want" not in result.out
    summary = result.out[result.out.rindex("Plan: ") :]
    for instance in ("sonarr.main", "radarr.main"):
        line = next(line for line in summary.splitlines() if line.startswith(f"{instance}: applied "))
        assert line.endswith(", 0 destroyed).")
    assert result.out.endswith("Apply complete.\n")
