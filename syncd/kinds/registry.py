"""The registry: every resource kind syncd manages, in one explicit tuple (no plugin loading).

Adding a kind is one module in this package plus one line here. The order is the tie-break
when `depends_on` leaves two kinds free (see `syncd.plan.ordering`).
"""

from __future__ import annotations

from collections.abc import Mapping

from syncd.kinds.application import Application
from syncd.kinds.base import Kind
from syncd.kinds.connection import Connection
from syncd.kinds.custom_format import CustomFormatKind
from syncd.kinds.delay_profile import DelayProfile
from syncd.kinds.download_client import DownloadClient
from syncd.kinds.download_client_config import DownloadClientConfig
from syncd.kinds.indexer_proxy import IndexerProxy
from syncd.kinds.library import Library
from syncd.kinds.media_management import MediaManagement
from syncd.kinds.naming import MediaNaming
from syncd.kinds.qbittorrent_categories import QbittorrentCategory
from syncd.kinds.qbittorrent_preferences import QbittorrentPreferences
from syncd.kinds.quality_definition import QualityDefinition
from syncd.kinds.quality_profile import RadarrQualityProfile, SonarrQualityProfile
from syncd.kinds.remote_path_mapping import RemotePathMapping
from syncd.kinds.root_folder import RootFolder
from syncd.kinds.tag import Tag

KINDS: tuple[Kind, ...] = (
    CustomFormatKind(),
    QualityDefinition(),
    MediaNaming(),
    MediaManagement(),
    SonarrQualityProfile(),
    RadarrQualityProfile(),
    Tag(),
    RootFolder(),
    DownloadClient(),
    DownloadClientConfig(),
    RemotePathMapping(),
    DelayProfile(),
    Connection(),
    IndexerProxy(),
    Application(),
    Library(),
    QbittorrentPreferences(),
    QbittorrentCategory(),
)

BY_NAME: Mapping[str, Kind] = {kind.name: kind for kind in KINDS}


def for_service(service: str) -> tuple[Kind, ...]:
    return tuple(kind for kind in KINDS if service in kind.services)
