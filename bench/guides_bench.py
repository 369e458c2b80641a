"""Guide load timings: cold (first clone + parse), warm (incremental fetch + parse), parse only.

Run with `.venv/bin/python bench/guides_bench.py`. Builds a local git repository from the shared
TRaSH fixture in a temporary folder and prints `guides.<metric>=<value>` lines.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

import structlog

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from syncd.guides.catalog import load_catalogs  # noqa: E402
from syncd.guides.repo import sync_repo  # noqa: E402
from tests.gitrepos import commit_change, make_git_repo  # noqa: E402

GUIDES = REPO_ROOT / ".." / "shared" / "fixtures" / "trash-guides"
PARSE_RUNS = 5


def _ms(start: float) -> float:
    return (time.perf_counter() - start) * 1000


def main() -> None:
    structlog.configure(logger_factory=structlog.ReturnLoggerFactory())
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
