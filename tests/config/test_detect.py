"""Dialect detection: syncd by its top-level keys, Configarr by its own keys and shapes, else Recyclarr."""

from __future__ import annotations

from typing import Any

import pytest

from syncd.config.detect import detect_dialect
from syncd.config.model import Dialect


def inst(**keys: Any) -> dict[str, Any]:
    return {"sonarr": {"main": {"base_url": "http://s", "api_key": "k", **keys}}}


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        ({"syncd": 1}, Dialect.SYNCD),
        ({"guides": {}, "sonarr": {}}, Dialect.SYNCD),
        ({"state_dir": "/x"}, Dialect.SYNCD),
        ({"schedule": {"interval": "1h"}}, Dialect.SYNCD),
        ({"trashGuideUrl": "https://x"}, Dialect.CONFIGARR),
        ({"localConfigTemplatesPath": "/t", "sonarr": {}}, Dialect.CONFIGARR),
        ({"sonarrEnabled": False}, Dialect.CONFIGARR),
        ({"telemetry": True}, Dialect.CONFIGARR),
        (inst(enabled=True), Dialect.CONFIGARR),
        (inst(delete_unmanaged_custom_formats={"enabled": True}), Dialect.CONFIGARR),
        (inst(media_naming_api={"renameEpisodes": True}), Dialect.CONFIGARR),
        (inst(custom_format_groups=[{"trash_guide": [{"id": "x"}]}]), Dialect.CONFIGARR),
        (inst(include=[{"template": "x", "source": "TRASH"}]), Dialect.CONFIGARR),
        (inst(custom_formats=[{"trash_ids": ["a"], "quality_profiles": [{"name": "p"}]}]), Dialect.CONFIGARR),
        (
            inst(
                custom_formats=[
                    {"trash_ids": ["a"], "assign_scores_to": [{"name": "p", "use_default_score": True}]}
                ]
            ),
            Dialect.CONFIGARR,
        ),
        (inst(quality_profiles=[{"name": "p", "language": "Any"}]), Dialect.CONFIGARR),
        (inst(quality_profiles=[{"name": "p", "upgrade": {"min_format_score": 5}}]), Dialect.CONFIGARR),
        (inst(download_clients={"data": [], "remote_paths": []}), Dialect.CONFIGARR),
        (inst(delay_profiles={"default": {"usenetDelay": 0}}), Dialect.CONFIGARR),
        # Keys syncd shares with Configarr, in syncd's shapes, never read as Configarr.
        (inst(root_folders=["/tv"]), Dialect.SYNCD),
        (inst(download_clients=[{"name": "q", "implementation": "QBittorrent"}]), Dialect.SYNCD),
        (inst(delay_profiles=[{"default": True, "usenet_delay": 0}]), Dialect.SYNCD),
        (inst(tags=["anime"], root_folders=["/tv"]), Dialect.SYNCD),
        (inst(peer_url="http://sonarr:8989"), Dialect.SYNCD),
        (inst(renameQualityProfiles=[{"from": "a", "to": "b"}]), Dialect.CONFIGARR),
        (inst(custom_format_groups={"skip": [], "add": []}), Dialect.RECYCLARR),
        (inst(quality_profiles=[{"trash_id": "x", "min_upgrade_format_score": 5}]), Dialect.RECYCLARR),
        (inst(include=[{"template": "x"}], delete_old_custom_formats=True), Dialect.RECYCLARR),
        ({}, Dialect.RECYCLARR),
    ],
)
def test_detects_dialect_from_keys_and_shapes(document: dict[str, Any], expected: Dialect) -> None:
    assert detect_dialect(document) is expected


def test_explicit_dialect_wins_over_detection() -> None:
    assert detect_dialect({"trashGuideUrl": "x"}, override=Dialect.RECYCLARR) is Dialect.RECYCLARR


def test_a_syncd_file_with_every_shared_key_reads_as_syncd_even_without_its_version_key() -> None:
    document = inst(
        root_folders=["/tv"],
        download_clients=[{"name": "q", "implementation": "QBittorrent", "target": "qbittorrent.main"}],
        delay_profiles=[{"default": True}],
        remote_path_mappings=[{"host": "q", "remote_path": "/d", "local_path": "/data/d"}],
        download_client_config={"enableCompletedDownloadHandling": True},
        custom_formats=[{"trash_ids": ["a"], "assign_scores_to": [{"name": "p"}]}],
    )
    assert detect_dialect(document) is Dialect.SYNCD


def test_syncd_keys_win_over_configarr_keys() -> None:
    assert detect_dialect({"syncd": 1, **inst(enabled=True)}) is Dialect.SYNCD
