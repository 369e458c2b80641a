from __future__ import annotations

import json

from syncd.config.model import Service
from syncd.desired.qualities import SIZE_LIMITS, quality_names
from syncd.guides.model import GuideSet

from .conftest import SHARED


def _reference_names(service: str) -> tuple[str, ...]:
    data = json.loads((SHARED / "fixtures" / "servarr" / "reference.json").read_text())
    return tuple(row[1] for row in data[f"{service}_qualities"]["rows"])


def test_sonarr_table_matches_the_server_reference() -> None:
    assert quality_names("sonarr") == _reference_names("sonarr")


def test_radarr_table_matches_the_server_reference() -> None:
    assert quality_names("radarr") == _reference_names("radarr")


def test_every_guide_quality_size_sits_at_or_below_its_service_limit(guides: GuideSet) -> None:
    services: tuple[Service, ...] = ("sonarr", "radarr")
    for service in services:
        limit = SIZE_LIMITS[service].max_limit
        for definition in guides.for_service(service).quality_definitions.values():
            assert all(q.max <= limit for q in definition.qualities)
            assert all(q.quality in quality_names(service) for q in definition.qualities)
