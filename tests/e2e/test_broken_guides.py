"""Bad guide files (issue 9): one broken file skips only itself. A file no instance needs is a
warning; a file an instance needs is an error for that instance only, and the others (and
qBittorrent) go on."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from syncd.guides.catalog import load_catalogs
from syncd.simulator import SimulatedServarr
from syncd.simulator.qbittorrent import SimulatedQbittorrent
from tests.e2e.conftest import run, writes
from tests.gitrepos import make_git_repo
from tests.shared import SHARED

BR_DISK = "85c61753df5da1fb2aab6f2a47426b09"
SONARR = """\
sonarr:
  main:
    base_url: {url}
    api_key: !env SONARR_KEY
    include:
      - preset: sonarr-web-1080p
    custom_formats:
      - trash_ids: [{br_disk}]
"""
RADARR = """\
radarr:
  movies:
    base_url: {url}
    api_key: !env RADARR_KEY
    include:
      - preset: radarr-hd-bluray-web
"""


def broken_guides(tmp_path: Path, breakage: dict[str, str]) -> Path:
    """A copy of the TRaSH fixture with `breakage` (relative path -> new text) applied."""
    copy = tmp_path / "guides-src"
    shutil.copytree(SHARED / "trash-guides", copy)
    for relpath, text in breakage.items():
        (copy / relpath).write_text(text)
    return copy


def serve(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, breakage: dict[str, str]) -> None:
    url = make_git_repo(broken_guides(tmp_path, breakage), tmp_path / "guides-origin")
    monkeypatch.setenv("SYNCD_TRASH_GUIDES_URL", url)


def without_trash_id(relpath: str) -> str:
    data = json.loads((SHARED / "trash-guides" / relpath).read_text())
    del data["trash_id"]
    return json.dumps(data)


def test_the_catalog_skips_broken_files_and_says_which(tmp_path: Path) -> None:
    root = broken_guides(
        tmp_path,
        {
            "docs/json/radarr/cf/10-mono.json": "{ not json",
            "docs/json/sonarr/cf/10bit.json": without_trash_id("docs/json/sonarr/cf/10bit.json"),
            "docs/json/sonarr/cf/br-disk.json": json.dumps(
                {"trash_id": BR_DISK, "name": "BR-DISK", "specifications": "oops"}
            ),
        },
    )

    guides = load_catalogs(root, revision="r")

    broken = {bad.path: bad for bad in guides.broken}
    assert set(broken) == {
        "docs/json/radarr/cf/10-mono.json",
        "docs/json/sonarr/cf/10bit.json",
        "docs/json/sonarr/cf/br-disk.json",
    }
    assert "malformed JSON" in broken["docs/json/radarr/cf/10-mono.json"].error
    assert broken["docs/json/sonarr/cf/10bit.json"].trash_id is None
    assert "trash_id" in broken["docs/json/sonarr/cf/10bit.json"].error
    assert broken["docs/json/sonarr/cf/br-disk.json"].trash_id == BR_DISK
    assert BR_DISK not in guides.sonarr.custom_formats
    assert len(guides.sonarr.custom_formats) > 50
    assert len(guides.radarr.custom_formats) > 50


def test_a_broken_file_no_instance_needs_is_a_warning(
    env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sonarr: SimulatedServarr
) -> None:
    serve(tmp_path, monkeypatch, {"docs/json/radarr/cf/10-mono.json": "{ not json"})
    config = tmp_path / "syncd.yml"
    config.write_text("syncd: 1\n" + SONARR.format(url=sonarr.url, br_disk=BR_DISK))

    result = run("apply", "-c", str(config))

    assert result.code == 0, result.out + result.err
    assert "Warning: guides: docs/json/radarr/cf/10-mono.json: broken, skipped: malformed JSON" in result.out
    assert writes(sonarr)


def test_a_broken_file_an_instance_needs_fails_that_instance_only(
    env: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    sonarr: SimulatedServarr,
    radarr: SimulatedServarr,
) -> None:
    serve(
        tmp_path,
        monkeypatch,
        {
            "docs/json/sonarr/cf/br-disk.json": json.dumps(
                {"trash_id": BR_DISK, "name": "BR-DISK", "specifications": "oops"}
            )
        },
    )
    config = tmp_path / "syncd.yml"
    config.write_text(
        "syncd: 1\n" + SONARR.format(url=sonarr.url, br_disk=BR_DISK) + RADARR.format(url=radarr.url)
    )

    result = run("apply", "-c", str(config))

    assert result.code == 1
    text = result.out + result.err
    assert "guides:docs/json/sonarr/cf/br-disk.json: error: sonarr.main: needs this guide file" in text
    assert "radarr.movies" not in " ".join(line for line in text.splitlines() if "error" in line.lower())
    assert writes(sonarr) == []
    assert writes(radarr), "radarr does not need the broken file and is applied"


QBITTORRENT = """\
qbittorrent:
  main:
    base_url: {url}
    preferences:
      current_network_interface: wg0
"""


def test_a_broken_guide_file_never_stops_qbittorrent(
    env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sonarr: SimulatedServarr
) -> None:
    serve(tmp_path, monkeypatch, {"docs/json/sonarr/cf/br-disk.json": "{ not json"})
    config = tmp_path / "syncd.yml"
    with SimulatedQbittorrent() as qbt:
        config.write_text(
            "syncd: 1\n" + SONARR.format(url=sonarr.url, br_disk=BR_DISK) + QBITTORRENT.format(url=qbt.url)
        )
        result = run("apply", "-c", str(config))
        torrent_writes = qbt.writes()
    assert result.code == 1
    assert "guides:docs/json/sonarr/cf/br-disk.json: error: sonarr.main: needs this guide file" in (
        result.out + result.err
    )
    assert writes(sonarr) == []
    assert torrent_writes, "qBittorrent needs no guide and is applied"
