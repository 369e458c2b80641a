"""A provider field name the server does not have is an error naming the config line at plan
time (from `/schema` for a create, the live provider for an update), so nothing is written."""

from __future__ import annotations

from typing import Any

from syncd.config.model import Origin, ResourceEntry
from syncd.domain.state import Ownership
from syncd.kinds.base import Context
from syncd.kinds.download_client import DownloadClient
from syncd.plan import engine

SCHEMA = [{"implementation": "QBittorrent", "fields": [{"name": "host"}, {"name": "port"}]}]


def planned(fields: dict[str, Any], live: list[dict[str, Any]]) -> engine.KindPlan:
    kind = DownloadClient()
    entry = ResourceEntry(
        value={"name": "qbt", "implementation": "QBittorrent", "fields": fields},
        origin=Origin(file="syncd.yml", line=7),
    )
    reads = {"downloadclient": live, "downloadclient/schema": SCHEMA, "tag": []}
    state = engine.KindState(
        kind=kind,
        wants=kind.wanted((entry,), Context("sonarr.main", "sonarr")),
        found=kind.found(reads),
        reads=reads,
    )
    return engine.plan_kinds([state], Ownership(), instance="sonarr.main")


def test_an_unknown_field_of_a_new_provider_is_an_error_at_its_line() -> None:
    result = planned({"host": "qbittorrent", "hots": "typo"}, [])
    assert result.changes == []
    assert [(d.location, d.severity) for d in result.diagnostics] == [("syncd.yml:7", "error")]
    assert "QBittorrent has no field(s) hots (known: host, port)" in result.diagnostics[0].message


def test_an_unknown_field_of_a_live_provider_is_an_error_and_known_ones_plan() -> None:
    live = [
        {"id": 3, "name": "qbt", "implementation": "QBittorrent", "fields": [{"name": "host", "value": "x"}]}
    ]
    assert "has no field(s) port" in planned({"port": 8080}, live).diagnostics[0].message
    (change,) = planned({"host": "qbittorrent"}, live).changes
    assert change.live_id == 3


def test_an_unknown_implementation_is_an_error_at_its_line() -> None:
    kind = DownloadClient()
    entry = ResourceEntry(
        value={"name": "q", "implementation": "Nope"}, origin=Origin(file="syncd.yml", line=9)
    )
    reads = {"downloadclient": [], "downloadclient/schema": SCHEMA, "tag": []}
    state = engine.KindState(
        kind=kind,
        wants=kind.wanted((entry,), Context("sonarr.main", "sonarr")),
        found=kind.found(reads),
        reads=reads,
    )
    (problem,) = engine.plan_kinds([state], Ownership(), instance="sonarr.main").diagnostics
    assert (problem.location, problem.message) == (
        "syncd.yml:9",
        "unknown implementation 'Nope' (the server has QBittorrent)",
    )
