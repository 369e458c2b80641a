"""Colour on a terminal only (NO_COLOR and --no-color honoured), spinners only on a terminal,
plain stable output everywhere else."""

from __future__ import annotations

import io

import pytest

from syncd.terminal import Terminal, style_of, wants_colour

GREEN, YELLOW, RED = "\x1b[32m", "\x1b[33m", "\x1b[31m"


class TTY(io.StringIO):
    """A stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


PLAN = (
    "syncd will perform the following actions:\n"
    '  + sonarr.main.custom_format["BR-DISK"] (test)\n'
    '  ~ custom_format "Renamed" {\n'
    '      ~ name = "Before" -> "Renamed"\n'
    "    }\n"
    '  - custom_format "Gone" {\n'
    "    }\n"
    "Plan: 1 to add, 1 to change, 1 to destroy.\n"
)


@pytest.mark.parametrize(
    ("stream", "env", "flag", "colour"),
    [
        (TTY(), {}, False, True),
        (TTY(), {"NO_COLOR": "1"}, False, False),
        (TTY(), {"NO_COLOR": ""}, False, True),  # no-color.org: only a non-empty value counts
        (TTY(), {}, True, False),
        (TTY(), {"TERM": "dumb"}, False, False),
        (io.StringIO(), {}, False, False),
    ],
    ids=["terminal", "NO_COLOR", "empty-NO_COLOR", "--no-color", "dumb", "pipe"],
)
def test_colour_only_on_a_terminal_that_wants_it(
    stream: io.StringIO, env: dict[str, str], flag: bool, colour: bool
) -> None:
    assert wants_colour(stream, env, no_color=flag) is colour
    term = Terminal(stream, io.StringIO(), io.StringIO(), env=env, no_color=flag)
    term.write(PLAN)
    written = stream.getvalue()
    assert ("\x1b[" in written) is colour
    if not colour:
        assert written == PLAN


def test_plus_tilde_minus_lines_get_their_colours() -> None:
    stream = TTY()
    Terminal(stream, io.StringIO(), io.StringIO(), env={}, no_color=False).write(PLAN)
    lines = stream.getvalue().splitlines()
    assert GREEN in lines[1] and "BR-DISK" in lines[1]
    assert YELLOW in lines[2] and YELLOW in lines[3]
    assert RED in lines[5]
    assert "\x1b[32m" not in lines[0] and "\x1b[31m" not in lines[0]
    assert [style_of(line) for line in PLAN.splitlines()] == [
        None,
        "green",
        "yellow",
        "yellow",
        None,
        "red",
        None,
        "bold",
    ]
    assert style_of("  -/+ custom_format") == "magenta"


def test_spinner_only_on_a_terminal() -> None:
    quiet_err = io.StringIO()
    term = Terminal(io.StringIO(), quiet_err, io.StringIO(), env={}, no_color=False)
    with term.progress("Fetching the TRaSH Guides ..."):
        pass
    assert quiet_err.getvalue() == ""
    tty_err = TTY()
    term = Terminal(io.StringIO(), tty_err, io.StringIO(), env={}, no_color=False)
    with term.progress("Fetching the TRaSH Guides ..."):
        pass
    assert "Fetching the TRaSH Guides" in tty_err.getvalue()


def test_interactive_needs_stdin_and_stdout_terminals() -> None:
    assert Terminal(TTY(), io.StringIO(), TTY(), env={}, no_color=False).interactive
    assert not Terminal(io.StringIO(), io.StringIO(), TTY(), env={}, no_color=False).interactive
    assert not Terminal(TTY(), io.StringIO(), io.StringIO(), env={}, no_color=False).interactive


@pytest.mark.parametrize(
    ("answer", "approved"), [("yes\n", True), ("y\n", False), ("\n", False), ("", False)]
)
def test_only_yes_approves(answer: str, approved: bool) -> None:
    out = TTY()
    term = Terminal(out, io.StringIO(), io.StringIO(answer), env={}, no_color=False)
    assert term.confirm("Do you want to perform these actions?") is approved
    assert "Only 'yes' will be accepted" in out.getvalue()
