"""Fixtures that render the media-server chart with real Helm (helm-python-sdk)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import helm_python
import pytest
import yaml

CHART = Path(__file__).resolve().parents[2] / "chart"
RELEASE = "media-server"
NAMESPACE = "media-server"

Render = Callable[[dict[str, Any]], list[dict[str, Any]]]

# The one value a site must set: the VPN endpoint the NetworkPolicy lets WireGuard reach
# (the design's Infisical vpn/PROTONVPN_SERVER). Every render below starts from it.
SITE: dict[str, Any] = {"qbittorrent": {"vpn": {"networkPolicy": {"endpointCIDRs": ["45.128.134.194/32"]}}}}


def with_site(values: dict[str, Any]) -> dict[str, Any]:
    """`values` deep-merged over SITE (values win)."""

    def merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
        merged = dict(base)
        for key, value in over.items():
            if isinstance(value, dict) and isinstance(merged.get(key), dict):
                merged[key] = merge(merged[key], value)
            else:
                merged[key] = value
        return merged

    return merge(SITE, values)


@pytest.fixture(scope="session")
def chart() -> Iterator[helm_python.Chart]:
    loaded = helm_python.Chart.load(CHART)
    try:
        yield loaded
    finally:
        loaded.close()


@pytest.fixture(scope="session")
def render(chart: helm_python.Chart) -> Render:
    """Render values over SITE into a list of manifests (NOTES.txt excluded), cached per value set."""
    cache: dict[str, list[dict[str, Any]]] = {}

    def _render(values: dict[str, Any]) -> list[dict[str, Any]]:
        key = json.dumps(values, sort_keys=True)
        if key not in cache:
            files = chart.render(with_site(values), name=RELEASE, namespace=NAMESPACE)
            cache[key] = [
                doc
                for path, text in sorted(files.items())
                if path.endswith(".yaml")
                for doc in yaml.safe_load_all(text)
                if doc
            ]
        return cache[key]

    return _render
