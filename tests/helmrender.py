"""Render a Helm chart offline with real Helm (helm-python-sdk): the one helper both chart test
packages use. Owns loading a chart and turning its rendered files into manifests."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import helm_python
import yaml

Values = dict[str, Any]
Render = Callable[[Values], list[dict[str, Any]]]


@contextmanager
def loaded(path: Path) -> Iterator[helm_python.Chart]:
    """The chart at `path`, closed afterwards."""
    chart = helm_python.Chart.load(path)
    try:
        yield chart
    finally:
        chart.close()


def manifests(files: dict[str, str]) -> list[dict[str, Any]]:
    """Every YAML document of the rendered files (NOTES.txt excluded), in path order."""
    return [
        doc
        for path, text in sorted(files.items())
        if path.endswith(".yaml")
        for doc in yaml.safe_load_all(text)
        if doc
    ]


def renderer(
    chart: helm_python.Chart,
    *,
    release: str,
    namespace: str,
    prepare: Callable[[Values], Values] = lambda values: values,
) -> Render:
    """Render `prepare(values)` into manifests, cached per value set."""
    cache: dict[str, list[dict[str, Any]]] = {}

    def render(values: Values) -> list[dict[str, Any]]:
        key = json.dumps(values, sort_keys=True)
        if key not in cache:
            cache[key] = manifests(chart.render(prepare(values), name=release, namespace=namespace))
        return cache[key]

    return render
