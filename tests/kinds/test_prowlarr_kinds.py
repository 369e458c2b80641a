"""Prowlarr's own kinds, pure: an application takes its target's URL and key and this
Prowlarr's URL, sends no `enable`, and a proxy without a tag is warned about."""

from __future__ import annotations

from syncd.config.model import Origin, ResourceEntry
from syncd.kinds.application import Application
from syncd.kinds.base import Context, Peer
from syncd.kinds.indexer_proxy import IndexerProxy

SONARR = Peer("sonarr.main", "sonarr", "http://sonarr:8989", secret="sonarr-key")
CONTEXT = Context("prowlarr.main", "prowlarr", "http://prowlarr:9696", {"sonarr.main": SONARR})


def entry(value: object, line: int = 7) -> ResourceEntry:
    return ResourceEntry(value=value, origin=Origin(file="syncd.yml", line=line))


def test_an_application_targeting_sonarr_gets_its_url_key_and_prowlarrs_url() -> None:
    wants = Application().wanted(
        (entry({"name": "Sonarr", "implementation": "Sonarr", "target": "sonarr.main"}),), CONTEXT
    )
    (app,) = wants.objects
    assert app.value["fields"] == {
        "apiKey": "sonarr-key",
        "baseUrl": "http://sonarr:8989",
        "prowlarrUrl": "http://prowlarr:9696",
    }
    assert "enable" not in app.value


def test_an_application_with_enable_is_an_error_naming_syncLevel() -> None:
    wants = Application().wanted(
        (entry({"name": "Sonarr", "implementation": "Sonarr", "enable": False}),), CONTEXT
    )
    assert wants.objects == ()
    (problem,) = wants.diagnostics
    assert problem.location == "syncd.yml:7" and "syncLevel: disabled" in problem.message


def test_a_proxy_without_a_tag_is_a_warning() -> None:
    wants = IndexerProxy().wanted(
        (entry({"name": "FlareSolverr", "implementation": "FlareSolverr"}),), CONTEXT
    )
    (problem,) = wants.diagnostics
    assert problem.severity == "warning" and "has no tag" in problem.message
    assert wants.objects
