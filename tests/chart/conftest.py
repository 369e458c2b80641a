"""Fixtures that render the media-server chart with real Helm (tests/helmrender.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import helm_python
import pytest

from tests.helmrender import Render, loaded, renderer

CHART = Path(__file__).resolve().parents[2] / "chart"
RELEASE = "media-server"
NAMESPACE = "media-server"

__all__ = ["CHART", "NAMESPACE", "RELEASE", "SITE", "Render", "deep_merge", "with_site"]

# The one value a site must set: the VPN endpoint the NetworkPolicy lets WireGuard reach
# (the design's Infisical vpn/PROTONVPN_SERVER). Every render below starts from it.
SITE: dict[str, Any] = {"qbittorrent": {"vpn": {"networkPolicy": {"endpointCIDRs": ["45.128.134.194/32"]}}}}


def deep_merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """`over` deep-merged over `base` (maps merge, anything else in `over` wins), as Helm merges values."""
    merged = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def with_site(values: dict[str, Any]) -> dict[str, Any]:
    """`values` deep-merged over SITE (values win)."""
    return deep_merge(SITE, values)


@pytest.fixture(scope="session")
def chart() -> Iterator[helm_python.Chart]:
    with loaded(CHART) as chart:
        yield chart


@pytest.fixture(scope="session")
def render(chart: helm_python.Chart) -> Render:
    """Render values over SITE into a list of manifests (NOTES.txt excluded), cached per value set."""
    return renderer(chart, release=RELEASE, namespace=NAMESPACE, prepare=with_site)
