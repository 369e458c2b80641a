"""The simulated Sonarr's qBittorrent connection test, run against Debian's real
qbittorrent-nox: the fake's client side speaks real qBittorrent (API detection, login, the
category it creates, the torrent listing), and a wrong password is the real server's
"Fails." turned into Sonarr's "Authentication Failure"."""

from __future__ import annotations

import copy
from typing import Any

import httpx

from syncd.simulator import SimulatedServarr
from tests.fakes.openapi import OpenApiValidator
from tests.qbittorrent_real.conftest import PASSWORD
from tests.qbittorrent_real.harness import RealQbittorrent

KEY = "sonarr-key"


def client_resource(http: httpx.Client, qbt: RealQbittorrent, password: str) -> dict[str, Any]:
    schema = http.get("/api/v3/downloadclient/schema").json()
    resource = copy.deepcopy(next(t for t in schema if t["implementation"] == "QBittorrent"))
    resource.update(name="qBittorrent", enable=True)
    values = {
        "host": "127.0.0.1",
        "port": qbt.port,
        "username": "admin",
        "password": password,
        "tvCategory": "tv",
    }
    for item in resource["fields"]:
        if item["name"] in values:
            item["value"] = values[item["name"]]
    return dict(resource)


def test_the_simulated_sonarr_tests_a_real_qbittorrent(real_qbittorrent: RealQbittorrent) -> None:
    with (
        SimulatedServarr("sonarr", api_key=KEY, request_validator=OpenApiValidator("sonarr")) as sonarr,
        httpx.Client(base_url=sonarr.url, headers={"X-Api-Key": KEY}, timeout=20) as http,
    ):
        refused = http.post("/api/v3/downloadclient", json=client_resource(http, real_qbittorrent, "wrong"))
        assert refused.status_code == 400
        assert [(f["propertyName"], f["errorMessage"]) for f in refused.json()] == [
            ("Username", "Authentication Failure")
        ]
        created = http.post("/api/v3/downloadclient", json=client_resource(http, real_qbittorrent, PASSWORD))
        assert created.status_code == 201, created.text
    with real_qbittorrent.session() as webui:
        assert webui.get("/api/v2/torrents/categories").json() == {"tv": {"name": "tv", "savePath": ""}}
    [failure] = real_qbittorrent.await_failed_logins(1)
    assert "attempt count: 1," in failure
