"""Suite-wide fixtures: structlog reset, the TRaSH Guides as a local git repository, and
simulated Sonarr/Radarr servers that check every request body against the OpenAPI specs."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import structlog

from syncd.simulator import SimulatedServarr
from tests.fakes.openapi import OpenApiValidator
from tests.gitrepos import make_git_repo
from tests.shared import RADARR_KEY, SHARED, SONARR_KEY


@pytest.fixture(autouse=True)
def _fresh_structlog() -> Iterator[None]:
    """The CLI configures structlog globally; give every test the defaults back."""
    yield
    structlog.reset_defaults()


@pytest.fixture(scope="session")
def guides_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return make_git_repo(SHARED / "trash-guides", tmp_path_factory.mktemp("guides") / "trash-guides")


@pytest.fixture
def sonarr() -> Iterator[SimulatedServarr]:
    with SimulatedServarr(
        "sonarr", api_key=SONARR_KEY, request_validator=OpenApiValidator("sonarr")
    ) as server:
        yield server


@pytest.fixture
def radarr() -> Iterator[SimulatedServarr]:
    with SimulatedServarr(
        "radarr", api_key=RADARR_KEY, request_validator=OpenApiValidator("radarr")
    ) as server:
        yield server
