"""The syncd config of one qBittorrent instance, as the qBittorrent tests write it: shared by
the tests against the simulated qBittorrent (tests/e2e) and the real one
(tests/qbittorrent_real), so both sync the same config. The password is read from
`$QBT_PASSWORD`; block style, so a test can find (and edit) a key's line."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest

# Bind to the VPN interface and stop seeding at ratio 2 (the ratio needs its `_enabled` twin).
PREFERENCES: Mapping[str, Any] = {
    "current_network_interface": "wg0",
    "max_ratio_enabled": True,
    "max_ratio": 2,
}

WriteConfig = Callable[..., Path]


def qbittorrent_yaml(
    url: str,
    *,
    preferences: Mapping[str, Any] = PREFERENCES,
    categories: Mapping[str, str] | None = None,
    delete: Mapping[str, Any] | None = None,
    extra: str = "",
) -> str:
    """`qbittorrent.main` at `url` logging in as admin; `extra` is appended at the top level."""
    lines = ["syncd: 1", "qbittorrent:", "  main:", f"    base_url: {url}", "    username: admin"]
    lines.append("    password: !env QBT_PASSWORD")
    for section, values in (("preferences", preferences), ("categories", categories), ("delete", delete)):
        if values:
            lines.append(f"    {section}:")
            lines.extend(f"      {key}: {json.dumps(value)}" for key, value in values.items())
    return "\n".join(lines) + "\n" + extra


@pytest.fixture
def qbittorrent_config(tmp_path: Path) -> WriteConfig:
    """Writes `qbittorrent_yaml(...)` to `syncd.yml` in the test's folder; returns its path."""

    def write(url: str, **options: Any) -> Path:
        path = tmp_path / "syncd.yml"
        path.write_text(qbittorrent_yaml(url, **options), encoding="utf-8")
        return path

    return write
