"""Guide load timings: cold (first clone + parse), warm (incremental fetch + parse), parse only;
and, with `--origin`, what a cold fetch of a real guide repository transfers.

Run with `.venv/bin/python bench/guides_bench.py`. Builds a local git repository from the shared
TRaSH fixture in a temporary folder and prints `guides.<metric>=<value>` lines.

`--origin URL` (a TRaSH Guides repository: the GitHub URL, or a local bare clone served as
`file://` with `uploadpack.allowFilter` set, as GitHub does) measures syncd's cold fetch of it
(shallow, `--filter=blob:none`, sparse `metadata.json` + `docs/json/`) next to the plain shallow
clone of the whole repository syncd made before: seconds, bytes of `.git` (what was
transferred, packed) and bytes checked out.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import structlog

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from syncd.guides.catalog import load_catalogs  # noqa: E402
from syncd.guides.repo import TRASH_PATHS, sync_repo  # noqa: E402
from tests.gitrepos import commit_change, make_git_repo  # noqa: E402

GUIDES = REPO_ROOT / ".." / "shared" / "fixtures" / "trash-guides"
PARSE_RUNS = 5


def _ms(start: float) -> float:
    return (time.perf_counter() - start) * 1000


def _bytes(path: Path) -> int:
    return sum(p.lstat().st_size for p in path.rglob("*") if p.is_file())


def cold_fetch(origin: str, ref: str) -> None:
    """syncd's sparse partial cold fetch of `origin` next to a whole shallow clone."""
    with tempfile.TemporaryDirectory(prefix="guides-fetch-bench-") as tmp:
        dest = Path(tmp) / "sparse"
        start = time.perf_counter()
        checkout = sync_repo(url=origin, ref=ref, dest=dest, paths=TRASH_PATHS)
        sparse_s = time.perf_counter() - start
        git_bytes = _bytes(dest / ".git")
        print(f"guides.fetch.sparse_s={sparse_s:.3f}")
        print(f"guides.fetch.sparse_git_bytes={git_bytes}")
        print(f"guides.fetch.sparse_checkout_bytes={_bytes(dest) - git_bytes}")
        print(f"guides.fetch.revision={checkout.revision}")
        whole = Path(tmp) / "whole"
        start = time.perf_counter()
        subprocess.run(
            ["git", "clone", "--quiet", "--depth", "1", "--branch", ref, origin, str(whole)], check=True
        )
        whole_s = time.perf_counter() - start
        whole_git = _bytes(whole / ".git")
        print(f"guides.fetch.shallow_clone_s={whole_s:.3f}")
        print(f"guides.fetch.shallow_clone_git_bytes={whole_git}")
        print(f"guides.fetch.shallow_clone_checkout_bytes={_bytes(whole) - whole_git}")
        shutil.rmtree(whole)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--origin", help="measure a cold fetch of this guide repository instead")
    parser.add_argument("--ref", default="master")
    options = parser.parse_args()
    structlog.configure(logger_factory=structlog.ReturnLoggerFactory())
    if options.origin:
        cold_fetch(options.origin, options.ref)
        return
    with tempfile.TemporaryDirectory(prefix="guides-bench-") as tmp:
        origin = Path(tmp) / "origin"
        url = make_git_repo(GUIDES, origin)
        dest = Path(tmp) / "checkout"

        start = time.perf_counter()
        checkout = sync_repo(url=url, ref="master", dest=dest)
        load_catalogs(checkout.path, revision=checkout.revision)
        cold = _ms(start)

        commit_change(
            origin, "docs/json/sonarr/cf/bench-extra.json", '{"trash_id": "bench", "name": "Bench"}'
        )
        start = time.perf_counter()
        checkout = sync_repo(url=url, ref="master", dest=dest)
        guides = load_catalogs(checkout.path, revision=checkout.revision)
        warm = _ms(start)

        parse_times = []
        for _ in range(PARSE_RUNS):
            start = time.perf_counter()
            load_catalogs(checkout.path, revision=checkout.revision)
            parse_times.append(_ms(start))

    files = sum(
        len(c.custom_formats) + len(c.cf_groups) + len(c.quality_profiles) + len(c.quality_definitions)
        for c in (guides.sonarr, guides.radarr)
    )
    print(f"guides.cold_ms={cold:.1f}")
    print(f"guides.warm_ms={warm:.1f}")
    print(f"guides.parse_ms={statistics.median(parse_times):.1f}")
    print(f"guides.parse_min_ms={min(parse_times):.1f}")
    print(f"guides.parsed_items={files}")


if __name__ == "__main__":
    main()
