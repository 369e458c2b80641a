"""The parsed catalog is kept on disk by revision: an unchanged guide is not parsed again."""

from __future__ import annotations

import shutil
from pathlib import Path

from syncd.guides.catalog import load_cached, load_catalogs

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
