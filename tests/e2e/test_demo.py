"""`syncd demo` (the README's first command) runs the whole loop against simulated servers,
wiring the whole stack as the chart does: qBittorrent categories, Plex libraries, Sonarr/Radarr
root folders, download clients and Plex connections, Prowlarr applications, proxies and
download client."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.conftest import run
from tests.shared import SHARED


def test_demo_plans_applies_and_converges(tmp_path: Path) -> None:
    result = run("demo", "--guides", str(SHARED / "trash-guides"), "--workdir", str(tmp_path))
    assert result.code == 0, result.out + result.err
    plan, rest = result.out.split("== syncd apply ==", 1)
    applied, again = rest.split("== syncd plan (again) ==", 1)
    assert '  + sonarr.demo.custom_format["BR-DISK"] (from group' in plan
    assert '~ current_network_interface = "" -> "protonwire0"' in plan
    for address in (
        'qbittorrent.demo.category["tv"]',
        'qbittorrent.demo.category["movies"]',
        'qbittorrent.demo.category["prowlarr"]',
        'sonarr.demo.root_folder["/data/library/tvshows"]',
        'sonarr.demo.download_client["qBittorrent"]',
        'sonarr.demo.connection["Plex"]',
        'radarr.demo.root_folder["/data/library/movies"]',
        'radarr.demo.download_client["qBittorrent"]',
        'radarr.demo.connection["Plex"]',
        'prowlarr.demo.indexer_proxy["Byparr"]',
        'prowlarr.demo.tag["flaresolverr"]',
        'prowlarr.demo.indexer_proxy["FlareSolverr"]',
        'prowlarr.demo.download_client["qBittorrent"]',
        'prowlarr.demo.application["Sonarr"]',
        'prowlarr.demo.application["Radarr"]',
        'plex.demo.library["Movies"]',
        'plex.demo.library["TV Shows"]',
    ):
        assert f"  + {address} (" in plan
    for instance in ("sonarr.demo", "radarr.demo", "qbittorrent.demo", "prowlarr.demo", "plex.demo"):
        assert f"{instance}: " in applied and "FAILED" not in applied
    assert "No changes." in again
    assert (tmp_path / "syncd.yml").exists()
