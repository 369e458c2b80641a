"""The guide checkout's edges (issue 9): few git processes when nothing changed, only what syncd
reads transferred, and a cached copy that survives a bad URL.

git processes are counted with a `git` wrapper first on PATH, as a user's shell would run it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from syncd.guides.repo import TEMPLATE_PATHS, TRASH_PATHS, sync_repo
from tests.gitrepos import commit_change, git, make_git_repo

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "fixtures"


@pytest.fixture
def git_calls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A log file that gets one line per git process syncd starts."""
    real = shutil.which("git")
    assert real is not None
    shim_dir = tmp_path / "shim"
    shim_dir.mkdir()
    log = tmp_path / "git-calls.log"
    (shim_dir / "git").write_text(f'#!/bin/sh\necho "$*" >> "{log}"\nexec "{real}" "$@"\n')
    (shim_dir / "git").chmod(0o755)
    monkeypatch.setenv("PATH", f"{shim_dir}{os.pathsep}{os.environ['PATH']}")
    return log


def calls(log: Path) -> list[str]:
    lines = log.read_text().splitlines() if log.exists() else []
    log.write_text("")
    return lines


@pytest.fixture
def origin(tmp_path: Path) -> tuple[Path, str]:
    repo = tmp_path / "origin"
    return repo, make_git_repo(SHARED / "trash-guides", repo)


def test_an_unchanged_upstream_costs_at_most_two_git_processes(
    origin: tuple[Path, str], tmp_path: Path, git_calls: Path
) -> None:
    repo, url = origin
    dest = tmp_path / "trash"
    first = sync_repo(url=url, ref="master", dest=dest, paths=TRASH_PATHS)
    calls(git_calls)

    again = sync_repo(url=url, ref="master", dest=dest, paths=TRASH_PATHS)

    assert again.revision == first.revision
    assert again.fetched is True
    assert len(calls(git_calls)) <= 2
    changed = commit_change(repo, "docs/json/sonarr/cf/new.json", '{"trash_id": "n", "name": "N"}')
    assert sync_repo(url=url, ref="master", dest=dest, paths=TRASH_PATHS).revision == changed
    assert (dest / "docs/json/sonarr/cf/new.json").is_file()


def test_a_pinned_commit_already_checked_out_costs_no_git_process(
    origin: tuple[Path, str], tmp_path: Path, git_calls: Path
) -> None:
    repo, url = origin
    pinned = git(repo, "rev-parse", "HEAD")
    dest = tmp_path / "trash"
    sync_repo(url=url, ref=pinned, dest=dest, paths=TRASH_PATHS)
    calls(git_calls)

    assert sync_repo(url=url, ref=pinned, dest=dest, paths=TRASH_PATHS).revision == pinned
    assert calls(git_calls) == []


def test_a_cold_fetch_checks_out_and_transfers_only_what_syncd_reads(
    origin: tuple[Path, str], tmp_path: Path
) -> None:
    _repo, url = origin
    dest = tmp_path / "trash"

    sync_repo(url=url, ref="master", dest=dest, paths=TRASH_PATHS)

    top = sorted(p.name for p in dest.iterdir())
    assert top == [".git", "docs", "metadata.json"]
    assert sorted(p.name for p in (dest / "docs").iterdir()) == ["json"]
    # Partial clone: blobs outside the sparse paths were never downloaded.
    missing = subprocess.run(
        ["git", "rev-list", "--objects", "--missing=print", "HEAD"],
        cwd=dest,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert any(line.startswith("?") for line in missing.splitlines()), "every blob was downloaded"


def test_the_templates_repo_is_sparse_too(tmp_path: Path) -> None:
    url = make_git_repo(SHARED / "recyclarr-templates", tmp_path / "templates-origin")
    dest = tmp_path / "templates"

    sync_repo(url=url, ref="master", dest=dest, paths=TEMPLATE_PATHS)

    assert sorted(p.name for p in dest.iterdir()) == [
        ".git",
        "includes.json",
        "radarr",
        "sonarr",
        "templates.json",
    ]


def test_a_bad_new_url_keeps_the_cached_copy_until_a_fetch_succeeds(
    origin: tuple[Path, str], tmp_path: Path
) -> None:
    _repo, url = origin
    dest = tmp_path / "trash"
    first = sync_repo(url=url, ref="master", dest=dest, paths=TRASH_PATHS)
    typo = url + "-typo"

    fallback = sync_repo(url=typo, ref="master", dest=dest, paths=TRASH_PATHS)

    assert fallback.fetched is False
    assert fallback.revision == first.revision
    assert fallback.warning is not None
    assert "using the cached copy of" in fallback.warning
    assert (dest / "metadata.json").is_file()
    assert not dest.with_name("trash.new").exists()
    other_url = make_git_repo(SHARED / "trash-guides", tmp_path / "mirror")
    moved = sync_repo(url=other_url, ref="master", dest=dest, paths=TRASH_PATHS)
    assert moved.fetched is True
    assert (dest / "metadata.json").is_file()
