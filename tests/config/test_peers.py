"""`peer_url`: how the other services reach an instance, and the peers app.py builds from it."""

from __future__ import annotations

import pytest

from syncd import app
from syncd.config.load import load_config
from syncd.errors import ConfigError

from .helpers import Write

STACK = """
    syncd: 1
    sonarr:
      main:
        base_url: http://localhost:8989
        api_key: sonarr-key-0123
        peer_url: http://sonarr:8989/
    radarr:
      main:
        base_url: http://localhost:7878
        api_key: radarr-key-0123
    qbittorrent:
      main:
        base_url: http://localhost:8080
        peer_url: http://qbittorrent:8080
        username: admin
        password: qbt-pass-0123
"""


def test_peers_are_every_instance_at_its_peer_url_else_its_base_url(write: Write) -> None:
    peers = app.peers(load_config(write("syncd.yml", STACK), env={}))
    assert {a: (p.service, p.url, p.username, p.secret) for a, p in peers.items()} == {
        "sonarr.main": ("sonarr", "http://sonarr:8989", None, "sonarr-key-0123"),
        "radarr.main": ("radarr", "http://localhost:7878", None, "radarr-key-0123"),
        "qbittorrent.main": ("qbittorrent", "http://qbittorrent:8080", "admin", "qbt-pass-0123"),
    }
    assert "qbt-pass-0123" not in repr(peers)


def test_a_peer_url_that_is_no_url_is_an_error_at_its_line(write: Write) -> None:
    path = write("syncd.yml", STACK.replace("http://qbittorrent:8080", "qbittorrent:8080"))
    with pytest.raises(ConfigError, match=r"syncd\.yml:14: peer_url must be an http\(s\) URL"):
        load_config(path, env={})
