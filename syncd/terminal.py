"""The CLI's terminal: colour, progress spinners and the confirmation prompt, with `rich`.

Renderers stay pure and return plain text; this module only decorates that text when it goes to
a terminal. Colour is on when the stream is a terminal, `NO_COLOR` is unset or empty
(no-color.org), `TERM` is not `dumb` and `--no-color` was not given: `+` lines green, `~`
yellow, `-` red, `-/+` magenta. Spinners run on stderr, only on a terminal. Off a terminal the
text is written exactly as rendered, so pipes, logs and tests see stable output.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TextIO

_STYLES = (
    (re.compile(r"^\s*-/\+ "), "magenta"),
    (re.compile(r"^\s*\+ "), "green"),
    (re.compile(r"^\s*~ "), "yellow"),
    (re.compile(r"^\s*- "), "red"),
    (re.compile(r"^(Plan|Apply complete|No changes)\b"), "bold"),
    (re.compile(r"^(Error|.*: FAILED)\b"), "bold red"),
    (re.compile(r"^Warning\b"), "yellow"),
)


def is_terminal(stream: TextIO) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def wants_colour(stream: TextIO, env: Mapping[str, str], *, no_color: bool) -> bool:
    return is_terminal(stream) and not no_color and not env.get("NO_COLOR") and env.get("TERM") != "dumb"


def style_of(line: str) -> str | None:
    """The style a plan or summary line is shown in on a colour terminal (None: plain)."""
    return next((style for pattern, style in _STYLES if pattern.match(line)), None)


class Terminal:
    """Where the CLI writes: stdout for results, stderr for progress and questions."""

    def __init__(
        self, out: TextIO, err: TextIO, stdin: TextIO, *, env: Mapping[str, str], no_color: bool
    ) -> None:
        self.out = out
        self.err = err
        self.stdin = stdin
        self.colour = wants_colour(out, env, no_color=no_color)
        self._spinning = is_terminal(err)
        self._err_colour = wants_colour(err, env, no_color=no_color)

    @property
    def interactive(self) -> bool:
        """A person is there to answer: both stdin and stdout are terminals."""
        return is_terminal(self.stdin) and is_terminal(self.out)

    def write(self, text: str) -> None:
        """Write rendered text: coloured line by line on a colour terminal, else as it is."""
        if not self.colour:
            self.out.write(text)
            return
        from rich.console import Console
        from rich.text import Text

        console = Console(file=self.out, force_terminal=True, highlight=False, soft_wrap=True)
        styled = Text()
        for line in text.splitlines(keepends=True):
            styled.append(line, style=style_of(line) or "")
        console.print(styled, end="")

    @contextmanager
    def progress(self, message: str) -> Iterator[None]:
        """A spinner with `message` on stderr while the block runs (nothing off a terminal)."""
        if not self._spinning:
            yield
            return
        from rich.console import Console

        console = Console(file=self.err, force_terminal=True, no_color=not self._err_colour)
        with console.status(message, spinner="dots"):
            yield

    def confirm(self, question: str) -> bool:
        """Terraform's prompt: only `yes` approves. Callers ask only when `interactive`."""
        self.out.write(f"\n{question}\n  Only 'yes' will be accepted to approve.\n\n  Enter a value: ")
        self.out.flush()
        answer = self.stdin.readline().strip()
        self.out.write("\n")
        return answer == "yes"
