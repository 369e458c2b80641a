"""Shared fixtures: the real TRaSH guide fixture as catalogs, and an instance builder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from syncd.config.model import InstanceConfig, Origin, Service
from syncd.guides.catalog import load_catalogs
from syncd.guides.model import GuideCatalog, GuideSet

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
GUIDES = SHARED / "fixtures" / "trash-guides"
WEB_1080P = "72dae194fc92bf828f32cde7744e51a1"
CONFIG = "config.yml"


def at(line: int) -> Origin:
    return Origin(file=CONFIG, line=line)


def make_instance(service: Service = "sonarr", **fields: Any) -> InstanceConfig:
    return InstanceConfig(
        service=service, name="main", base_url="http://arr:8989", api_key=SecretStr("k"), **fields
    )


@pytest.fixture(scope="session")
def guides() -> GuideSet:
    return load_catalogs(GUIDES)


@pytest.fixture(scope="session")
def sonarr(guides: GuideSet) -> GuideCatalog:
    return guides.sonarr


@pytest.fixture(scope="session")
def radarr(guides: GuideSet) -> GuideCatalog:
    return guides.radarr
