"""Every sub-package of syncd is listed for packaging (pyproject lists them explicitly so the
top-level profiles/ folder can ship as `syncd_profiles`)."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_package_is_shipped() -> None:
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {
        ".".join(init.parent.relative_to(ROOT).parts) for init in (ROOT / "syncd").rglob("__init__.py")
    } | {"syncd_profiles"}
    assert listed == found
