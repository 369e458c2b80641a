"""The parsed catalog is kept on disk by revision: an unchanged guide is not parsed again."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from syncd.guides import catalog
from syncd.guides.catalog import load_cached, load_catalogs
from syncd.guides.model import GuideCatalog

GUIDES = Path(__file__).resolve().parents[2] / ".." / "shared" / "fixtures" / "trash-guides"


def test_a_revision_parsed_once_is_read_from_the_cache(tmp_path: Path) -> None:
    checkout = tmp_path / "checkout"
    shutil.copytree(GUIDES, checkout)
    cache = tmp_path / "cache"
    first = load_cached(checkout, revision="r1", cache_dir=cache)
    assert first == load_catalogs(checkout, revision="r1")
    shutil.rmtree(checkout / "docs")  # a re-parse could no longer find a single custom format

    again = load_cached(checkout, revision="r1", cache_dir=cache)

    assert again == first
    assert again.sonarr.custom_formats


def test_another_revision_is_parsed_afresh(tmp_path: Path) -> None:
    checkout = tmp_path / "checkout"
    shutil.copytree(GUIDES, checkout)
    cache = tmp_path / "cache"
    load_cached(checkout, revision="r1", cache_dir=cache)
    (checkout / "docs" / "json" / "sonarr" / "cf").rename(tmp_path / "gone")

    fresh = load_cached(checkout, revision="r2", cache_dir=cache)

    assert fresh.revision == "r2"
    assert not fresh.sonarr.custom_formats


def test_an_unreadable_cache_file_is_parsed_again_and_only_a_few_revisions_are_kept(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    load_cached(GUIDES, revision="r1", cache_dir=cache)
    for stored in cache.glob("catalog-*.pickle"):
        stored.write_bytes(b"not a pickle")
    assert load_cached(GUIDES, revision="r1", cache_dir=cache).sonarr.custom_formats
    for revision in ("r2", "r3", "r4", "r5"):
        load_cached(GUIDES, revision=revision, cache_dir=cache)
    assert len(list(cache.glob("catalog-*.pickle"))) == 3


def test_a_cache_hit_unpickles_only_the_catalogs_asked_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    parsed = load_cached(GUIDES, revision="r1", cache_dir=cache)
    built: list[str] = []

    def unpickle(data: bytes) -> GuideCatalog:
        found = real(data)
        built.append(found.service)
        return found

    real = catalog._unpickle_catalog
    monkeypatch.setattr(catalog, "_unpickle_catalog", unpickle)

    cached = load_cached(GUIDES, revision="r1", cache_dir=cache)

    assert cached.broken == parsed.broken
    assert built == []
    assert cached.for_service("sonarr") == parsed.sonarr
    assert cached.for_service("sonarr") is cached.sonarr
    assert built == ["sonarr"]
