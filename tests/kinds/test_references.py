"""A provider entry's `target:`: the peer's URL and credentials become fields, the entry's own
fields win, and a target the kind cannot take is a diagnostic at the entry's line."""

from __future__ import annotations

from typing import Any, ClassVar

from syncd.config.model import Origin, ResourceEntry
from syncd.kinds.base import Context, Peer
from syncd.kinds.connection import Connection
from syncd.kinds.download_client import DownloadClient
from syncd.kinds.provider import ServarrProvider

PEERS = {
    "qbittorrent.main": Peer("qbittorrent.main", "qbittorrent", "https://qbt.lan:8443/qbt/", "admin", "pw-1"),
    "qbittorrent.open": Peer("qbittorrent.open", "qbittorrent", "http://qbittorrent"),
    "radarr.main": Peer("radarr.main", "radarr", "http://radarr:7878", secret="radarr-key"),
}
CONTEXT = Context("sonarr.main", "sonarr", "http://sonarr:8989", PEERS)
AT = Origin(file="syncd.yml", line=12)


def entry(**value: Any) -> tuple[ResourceEntry, ...]:
    return (
        ResourceEntry(value={"name": "qBittorrent", "implementation": "QBittorrent", **value}, origin=AT),
    )


def test_a_target_gives_host_port_tls_url_base_and_credentials() -> None:
    (wanted,) = DownloadClient().wanted(entry(target="qbittorrent.main"), CONTEXT).objects
    assert wanted.value["fields"] == {
        "host": "qbt.lan",
        "port": 8443,
        "useSsl": True,
        "urlBase": "/qbt",
        "username": "admin",
        "password": "pw-1",
    }


def test_a_target_without_credentials_or_port_leaves_the_login_alone_and_takes_the_scheme_port() -> None:
    (wanted,) = DownloadClient().wanted(entry(target="qbittorrent.open"), CONTEXT).objects
    assert wanted.value["fields"] == {"host": "qbittorrent", "port": 80, "useSsl": False, "urlBase": ""}


def test_the_entry_fields_win_over_the_target() -> None:
    wants = DownloadClient().wanted(
        entry(target="qbittorrent.main", fields={"host": "10.0.0.5", "tvCategory": "tv"}), CONTEXT
    )
    (wanted,) = wants.objects
    assert wanted.value["fields"]["host"] == "10.0.0.5"
    assert wanted.value["fields"]["tvCategory"] == "tv"
    assert wanted.value["fields"]["port"] == 8443


def test_an_unknown_target_or_one_of_another_service_is_a_diagnostic_at_the_entry() -> None:
    unknown = DownloadClient().wanted(entry(target="qbittorrent.nas"), CONTEXT)
    assert unknown.objects == ()
    assert [str(d) for d in unknown.diagnostics] == [
        "syncd.yml:12: error: download_clients: target 'qbittorrent.nas' is no instance of this config "
        "(known: qbittorrent.main, qbittorrent.open)"
    ]
    other = DownloadClient().wanted(entry(target="radarr.main"), CONTEXT)
    assert other.objects == ()
    assert other.diagnostics[0].message == (
        "download_clients: a download_client targets a qbittorrent instance; radarr.main is radarr"
    )


class Untargeted(ServarrProvider):
    name: ClassVar[str] = "untargeted"
    services: ClassVar[frozenset[str]] = frozenset({"sonarr"})
    section: ClassVar[str] = "untargeted"
    endpoint: ClassVar[str] = "untargeted"


def test_a_kind_that_takes_no_target_says_so() -> None:
    wants = Untargeted().wanted(entry(target="qbittorrent.main"), CONTEXT)
    assert wants.objects == ()
    assert wants.diagnostics[0].message == "untargeted: untargeted takes no target (write its fields out)"


def test_a_plex_connection_takes_host_and_token_from_its_target() -> None:
    peers = {"plex.main": Peer("plex.main", "plex", "http://plex:32400", secret="plex-token")}
    entry = ResourceEntry(
        value={"name": "Plex", "implementation": "PlexServer", "target": "plex.main"}, origin=AT
    )
    (wanted,) = Connection().wanted((entry,), Context("sonarr.main", "sonarr", peers=peers)).objects
    assert wanted.value["fields"] == {
        "host": "plex",
        "port": 32400,
        "useSsl": False,
        "urlBase": "",
        "authToken": "plex-token",
    }
