"""The Plex connection's `target: plex.main`: host, port, TLS and URL base from the Plex
instance's peer URL and the token from its secret; the entry's own fields win; a Plex without a
token skips the connection with a warning at the entry's line."""

from __future__ import annotations

from typing import Any

from syncd.config.model import Origin, ResourceEntry
from syncd.kinds.base import Context, Peer
from syncd.kinds.connection import Connection

TOKEN = "plex-t0ken-from-peer"
PEERS = {
    "plex.main": Peer("plex.main", "plex", "http://plex:32400", secret=TOKEN),
    "plex.tls": Peer("plex.tls", "plex", "https://plex.lan/plex/"),
    "qbittorrent.main": Peer("qbittorrent.main", "qbittorrent", "http://qbittorrent:8080"),
}
CONTEXT = Context("sonarr.main", "sonarr", "http://sonarr:8989", PEERS)
AT = Origin(file="syncd.yml", line=7)


def entry(**value: Any) -> tuple[ResourceEntry, ...]:
    settings = {"onDownload": True}
    return (
        ResourceEntry(
            value={"name": "Plex", "implementation": "PlexServer", "settings": settings, **value}, origin=AT
        ),
    )


def test_a_plex_target_gives_host_port_tls_url_base_and_the_token() -> None:
    (wanted,) = (
        Connection().wanted(entry(target="plex.main", fields={"updateLibrary": True}), CONTEXT).objects
    )
    assert wanted.value["fields"] == {
        "host": "plex",
        "port": 32400,
        "useSsl": False,
        "urlBase": "",
        "authToken": TOKEN,
        "updateLibrary": True,
    }
    assert "enable" not in wanted.value and wanted.value["onDownload"] is True


def test_the_entry_fields_win_over_the_plex_target() -> None:
    (wanted,) = Connection().wanted(entry(target="plex.main", fields={"host": "10.0.0.9"}), CONTEXT).objects
    assert (wanted.value["fields"]["host"], wanted.value["fields"]["port"]) == ("10.0.0.9", 32400)


def test_a_plex_without_a_token_skips_the_connection_with_a_warning() -> None:
    wants = Connection().wanted(entry(target="plex.tls"), CONTEXT)
    assert wants.objects == ()
    (warning,) = wants.diagnostics
    assert (warning.location, warning.severity) == ("syncd.yml:7", "warning")
    assert "plex.tls has no token" in warning.message


def test_a_connection_targets_only_plex() -> None:
    wants = Connection().wanted(entry(target="qbittorrent.main"), CONTEXT)
    assert wants.objects == ()
    assert "targets a plex instance" in wants.diagnostics[0].message


def test_a_token_in_the_entry_keeps_a_connection_to_a_plex_without_one() -> None:
    (wanted,) = Connection().wanted(entry(target="plex.tls", fields={"authToken": TOKEN}), CONTEXT).objects
    assert wanted.value["fields"]["authToken"] == TOKEN and wanted.value["fields"]["useSsl"] is True
