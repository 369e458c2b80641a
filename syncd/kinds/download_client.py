"""The Sonarr/Radarr download client (`/api/v3/downloadclient`), e.g. qBittorrent: config
`download_clients:`, one provider entry each (see `syncd.kinds.provider`)."""

from __future__ import annotations

from typing import ClassVar

from syncd.kinds.provider import ServarrProvider


class DownloadClient(ServarrProvider):
    name: ClassVar[str] = "download_client"
    services: ClassVar[frozenset[str]] = frozenset({"sonarr", "radarr"})
    section: ClassVar[str] = "download_clients"
    endpoint: ClassVar[str] = "downloadclient"
