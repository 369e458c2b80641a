"""Keeps a local git checkout of a guide repository (TRaSH Guides, Recyclarr templates) up to date.

Recyclarr's approach: the first run does `git init` plus a shallow `git fetch --depth 1 <url> <ref>`
and `git reset --hard FETCH_HEAD`; later runs fetch the same way and reset again. `ref` may be a
branch, a tag or a full commit SHA. A SHA is fetched directly; if the server refuses to serve it
shallowly, every branch and tag is fetched in full and the SHA is looked up locally.

Recovery rules:

* the checkout points at another URL, or its `.git` is larger than `max_bytes` → wipe and re-clone;
* the checkout is corrupt (git cannot read HEAD or reset) → wipe and try once more;
* the fetch fails but an earlier checkout exists → keep it, return `fetched=False` with a warning;
* the fetch fails and there is nothing to fall back on → `GuideError`.

Git runs non-interactively (no credential prompts, ssh in batch mode) and trusts the checkout
whoever owns it (`safe.directory=*`), so it works in containers with mounted volumes. URLs are
stripped of user:password before they reach a log line or an error message.
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import git
import structlog

from syncd.errors import GuideError

_log = structlog.get_logger()

_REMOTE = "origin"
_SHA_RE = re.compile(r"^(?:[0-9a-f]{40}|[0-9a-f]{64})$")
_CREDENTIALS_RE = re.compile(r"(?P<scheme>[a-zA-Z][a-zA-Z0-9+.-]*://)[^/@\s]*@")
_FETCH_TIMEOUT_S = 300
_GIT_ENV = {
    "GIT_TERMINAL_PROMPT": "0",
    "GIT_CONFIG_COUNT": "1",
    "GIT_CONFIG_KEY_0": "safe.directory",
    "GIT_CONFIG_VALUE_0": "*",
    "GIT_SSH_COMMAND": os.environ.get("GIT_SSH_COMMAND", "ssh -o BatchMode=yes"),
}


@dataclass(frozen=True)
class Checkout:
    """A usable checkout. `fetched` is False when the fetch failed and an older copy is used."""

    path: Path
    revision: str
    fetched: bool
    warning: str | None = None


class _CorruptCheckoutError(Exception):
    """The local repository cannot be read or reset; the caller wipes it and retries."""


class _FetchFailedError(Exception):
    """The remote could not provide `ref` (unreachable, unknown ref, refused)."""


def redact_url(url: str) -> str:
    """`url` without any user:password part (`https://user:tok@host/x` → `https://host/x`)."""
    parts = urlsplit(url)
    if parts.scheme and "@" in parts.netloc:
        return urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))
    return url


def sync_repo(*, url: str, ref: str, dest: Path, max_bytes: int = 100 * 1024 * 1024) -> Checkout:
    """Bring `dest` to `ref` of `url` and return what is checked out there."""
    if not ref or ref.startswith("-"):
        raise GuideError(f"invalid git ref {ref!r} for {redact_url(url)}")
    try:
        return _sync_once(url, ref, dest, max_bytes)
    except git.GitCommandNotFound as exc:
        raise GuideError(f"cannot run git to fetch {redact_url(url)}: {exc}") from exc
    except _CorruptCheckoutError as exc:
        _log.warning("guides.corrupt_checkout", path=str(dest), error=str(exc))
        _wipe(dest)
    try:
        return _sync_once(url, ref, dest, max_bytes)
    except _CorruptCheckoutError as exc:
        raise GuideError(f"cannot check out {redact_url(url)} at {ref!r} into {dest}: {exc}") from exc


def _sync_once(url: str, ref: str, dest: Path, max_bytes: int) -> Checkout:
    previous = _existing_revision(url, dest, max_bytes)
    cmd = _git(dest)
    if previous is None:
        _init(cmd, url, dest)
    try:
        target = _fetch(cmd, dest, ref)
    except _FetchFailedError as exc:
        reason = _redact_text(str(exc), url)
        message = f"cannot fetch {redact_url(url)} at {ref!r}: {reason}"
        _log.warning("guides.fetch_failed", url=redact_url(url), ref=ref, error=reason, revision=previous)
        if previous is None:
            _wipe(dest)
            raise GuideError(message) from exc
        warning = f"{message}; using the cached copy at {previous[:12]}"
        return Checkout(path=dest, revision=previous, fetched=False, warning=warning)
    try:
        cmd.reset("--hard", "-q", target)
        cmd.clean("-ffdxq")
        revision = str(cmd.rev_parse("HEAD"))
    except git.GitCommandError as exc:
        raise _CorruptCheckoutError(_redact_text(_stderr(exc), url)) from exc
    _log.info("guides.fetch", url=redact_url(url), ref=ref, revision=revision, previous=previous)
    return Checkout(path=dest, revision=revision, fetched=True)


def _existing_revision(url: str, dest: Path, max_bytes: int) -> str | None:
    """HEAD of a reusable checkout in `dest`, or None after wiping one that must be rebuilt."""
    if not (dest / ".git").is_dir():
        if dest.exists() and any(dest.iterdir()):
            raise GuideError(f"{dest} is not empty and not a git checkout; refusing to use it")
        return None
    cmd = _git(dest)
    try:
        remote = str(cmd.config("--get", f"remote.{_REMOTE}.url"))
        head = str(cmd.rev_parse("--verify", "-q", "HEAD^{commit}"))
    except git.GitCommandError as exc:
        # No remote, unborn or unreadable HEAD: an interrupted first fetch or a damaged repository.
        raise _CorruptCheckoutError(_stderr(exc) or "no usable HEAD") from exc
    if remote != url:
        _rebuild(dest, "url_changed")
        return None
    size = _tree_bytes(dest / ".git")
    if size > max_bytes:
        _rebuild(dest, "size_limit", size=size, max_bytes=max_bytes)
        return None
    return head


def _init(cmd: git.Git, url: str, dest: Path) -> None:
    dest.mkdir(parents=True, exist_ok=True)
    try:
        cmd.init("-q")
        cmd.remote("add", _REMOTE, url)
    except git.GitCommandError as exc:
        _wipe(dest)
        raise GuideError(f"cannot create a git repository in {dest}: {_stderr(exc)}") from exc


def _fetch(cmd: git.Git, dest: Path, ref: str) -> str:
    """Fetch `ref` and return what to reset to; `_FetchFailedError` if it cannot be had."""
    try:
        cmd.fetch("--depth", "1", "--no-tags", "-q", _REMOTE, ref, kill_after_timeout=_FETCH_TIMEOUT_S)
    except git.GitCommandError as exc:
        if not _SHA_RE.fullmatch(ref):
            raise _FetchFailedError(_stderr(exc)) from exc
        _log.info("guides.fetch_full", ref=ref, error=_stderr(exc))
        _fetch_everything(cmd, shallow=(dest / ".git" / "shallow").exists())
    else:
        return "FETCH_HEAD"
    try:
        return str(cmd.rev_parse("--verify", "-q", f"{ref}^{{commit}}"))
    except git.GitCommandError as exc:
        raise _FetchFailedError(f"commit {ref} not found in any branch or tag") from exc


def _fetch_everything(cmd: git.Git, *, shallow: bool) -> None:
    unshallow = ["--unshallow"] if shallow else []
    try:
        cmd.fetch(
            *unshallow,
            "-q",
            _REMOTE,
            f"+refs/heads/*:refs/remotes/{_REMOTE}/*",
            "+refs/tags/*:refs/tags/*",
            kill_after_timeout=_FETCH_TIMEOUT_S,
        )
    except git.GitCommandError as exc:
        raise _FetchFailedError(_stderr(exc)) from exc


def _git(dest: Path) -> git.Git:
    cmd = git.Git(str(dest))
    # The ceiling keeps git from walking up into an enclosing repository when dest/.git is broken.
    cmd.update_environment(**_GIT_ENV, GIT_CEILING_DIRECTORIES=str(dest.parent))
    return cmd


def _rebuild(dest: Path, reason: str, **details: int) -> None:
    _log.info("guides.rebuild", path=str(dest), reason=reason, **details)
    _wipe(dest)


def _wipe(dest: Path) -> None:
    shutil.rmtree(dest, ignore_errors=True)


def _tree_bytes(path: Path) -> int:
    total = 0
    for folder, _dirs, files in os.walk(path):
        for name in files:
            try:
                total += (Path(folder) / name).lstat().st_size
            except OSError:
                continue
    return total


def _stderr(exc: git.GitCommandError) -> str:
    """The line of git's stderr that says what went wrong: the first `fatal:`/`error:` line,
    else the last non-empty one (GitPython wraps the text in `stderr: '...'`)."""
    text = exc.stderr.decode("utf-8", "replace") if isinstance(exc.stderr, bytes) else exc.stderr or ""
    lines = [line.strip().removeprefix("stderr:").strip(" '\"") for line in text.splitlines()]
    meaningful = [line for line in lines if line]
    causes = [line for line in meaningful if line.startswith(("fatal:", "error:"))]
    if causes:
        return causes[0]
    return meaningful[-1] if meaningful else f"git exited with status {exc.status}"


def _redact_text(text: str, url: str) -> str:
    return _CREDENTIALS_RE.sub(r"\g<scheme>", text.replace(url, redact_url(url)))


def revision_date(dest: Path, revision: str) -> datetime | None:
    """The commit date of `revision` in the checkout at `dest`; None if git cannot tell."""
    try:
        stamp = str(_git(dest).show("-s", "--format=%cI", revision))
    except git.GitCommandError:
        return None
    try:
        return datetime.fromisoformat(stamp.strip())
    except ValueError:
        return None
