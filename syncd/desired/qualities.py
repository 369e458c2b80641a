"""The fixed quality tables of Sonarr v4 and Radarr v5, and their size limits.

Transcribed from the servers' `Quality.All` (Sonarr v4.0.19, Radarr v5.28) so config can be
validated offline: a quality name that is not in its service's table cannot exist on the
server. `SIZE_LIMITS` are the upper size bounds (MB/min) of current servers, as Recyclarr
uses them: a max at or above `max_limit`, or a preferred at or above `preferred_limit`, is
sent as unlimited.
"""

from __future__ import annotations

from dataclasses import dataclass

from syncd.config.model import Service

SONARR_QUALITIES: tuple[str, ...] = (
    "Unknown",
    "SDTV",
    "DVD",
    "WEBRip-480p",
    "WEBDL-480p",
    "Bluray-480p",
    "Bluray-576p",
    "HDTV-720p",
    "WEBRip-720p",
    "WEBDL-720p",
    "Bluray-720p",
    "Bluray-1080p",
    "HDTV-1080p",
    "WEBRip-1080p",
    "WEBDL-1080p",
    "Raw-HD",
    "HDTV-2160p",
    "WEBRip-2160p",
    "WEBDL-2160p",
    "Bluray-2160p",
    "Bluray-1080p Remux",
    "Bluray-2160p Remux",
)

RADARR_QUALITIES: tuple[str, ...] = (
    "Unknown",
    "WORKPRINT",
    "CAM",
    "TELESYNC",
    "TELECINE",
    "DVDSCR",
    "REGIONAL",
    "SDTV",
    "DVD",
    "DVD-R",
    "HDTV-720p",
    "HDTV-1080p",
    "HDTV-2160p",
    "WEBDL-480p",
    "WEBDL-720p",
    "WEBDL-1080p",
    "WEBDL-2160p",
    "WEBRip-480p",
    "WEBRip-720p",
    "WEBRip-1080p",
    "WEBRip-2160p",
    "Bluray-480p",
    "Bluray-576p",
    "Bluray-720p",
    "Bluray-1080p",
    "Bluray-2160p",
    "Remux-1080p",
    "Remux-2160p",
    "BR-DISK",
    "Raw-HD",
)


@dataclass(frozen=True)
class SizeLimits:
    """Upper bounds of a quality definition; values at or above them mean unlimited."""

    max_limit: float
    preferred_limit: float


# Sonarr >= 4.0.8.2158 and Radarr >= 5.9.0.9049 (older servers used 400/395 and 400/399).
SIZE_LIMITS: dict[Service, SizeLimits] = {
    "sonarr": SizeLimits(max_limit=1000.0, preferred_limit=995.0),
    "radarr": SizeLimits(max_limit=2000.0, preferred_limit=1999.0),
}


def quality_names(service: Service) -> tuple[str, ...]:
    """Every quality name the service knows, in the server's `Quality.All` order."""
    return SONARR_QUALITIES if service == "sonarr" else RADARR_QUALITIES
