"""Keeps a local git checkout of a guide repository (TRaSH Guides, Recyclarr templates) up to date,
with as few git processes and bytes as the answer allows.

Only what syncd reads is transferred: a shallow (`--depth 1`), partial (`--filter=blob:none`)
fetch with a sparse checkout of `paths` (TRaSH: `docs/json/` and `metadata.json`), so git
downloads the blobs of those paths only. `ref` may be a branch, a tag or a full commit SHA; a SHA
the server refuses to serve shallowly is found by fetching every branch and tag.

Process count per run:

* nothing changed upstream: one `git ls-remote` (none for a SHA already checked out). What is
  checked out is known from a marker file syncd writes after each successful checkout
  (`.git/syncd-checkout.json`: url, ref, paths, revision), confirmed against `.git/HEAD`;
* upstream moved: fetch, checkout, clean;
* first run, another URL or other paths: a new checkout is built beside the old one and
  replaces it only once it succeeded, so a typo in a URL never destroys the cached copy.

Recovery rules: the `.git` is larger than `max_bytes`, or the checkout is corrupt (git cannot
check out) → rebuild; the fetch fails but an earlier checkout exists → keep it, return
`fetched=False` with a warning; the fetch fails and there is nothing to fall back on →
`GuideError`.

Git runs non-interactively (no credential prompts, ssh in batch mode), with no user or system
config, and trusts the checkout whoever owns it (`safe.directory=*`), so it works in containers
with mounted volumes. URLs are stripped of user:password before they reach a log line or an
error message.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from syncd.errors import GuideError
from syncd.logger import get_logger

_log = get_logger()

_REMOTE = "origin"
_SHA_RE = re.compile(r"^(?:[0-9a-f]{40}|[0-9a-f]{64})$")
_CREDENTIALS_RE = re.compile(r"(?P<scheme>[a-zA-Z][a-zA-Z0-9+.-]*://)[^/@\s]*@")
_FETCH_TIMEOUT_S = 300
_LOCAL_TIMEOUT_S = 120
_MARKER = "syncd-checkout.json"
_GIT_ENV = {
    "GIT_TERMINAL_PROMPT": "0",
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_COUNT": "2",
    "GIT_CONFIG_KEY_0": "safe.directory",
    "GIT_CONFIG_VALUE_0": "*",
    "GIT_CONFIG_KEY_1": "advice.detachedHead",
    "GIT_CONFIG_VALUE_1": "false",
    "GIT_SSH_COMMAND": os.environ.get("GIT_SSH_COMMAND", "ssh -o BatchMode=yes"),
}
# What syncd reads of the TRaSH Guides repository (catalog.py follows metadata.json's paths,
# all under docs/json).
TRASH_PATHS = ("/metadata.json", "/docs/json/")
# What syncd reads of the Recyclarr config-templates repository (templates.py).
TEMPLATE_PATHS = ("/templates.json", "/includes.json", "/sonarr/", "/radarr/")


@dataclass(frozen=True)
class Checkout:
    """A usable checkout. `fetched` is False when the fetch failed and an older copy is used."""

    path: Path
    revision: str
    fetched: bool
    warning: str | None = None


class _CorruptCheckoutError(Exception):
    """The local repository cannot be read or checked out; the caller rebuilds it."""


class _FetchFailedError(Exception):
    """The remote could not provide `ref` (unreachable, unknown ref, refused)."""


class _NeedsFullFetchError(Exception):
    """The server refused to serve a commit SHA shallowly: fetch every branch and tag instead,
    into a repository without a partial-clone filter (its lazy blob fetches would be refused too)."""


class _GitError(Exception):
    def __init__(self, stderr: str, status: int) -> None:
        self.stderr = stderr
        self.status = status
        super().__init__(stderr)


@dataclass(frozen=True)
class _Marker:
    url: str
    ref: str
    paths: tuple[str, ...]
    revision: str


def redact_url(url: str) -> str:
    """`url` without any user:password part (`https://user:tok@host/x` → `https://host/x`)."""
    parts = urlsplit(url)
    if parts.scheme and "@" in parts.netloc:
        return urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))
    return url


def sync_repo(
    *,
    url: str,
    ref: str,
    dest: Path,
    max_bytes: int = 100 * 1024 * 1024,
    paths: Sequence[str] | None = None,
) -> Checkout:
    """Bring `dest` to `ref` of `url` and return what is checked out there.

    `paths` are the sparse-checkout patterns (gitignore style, `/docs/json/`); None checks out
    everything."""
    if not ref or ref.startswith("-"):
        raise GuideError(f"invalid git ref {ref!r} for {redact_url(url)}")
    wanted = tuple(paths or ())
    try:
        return _sync(url, ref, dest, max_bytes, wanted)
    except FileNotFoundError as exc:
        raise GuideError(f"cannot run git to fetch {redact_url(url)}: {exc}") from exc


def _sync(url: str, ref: str, dest: Path, max_bytes: int, paths: tuple[str, ...]) -> Checkout:
    marker = _current(dest, max_bytes)
    if marker is not None and (marker.url, marker.paths) == (url, paths):
        try:
            return _update(url, ref, dest, marker)
        except _FetchFailedError as exc:
            return _fall_back(url, ref, marker, str(exc), dest)
        except _NeedsFullFetchError:
            return _replace(url, ref, dest, paths, previous=marker, full=True)
        except _CorruptCheckoutError as exc:
            _log.warning("guides.corrupt_checkout", path=str(dest), error=_redact_text(str(exc), url))
    elif marker is not None:
        _log.info(
            "guides.rebuild", path=str(dest), reason="url_changed" if marker.url != url else "paths_changed"
        )
    return _replace(url, ref, dest, paths, previous=marker)


def _current(dest: Path, max_bytes: int) -> _Marker | None:
    """What a reusable checkout in `dest` holds, or None when there is none (or it must be rebuilt)."""
    git_dir = dest / ".git"
    if not git_dir.is_dir():
        if dest.exists() and any(dest.iterdir()):
            raise GuideError(f"{dest} is not empty and not a git checkout; refusing to use it")
        return None
    try:
        data = json.loads((git_dir / _MARKER).read_text(encoding="utf-8"))
        marker = _Marker(
            url=str(data["url"]),
            ref=str(data["ref"]),
            paths=tuple(str(p) for p in data["paths"]),
            revision=str(data["revision"]),
        )
        head = (git_dir / "HEAD").read_text(encoding="utf-8").strip()
    except (OSError, ValueError, KeyError, TypeError):
        _log.warning("guides.corrupt_checkout", path=str(dest), error="no readable checkout marker")
        return None
    if head != marker.revision:
        _log.warning("guides.corrupt_checkout", path=str(dest), error=f"HEAD is {head[:40]!r}")
        return None
    size = _tree_bytes(git_dir)
    if size > max_bytes:
        _log.info("guides.rebuild", path=str(dest), reason="size_limit", size=size, max_bytes=max_bytes)
        return None
    return marker


def _update(url: str, ref: str, dest: Path, marker: _Marker) -> Checkout:
    """Bring an existing checkout of the same URL to `ref`: no fetch when it is already there."""
    if marker.revision == ref:
        return Checkout(path=dest, revision=marker.revision, fetched=True)
    if not _SHA_RE.fullmatch(ref):
        remote = _remote_revision(dest, url, ref)
        if remote == marker.revision:
            if marker.ref != ref:
                _write_marker(dest, _Marker(url, ref, marker.paths, marker.revision))
            return Checkout(path=dest, revision=marker.revision, fetched=True)
    target = _fetch(dest, ref)
    revision = _check_out(dest, target, url)
    _write_marker(dest, _Marker(url, ref, marker.paths, revision))
    _log.info("guides.fetch", url=redact_url(url), ref=ref, revision=revision, previous=marker.revision)
    return Checkout(path=dest, revision=revision, fetched=True)


def _replace(
    url: str, ref: str, dest: Path, paths: tuple[str, ...], previous: _Marker | None, *, full: bool = False
) -> Checkout:
    """Build a fresh checkout beside `dest`; only once it succeeded does it replace `dest`.

    Modes, cheapest first: shallow and partial; shallow with every blob (a server that serves
    partial clones but refuses their lazy blob fetches); every branch and tag (a SHA the server
    will not serve shallowly)."""
    building = dest.with_name(dest.name + ".new")
    mode = "full" if full else "partial"
    while True:
        _wipe(building)
        try:
            _init(building, url, paths)
            target = _fetch(building, ref, full=mode == "full", partial=mode == "partial")
            revision = _check_out(building, target, url)
            _write_marker(building, _Marker(url, ref, paths, revision))
            break
        except _NeedsFullFetchError:
            mode = "full"
        except _CorruptCheckoutError as exc:
            if mode != "partial":
                return _not_fetched(url, ref, dest, building, previous, exc)
            _log.info("guides.partial_clone_refused", url=redact_url(url), error=_redact_text(str(exc), url))
            mode = "shallow"
        except _FetchFailedError as exc:
            return _not_fetched(url, ref, dest, building, previous, exc)
    old = dest.with_name(dest.name + ".old")
    _wipe(old)
    if dest.exists():
        dest.rename(old)
    building.rename(dest)
    _wipe(old)
    _log.info(
        "guides.fetch",
        url=redact_url(url),
        ref=ref,
        revision=revision,
        previous=previous and previous.revision,
    )
    return Checkout(path=dest, revision=revision, fetched=True)


def _not_fetched(
    url: str, ref: str, dest: Path, building: Path, previous: _Marker | None, exc: Exception
) -> Checkout:
    _wipe(building)
    if previous is not None:
        return _fall_back(url, ref, previous, str(exc), dest)
    raise GuideError(f"cannot fetch {redact_url(url)} at {ref!r}: {_redact_text(str(exc), url)}") from exc


def _fall_back(url: str, ref: str, cached: _Marker, reason: str, dest: Path) -> Checkout:
    reason = _redact_text(reason, url)
    message = f"cannot fetch {redact_url(url)} at {ref!r}: {reason}"
    _log.warning("guides.fetch_failed", url=redact_url(url), ref=ref, error=reason, revision=cached.revision)
    source = "" if cached.url == url else f" of {redact_url(cached.url)}"
    warning = f"{message}; using the cached copy{source} at {cached.revision[:12]}"
    return Checkout(path=dest, revision=cached.revision, fetched=False, warning=warning)


def _init(building: Path, url: str, paths: tuple[str, ...]) -> None:
    building.mkdir(parents=True)
    try:
        _run(building, "init", "-q")
        _run(building, "remote", "add", _REMOTE, url)
        if paths:
            _run(building, "sparse-checkout", "set", "--no-cone", *paths)
    except _GitError as exc:
        raise GuideError(f"cannot create a git repository in {building}: {exc.stderr}") from exc


def _remote_revision(dest: Path, url: str, ref: str) -> str:
    """The commit `ref` names on the remote (branch first, then a tag, peeled)."""
    try:
        listing = _run(dest, "ls-remote", "-q", _REMOTE, ref, timeout=_FETCH_TIMEOUT_S)
    except _GitError as exc:
        raise _FetchFailedError(exc.stderr) from exc
    refs: dict[str, str] = {}
    for line in listing.splitlines():
        sha, _, name = line.partition("\t")
        refs[name.strip()] = sha.strip()
    for name in (f"refs/heads/{ref}", f"refs/tags/{ref}^{{}}", f"refs/tags/{ref}", ref):
        if name in refs:
            return refs[name]
    raise _FetchFailedError(f"couldn't find remote ref {ref}")


def _fetch(dest: Path, ref: str, *, full: bool = False, partial: bool = True) -> str:
    """Fetch `ref` and return the commit to check out; `_FetchFailedError` if it cannot be had."""
    if full:
        _fetch_everything(dest)
        return ref
    try:
        _run(
            dest,
            "fetch", "--depth", "1", *(["--filter=blob:none"] if partial else []), "--no-tags", "-q",
            _REMOTE, ref,
            timeout=_FETCH_TIMEOUT_S,
        )  # fmt: skip
    except _GitError as exc:
        if not _SHA_RE.fullmatch(ref):
            raise _FetchFailedError(exc.stderr) from exc
        _log.info("guides.fetch_full", ref=ref, error=exc.stderr)
        raise _NeedsFullFetchError from exc
    head = (dest / ".git" / "FETCH_HEAD").read_text(encoding="utf-8").split(maxsplit=1)
    if not head or not _SHA_RE.fullmatch(head[0]):
        raise _CorruptCheckoutError("git fetch left no FETCH_HEAD")
    return head[0]


def _fetch_everything(dest: Path) -> None:
    """Every branch and tag, blobs included: a server that refuses unadvertised objects would
    also refuse the lazy blob fetches of a partial clone."""
    try:
        _run(
            dest,
            "fetch", "-q", _REMOTE,
            f"+refs/heads/*:refs/remotes/{_REMOTE}/*", "+refs/tags/*:refs/tags/*",
            timeout=_FETCH_TIMEOUT_S,
        )  # fmt: skip
    except _GitError as exc:
        raise _FetchFailedError(exc.stderr) from exc


def _check_out(dest: Path, target: str, url: str) -> str:
    """Check `target` out (detached; git fetches the blobs of the sparse paths) and drop strays."""
    try:
        _run(dest, "checkout", "-q", "-f", "--detach", target, timeout=_FETCH_TIMEOUT_S)
        _run(dest, "clean", "-ffdxq")
    except _GitError as exc:
        if "reference is not a tree" in exc.stderr or "unable to read tree" in exc.stderr:
            raise _FetchFailedError(f"commit {target} not found in any branch or tag") from exc
        raise _CorruptCheckoutError(_redact_text(exc.stderr, url)) from exc
    revision = (dest / ".git" / "HEAD").read_text(encoding="utf-8").strip()
    if not _SHA_RE.fullmatch(revision):
        raise _CorruptCheckoutError(f"HEAD is {revision[:40]!r} after checkout")
    return revision


def _write_marker(dest: Path, marker: _Marker) -> None:
    data = {"url": marker.url, "ref": marker.ref, "paths": list(marker.paths), "revision": marker.revision}
    tmp = dest / ".git" / (_MARKER + ".tmp")
    tmp.write_text(json.dumps(data), encoding="utf-8")
    tmp.replace(dest / ".git" / _MARKER)


def _run(dest: Path, *args: str, timeout: float = _LOCAL_TIMEOUT_S) -> str:
    """Run `git ARGS` in `dest`; its stdout, or `_GitError` with the meaningful stderr line."""
    env = {
        **os.environ,
        **_GIT_ENV,
        # The ceiling keeps git from walking up into an enclosing repository when dest/.git is broken.
        "GIT_CEILING_DIRECTORIES": str(dest.parent),
    }
    try:
        done = subprocess.run(
            ["git", *args], cwd=dest, env=env, capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise _GitError(f"git {args[0]} did not finish within {timeout:g}s", -1) from exc
    if done.returncode != 0:
        raise _GitError(_stderr(done.stderr, done.returncode), done.returncode)
    return done.stdout


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


def _stderr(text: str, status: int) -> str:
    """The line of git's stderr that says what went wrong: the first `fatal:`/`error:` line,
    else the last non-empty one."""
    meaningful = [line.strip() for line in text.splitlines() if line.strip()]
    causes = [line for line in meaningful if line.startswith(("fatal:", "error:"))]
    if causes:
        return causes[0]
    return meaningful[-1] if meaningful else f"git exited with status {status}"


def _redact_text(text: str, url: str) -> str:
    return _CREDENTIALS_RE.sub(r"\g<scheme>", text.replace(url, redact_url(url)))


def revision_date(dest: Path, revision: str) -> datetime | None:
    """The commit date of `revision` in the checkout at `dest`; None if git cannot tell."""
    try:
        stamp = _run(dest, "show", "-s", "--format=%cI", revision)
    except (_GitError, OSError):
        return None
    try:
        return datetime.fromisoformat(stamp.strip())
    except ValueError:
        return None
