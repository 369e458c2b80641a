"""The Sonarr/Radarr/Prowlarr download client (`/api/v3/downloadclient`, Prowlarr's
`/api/v1/downloadclient`), e.g. qBittorrent: config `download_clients:`, one provider entry each
(see `syncd.kinds.provider`). The fields come from the server's `/schema`, so Prowlarr's own
qBittorrent `category` (where Sonarr has `tvCategory`) needs nothing special.

`target: qbittorrent.main` fills host, port, TLS and URL base from that instance's `peer_url`
(else its `base_url`) and, when it has them, its username and password.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from syncd.kinds.base import Context, Peer
from syncd.kinds.provider import ServarrProvider, url_fields


def qbittorrent_fields(peer: Peer) -> dict[str, Any]:
    """What a qBittorrent download client (in Sonarr, Radarr or Prowlarr) takes from the instance."""
    fields = url_fields(peer.url)
    if peer.username is not None:
        fields["username"] = peer.username
    if peer.secret is not None:
        fields["password"] = peer.secret
    return fields


class DownloadClient(ServarrProvider):
    name: ClassVar[str] = "download_client"
    services: ClassVar[frozenset[str]] = frozenset({"sonarr", "radarr", "prowlarr"})
    section: ClassVar[str] = "download_clients"
    endpoint: ClassVar[str] = "downloadclient"
    targets: ClassVar[frozenset[str]] = frozenset({"qbittorrent"})

    def fields_from_peer(self, peer: Peer, context: Context) -> Mapping[str, Any]:
        return qbittorrent_fields(peer)
