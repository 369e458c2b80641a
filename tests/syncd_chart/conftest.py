"""Render the standalone syncd chart with real Helm (tests/helmrender.py), offline."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import helm_python
import pytest
import yaml

from tests.helmrender import Render, loaded, renderer

CHART = Path(__file__).resolve().parents[2] / "charts" / "syncd"
EXAMPLES = CHART / "examples"
RELEASE = "syncd"
NAMESPACE = "media"

__all__ = ["CHART", "EXAMPLES", "NAMESPACE", "RELEASE", "Render", "example"]


def example(name: str) -> dict[str, Any]:
    values = yaml.safe_load((EXAMPLES / f"{name}.yaml").read_text(encoding="utf-8"))
    assert isinstance(values, dict)
    return values


@pytest.fixture(scope="session")
def chart() -> Iterator[helm_python.Chart]:
    with loaded(CHART) as chart:
        yield chart


@pytest.fixture(scope="session")
def render(chart: helm_python.Chart) -> Render:
    """Render values into a list of manifests (NOTES.txt excluded), cached per value set."""
    return renderer(chart, release=RELEASE, namespace=NAMESPACE)


@pytest.fixture(scope="session")
def templates_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    from tests.gitrepos import make_git_repo
    from tests.shared import SHARED

    return make_git_repo(
        SHARED / "recyclarr-templates", tmp_path_factory.mktemp("templates") / "config-templates"
    )
