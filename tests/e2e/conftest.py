"""End-to-end fixtures: the Recyclarr templates as a git repo, the environment pointing syncd
at the local repos, and a runner for the real CLI entry point (guides and simulated servers
come from tests/conftest.py)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import pytest

from syncd import cli
from syncd.simulator import SimulatedServarr
from tests.gitrepos import make_git_repo
from tests.shared import RADARR_KEY, SHARED, SONARR_KEY


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str


@pytest.fixture(scope="session")
def templates_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return make_git_repo(
        SHARED / "recyclarr-templates", tmp_path_factory.mktemp("templates") / "config-templates"
    )


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, guides_url: str, templates_url: str) -> Path:
    """Point syncd at the local guide repos and a fresh state dir; returns the state dir."""
    state = tmp_path / "state"
    monkeypatch.setenv("SYNCD_TRASH_GUIDES_URL", guides_url)
    monkeypatch.setenv("SYNCD_TEMPLATES_URL", templates_url)
    monkeypatch.setenv("SYNCD_STATE_DIR", str(state))
    monkeypatch.setenv("SONARR_KEY", SONARR_KEY)
    monkeypatch.setenv("RADARR_KEY", RADARR_KEY)
    return state


def run(*args: str) -> Result:
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(list(args), stdout=out, stderr=err)
    return Result(code=code, out=out.getvalue(), err=err.getvalue())


def writes(server: SimulatedServarr) -> list[str]:
    return [f"{r.method} {r.path}" for r in server.requests if r.method != "GET"]
