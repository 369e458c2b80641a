"""sync_repo against real local git repositories built from the shared fixtures."""

from __future__ import annotations

import shutil
from collections.abc import MutableMapping, Sequence
from pathlib import Path
from typing import Any

import pytest
from structlog.testing import capture_logs

from syncd.errors import GuideError
from syncd.guides.repo import redact_url, sync_repo
from tests.gitrepos import commit_change, git, make_git_repo

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "fixtures"
GUIDES = SHARED / "trash-guides"
TEMPLATES = SHARED / "recyclarr-templates"


@pytest.fixture
def origin(tmp_path: Path) -> tuple[Path, str]:
    repo = tmp_path / "origin"
    return repo, make_git_repo(GUIDES, repo)


def events(logs: Sequence[MutableMapping[str, Any]], name: str) -> list[MutableMapping[str, Any]]:
    return [entry for entry in logs if entry["event"] == name]


def test_first_fetch_checks_out_the_branch_tip(origin: tuple[Path, str], tmp_path: Path) -> None:
    repo, url = origin
    dest = tmp_path / "cache" / "trash"

    with capture_logs() as logs:
        checkout = sync_repo(url=url, ref="master", dest=dest)

    assert checkout.path == dest
    assert checkout.revision == git(repo, "rev-parse", "HEAD")
    assert checkout.fetched is True
    assert checkout.warning is None
    assert (dest / "metadata.json").read_bytes() == (GUIDES / "metadata.json").read_bytes()
    assert events(logs, "guides.fetch")[0]["revision"] == checkout.revision


def test_later_fetch_picks_up_a_new_commit(origin: tuple[Path, str], tmp_path: Path) -> None:
    repo, url = origin
    dest = tmp_path / "trash"
    first = sync_repo(url=url, ref="master", dest=dest)
    new_sha = commit_change(repo, "docs/json/sonarr/cf/new-format.json", '{"trash_id": "x", "name": "X"}')

    with capture_logs() as logs:
        second = sync_repo(url=url, ref="master", dest=dest)

    assert second.revision == new_sha != first.revision
    assert (dest / "docs/json/sonarr/cf/new-format.json").is_file()
    assert events(logs, "guides.fetch")[0]["previous"] == first.revision
    assert events(logs, "guides.rebuild") == []


def test_pinned_sha_checks_out_that_commit_not_the_tip(origin: tuple[Path, str], tmp_path: Path) -> None:
    repo, url = origin
    pinned = git(repo, "rev-parse", "HEAD")
    commit_change(repo, "later.txt", "after the pin")

    checkout = sync_repo(url=url, ref=pinned, dest=tmp_path / "trash")

    assert checkout.revision == pinned
    assert not (checkout.path / "later.txt").exists()


@pytest.mark.parametrize("cached", [False, True], ids=["fresh", "over-a-shallow-checkout"])
def test_pinned_sha_falls_back_to_a_full_fetch_when_the_server_refuses_it(
    origin: tuple[Path, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cached: bool
) -> None:
    repo, url = origin
    git(repo, "config", "--unset", "uploadpack.allowReachableSHA1InWant")
    git(repo, "config", "--unset", "uploadpack.allowAnySHA1InWant")
    pinned = git(repo, "rev-parse", "HEAD")
    commit_change(repo, "later.txt", "after the pin")
    # Protocol v0 only serves advertised tips, like a server without allow*SHA1InWant.
    client_config = tmp_path / "gitconfig"
    client_config.write_text("[protocol]\n\tversion = 0\n")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(client_config))
    dest = tmp_path / "trash"
    if cached:
        sync_repo(url=url, ref="master", dest=dest)

    with capture_logs() as logs:
        checkout = sync_repo(url=url, ref=pinned, dest=dest)

    assert (checkout.revision, checkout.fetched) == (pinned, True)
    assert not (dest / "later.txt").exists()
    assert len(events(logs, "guides.fetch_full")) == 1


def test_unknown_sha_without_a_cached_copy_is_a_guide_error(origin: tuple[Path, str], tmp_path: Path) -> None:
    _repo, url = origin
    dest = tmp_path / "trash"

    with pytest.raises(GuideError, match="0123456789abcdef0123456789abcdef01234567"):
        sync_repo(url=url, ref="0123456789abcdef0123456789abcdef01234567", dest=dest)
    assert not dest.exists()


@pytest.mark.parametrize("annotated", [False, True])
def test_tag_ref_checks_out_the_tagged_commit(
    origin: tuple[Path, str], tmp_path: Path, annotated: bool
) -> None:
    repo, url = origin
    tagged = git(repo, "rev-parse", "HEAD")
    git(repo, "tag", *(["-a", "-m", "release"] if annotated else []), "v1.0")
    commit_change(repo, "later.txt", "after the tag")

    checkout = sync_repo(url=url, ref="v1.0", dest=tmp_path / "trash")

    assert checkout.revision == tagged
    assert not (checkout.path / "later.txt").exists()


def test_unreachable_remote_keeps_the_cached_copy_with_a_warning(
    origin: tuple[Path, str], tmp_path: Path
) -> None:
    repo, url = origin
    dest = tmp_path / "trash"
    first = sync_repo(url=url, ref="master", dest=dest)
    shutil.rmtree(repo)

    with capture_logs() as logs:
        second = sync_repo(url=url, ref="master", dest=dest)

    assert second.fetched is False
    assert second.revision == first.revision
    assert second.warning is not None
    assert url in second.warning
    assert first.revision[:12] in second.warning
    assert (dest / "metadata.json").is_file()
    assert events(logs, "guides.fetch_failed")[0]["revision"] == first.revision


def test_unknown_branch_keeps_the_cached_copy(origin: tuple[Path, str], tmp_path: Path) -> None:
    _repo, url = origin
    dest = tmp_path / "trash"
    first = sync_repo(url=url, ref="master", dest=dest)

    second = sync_repo(url=url, ref="no-such-branch", dest=dest)

    assert (second.fetched, second.revision) == (False, first.revision)
    assert second.warning is not None
    assert "no-such-branch" in second.warning


def test_unreachable_remote_without_a_cached_copy_is_a_guide_error(tmp_path: Path) -> None:
    url = (tmp_path / "missing").as_uri()
    dest = tmp_path / "trash"

    with pytest.raises(GuideError) as caught:
        sync_repo(url=url, ref="master", dest=dest)

    assert url in str(caught.value)
    assert "'master'" in str(caught.value)
    assert not dest.exists()


def test_errors_never_show_url_credentials(tmp_path: Path) -> None:
    url = "http://robot:s3cret-token@127.0.0.1:9/guides.git"

    with capture_logs() as logs, pytest.raises(GuideError) as caught:
        sync_repo(url=url, ref="master", dest=tmp_path / "trash")

    assert "s3cret" not in str(caught.value)
    assert "http://127.0.0.1:9/guides.git" in str(caught.value)
    assert "s3cret" not in repr(logs)


def test_redact_url_strips_user_and_password_only() -> None:
    assert redact_url("https://u:p@github.com/TRaSH-/Guides.git") == "https://github.com/TRaSH-/Guides.git"
    assert redact_url("https://github.com/TRaSH-/Guides.git") == "https://github.com/TRaSH-/Guides.git"
    assert redact_url("git@github.com:TRaSH-/Guides.git") == "git@github.com:TRaSH-/Guides.git"


def test_url_change_rebuilds_the_checkout(origin: tuple[Path, str], tmp_path: Path) -> None:
    _repo, url = origin
    other_url = make_git_repo(TEMPLATES, tmp_path / "templates-origin")
    dest = tmp_path / "checkout"
    sync_repo(url=url, ref="master", dest=dest)

    with capture_logs() as logs:
        checkout = sync_repo(url=other_url, ref="master", dest=dest)

    assert checkout.revision == git(tmp_path / "templates-origin", "rev-parse", "HEAD")
    assert (dest / "templates.json").is_file()
    assert not (dest / "metadata.json").exists()
    assert [e["reason"] for e in events(logs, "guides.rebuild")] == ["url_changed"]


def test_git_dir_over_the_size_bound_is_wiped_and_recloned(origin: tuple[Path, str], tmp_path: Path) -> None:
    _repo, url = origin
    dest = tmp_path / "trash"
    first = sync_repo(url=url, ref="master", dest=dest)
    marker = dest / ".git" / "marker"
    marker.write_text("from the first clone")

    with capture_logs() as logs:
        second = sync_repo(url=url, ref="master", dest=dest, max_bytes=1024)

    assert second.revision == first.revision
    assert second.fetched is True
    assert not marker.exists()
    assert [e["reason"] for e in events(logs, "guides.rebuild")] == ["size_limit"]


def test_git_dir_within_the_size_bound_is_kept(origin: tuple[Path, str], tmp_path: Path) -> None:
    _repo, url = origin
    dest = tmp_path / "trash"
    sync_repo(url=url, ref="master", dest=dest)
    marker = dest / ".git" / "marker"
    marker.write_text("from the first clone")

    sync_repo(url=url, ref="master", dest=dest)

    assert marker.exists()


def test_corrupt_checkout_is_deleted_and_fetched_again(origin: tuple[Path, str], tmp_path: Path) -> None:
    repo, url = origin
    dest = tmp_path / "trash"
    sync_repo(url=url, ref="master", dest=dest)
    (dest / ".git" / "HEAD").write_text("garbage\n")

    with capture_logs() as logs:
        checkout = sync_repo(url=url, ref="master", dest=dest)

    assert checkout.fetched is True
    assert checkout.revision == git(repo, "rev-parse", "HEAD")
    assert len(events(logs, "guides.corrupt_checkout")) == 1


def test_stray_files_in_the_checkout_are_removed_by_the_next_update(
    origin: tuple[Path, str], tmp_path: Path
) -> None:
    repo, url = origin
    dest = tmp_path / "trash"
    sync_repo(url=url, ref="master", dest=dest)
    stray = dest / "docs/json/sonarr/cf/stray.json"
    stray.write_text("{}")
    commit_change(repo, "docs/json/sonarr/cf/new-format.json", '{"trash_id": "x", "name": "X"}')

    sync_repo(url=url, ref="master", dest=dest)

    assert not stray.exists()


def test_non_empty_folder_that_is_not_a_checkout_is_left_alone(
    origin: tuple[Path, str], tmp_path: Path
) -> None:
    _repo, url = origin
    dest = tmp_path / "trash"
    dest.mkdir()
    (dest / "precious.txt").write_text("keep me")

    with pytest.raises(GuideError, match="not a git checkout"):
        sync_repo(url=url, ref="master", dest=dest)
    assert (dest / "precious.txt").read_text() == "keep me"


def test_option_like_ref_is_rejected(origin: tuple[Path, str], tmp_path: Path) -> None:
    _repo, url = origin

    with pytest.raises(GuideError, match="invalid git ref"):
        sync_repo(url=url, ref="--upload-pack=touch /tmp/x", dest=tmp_path / "trash")
