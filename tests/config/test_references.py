"""References between instances (`target:`): unknown, self and circular ones are config errors
naming file:line, found when the config loads (before any request); the edges order the apply."""

from __future__ import annotations

import pytest

from syncd.config import references
from syncd.config.load import load_config
from syncd.errors import ConfigError

from .helpers import Write

CONFIG = """
    syncd: 1
    sonarr:
      main:
        base_url: http://localhost:8989
        api_key: sonarr-key-0123
        download_clients:
          - name: qBittorrent
            implementation: QBittorrent
            target: {sonarr_target}
    radarr:
      main:
        base_url: http://localhost:7878
        api_key: radarr-key-0123
        download_clients:
          - name: qBittorrent
            implementation: QBittorrent
            target: {radarr_target}
    qbittorrent:
      main:
        base_url: http://localhost:8080
"""


def test_the_edges_are_each_referrer_and_what_it_targets(write: Write) -> None:
    loaded = load_config(
        write("syncd.yml", CONFIG.format(sonarr_target="qbittorrent.main", radarr_target="qbittorrent.main")),
        env={},
    )
    assert references.edges(loaded) == {
        "sonarr.main": frozenset({"qbittorrent.main"}),
        "radarr.main": frozenset({"qbittorrent.main"}),
    }


def test_an_unknown_target_is_an_error_at_its_line_naming_the_known_instances(write: Write) -> None:
    path = write(
        "syncd.yml", CONFIG.format(sonarr_target="qbittorrent.nas", radarr_target="qbittorrent.main")
    )
    with pytest.raises(ConfigError) as raised:
        load_config(path, env={})
    assert str(raised.value) == (
        f"{path}:7: download_clients: target 'qbittorrent.nas' is no instance "
        "of this config (known: radarr.main, qbittorrent.main)"
    )


def test_an_instance_targeting_itself_is_an_error(write: Write) -> None:
    path = write("syncd.yml", CONFIG.format(sonarr_target="sonarr.main", radarr_target="qbittorrent.main"))
    with pytest.raises(
        ConfigError, match=r"syncd\.yml:7: download_clients: target 'sonarr\.main' is this instance itself"
    ):
        load_config(path, env={})


def test_a_circle_of_references_is_an_error_naming_every_line(write: Write) -> None:
    path = write("syncd.yml", CONFIG.format(sonarr_target="radarr.main", radarr_target="sonarr.main"))
    with pytest.raises(ConfigError) as raised:
        load_config(path, env={})
    (message,) = str(raised.value).splitlines()
    assert "circular reference radarr.main -> sonarr.main -> radarr.main" in message
    assert f"{path}:15 (radarr.main targets sonarr.main)" in message
    assert f"{path}:7 (sonarr.main targets radarr.main)" in message
