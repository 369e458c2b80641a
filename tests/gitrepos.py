"""Test helper: turn a fixture folder into a local git repository served over file://.

Commits use a fixed author, committer and date so the same content always gives the same SHA.
The repositories allow fetching any commit by SHA (`uploadpack.allow*SHA1InWant`) and partial
clones (`uploadpack.allowFilter`), as GitHub does.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

_ENV = {
    "GIT_AUTHOR_NAME": "syncd tests",
    "GIT_AUTHOR_EMAIL": "tests@syncd.invalid",
    "GIT_AUTHOR_DATE": "2025-01-01T00:00:00+00:00",
    "GIT_COMMITTER_NAME": "syncd tests",
    "GIT_COMMITTER_EMAIL": "tests@syncd.invalid",
    "GIT_COMMITTER_DATE": "2025-01-01T00:00:00+00:00",
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_TERMINAL_PROMPT": "0",
}


def git(repo_dir: Path, *args: str) -> str:
    """Run git in `repo_dir` with the fixed identity; return its stripped stdout."""
    done = subprocess.run(
        ["git", "-c", "safe.directory=*", "-c", "commit.gpgsign=false", *args],
        cwd=repo_dir,
        env={**os.environ, **_ENV},
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout.strip()


def make_git_repo(src: Path, dest: Path) -> str:
    """Copy `src` into a new repository at `dest`, commit everything, return its file:// URL."""
    shutil.copytree(src, dest)
    git(dest, "init", "-q", "-b", "master")
    git(dest, "config", "uploadpack.allowReachableSHA1InWant", "true")
    git(dest, "config", "uploadpack.allowAnySHA1InWant", "true")
    git(dest, "config", "uploadpack.allowFilter", "true")
    git(dest, "add", "-A")
    git(dest, "commit", "-q", "-m", f"import {src.name}")
    return dest.resolve().as_uri()


def commit_change(repo_dir: Path, relpath: str, content: str) -> str:
    """Write `content` to `relpath` in `repo_dir`, commit it, return the new commit's SHA."""
    target = repo_dir / relpath
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(content, encoding="utf-8")
    git(repo_dir, "add", "-A")
    git(repo_dir, "commit", "-q", "-m", f"change {relpath}")
    return git(repo_dir, "rev-parse", "HEAD")
