"""Tests of the container image. This module owns reading the Dockerfile into stages (comments
dropped, continuation lines joined, global ARG defaults substituted into FROM) for the policy
and install tests; it understands the subset of the syntax our Dockerfile uses."""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DOCKERFILE = REPO / "Dockerfile"

_VARIABLE = re.compile(r"\$\{(\w+)\}|\$(\w+)")


@dataclass(frozen=True)
class Instruction:
    keyword: str
    arguments: str

    def exec_form(self) -> list[str]:
        """The JSON array of an exec-form ENTRYPOINT/CMD; ValueError for shell form."""
        value = json.loads(self.arguments)
        if not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            raise ValueError(f"{self.keyword} is not in exec form: {self.arguments}")
        return value

    def words(self) -> list[str]:
        return shlex.split(self.arguments)


@dataclass(frozen=True)
class Stage:
    base: str
    name: str | None
    instructions: tuple[Instruction, ...]

    def all(self, keyword: str) -> list[Instruction]:
        return [i for i in self.instructions if i.keyword == keyword]

    def last(self, keyword: str) -> Instruction:
        found = self.all(keyword)
        assert found, f"stage {self.name or self.base} has no {keyword}"
        return found[-1]

    def env(self) -> dict[str, str]:
        """Every `ENV key=value` pair of the stage, later ones winning."""
        words = [word for i in self.all("ENV") for word in i.words()]
        assert all("=" in word for word in words), "ENV must use the key=value form"
        return dict(word.split("=", 1) for word in words)


@dataclass(frozen=True)
class Dockerfile:
    global_args: dict[str, str]
    stages: tuple[Stage, ...]

    @property
    def final(self) -> Stage:
        return self.stages[-1]


def _logical_lines(text: str) -> list[str]:
    lines: list[str] = []
    pending = ""
    for raw in text.splitlines():
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        lines.append(pending + stripped)
        pending = ""
    if pending:
        lines.append(pending.strip())
    return lines


def parse_dockerfile(text: str) -> Dockerfile:
    global_args: dict[str, str] = {}
    stages: list[Stage] = []
    for line in _logical_lines(text):
        keyword, _, arguments = line.partition(" ")
        keyword, arguments = keyword.upper(), arguments.strip()
        if keyword == "FROM":
            words = [w for w in arguments.split() if not w.startswith("--")]
            base = _VARIABLE.sub(lambda m: global_args.get(m[1] or m[2], m[0]), words[0])
            name = words[2] if len(words) == 3 and words[1].upper() == "AS" else None
            stages.append(Stage(base=base, name=name, instructions=()))
        elif not stages:
            if keyword == "ARG":
                key, _, default = arguments.partition("=")
                global_args[key] = default
        else:
            current = stages[-1]
            stages[-1] = Stage(
                current.base, current.name, (*current.instructions, Instruction(keyword, arguments))
            )
    return Dockerfile(global_args=global_args, stages=tuple(stages))


def read_dockerfile() -> Dockerfile:
    return parse_dockerfile(DOCKERFILE.read_text())
