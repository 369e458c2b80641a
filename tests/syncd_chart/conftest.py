"""Render the standalone syncd chart with real Helm (helm-python-sdk), offline."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import helm_python
import pytest
import yaml

CHART = Path(__file__).resolve().parents[2] / "charts" / "syncd"
EXAMPLES = CHART / "examples"
RELEASE = "syncd"
NAMESPACE = "media"

Render = Callable[[dict[str, Any]], list[dict[str, Any]]]


def example(name: str) -> dict[str, Any]:
    values = yaml.safe_load((EXAMPLES / f"{name}.yaml").read_text(encoding="utf-8"))
    assert isinstance(values, dict)
    return values


@pytest.fixture(scope="session")
def chart() -> Iterator[helm_python.Chart]:
    loaded = helm_python.Chart.load(CHART)
    try:
        yield loaded
    finally:
        loaded.close()


@pytest.fixture(scope="session")
def render(chart: helm_python.Chart) -> Render:
    """Render values into a list of manifests (NOTES.txt excluded), cached per value set."""
    cache: dict[str, list[dict[str, Any]]] = {}

    def _render(values: dict[str, Any]) -> list[dict[str, Any]]:
        key = json.dumps(values, sort_keys=True)
        if key not in cache:
            files = chart.render(values, name=RELEASE, namespace=NAMESPACE)
            cache[key] = [
                doc
                for path, text in sorted(files.items())
                if path.endswith(".yaml")
                for doc in yaml.safe_load_all(text)
                if doc
            ]
        return cache[key]

    return _render


@pytest.fixture(scope="session")
def templates_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    from tests.gitrepos import make_git_repo
    from tests.shared import SHARED

    return make_git_repo(
        SHARED / "recyclarr-templates", tmp_path_factory.mktemp("templates") / "config-templates"
    )
