"""TemplateIndex over both Recyclarr config-templates layouts, fetched through git."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from syncd.errors import GuideError
from syncd.guides.repo import sync_repo
from syncd.guides.templates import TemplateIndex
from tests.gitrepos import make_git_repo

FIXTURES = Path(__file__).resolve().parents[2] / ".." / "shared" / "fixtures"
MASTER = FIXTURES / "recyclarr-templates"
V8 = FIXTURES / "recyclarr-templates-v8-branch"


def checkout_of(fixture: Path, tmp_path: Path) -> Path:
    url = make_git_repo(fixture, tmp_path / "origin")
    return sync_repo(url=url, ref="master", dest=tmp_path / "templates").path


def test_master_layout_resolves_templates_and_includes_through_the_json_indexes(tmp_path: Path) -> None:
    root = checkout_of(MASTER, tmp_path)

    index = TemplateIndex.load(root)

    assert index.template_path("sonarr", "web-1080p-v4") == root / "sonarr/templates/web-1080p-v4.yml"
    assert index.include_path("sonarr", "sonarr-v4-quality-profile-web-1080p") == (
        root / "sonarr/includes/quality-profiles/sonarr-v4-quality-profile-web-1080p.yml"
    )
    assert index.include_path("radarr", "radarr-quality-definition-movie") == (
        root / "radarr/includes/quality-definitions/radarr-quality-definition-movie.yml"
    )


def test_v8_layout_resolves_templates_and_has_no_includes(tmp_path: Path) -> None:
    root = checkout_of(V8, tmp_path)

    index = TemplateIndex.load(root)

    assert index.template_path("sonarr", "web-1080p") == root / "sonarr/templates/web-1080p.yml"
    assert index.template_path("radarr", "uhd-bluray-web") == root / "radarr/templates/uhd-bluray-web.yml"
    assert index.include_path("sonarr", "sonarr-v4-quality-profile-web-1080p") is None


@pytest.mark.parametrize(
    ("service", "template_id"),
    [
        ("sonarr", "no-such-template"),
        ("radarr", "web-1080p-v4"),  # a Sonarr template asked for as Radarr
        ("radarr", "remux-web-1080p"),  # listed in templates.json, file absent from the checkout
    ],
)
def test_unknown_or_absent_templates_resolve_to_none(service: str, template_id: str) -> None:
    assert TemplateIndex.load(MASTER).template_path(service, template_id) is None


def test_include_without_an_index_entry_is_found_by_file_name(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    shutil.copytree(V8, root)
    custom = root / "sonarr/includes/mine/my-scores.yaml"
    custom.parent.mkdir(parents=True)
    custom.write_text("custom_formats: []\n", encoding="utf-8")

    index = TemplateIndex.load(root)

    assert index.include_path("sonarr", "my-scores") == custom.resolve()
    assert index.include_path("radarr", "my-scores") is None


def test_includes_json_entry_wins_over_a_file_with_the_same_name(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    (root / "sonarr/includes/a").mkdir(parents=True)
    (root / "sonarr/includes/a/shared.yml").write_text("a: 1\n", encoding="utf-8")
    (root / "sonarr/includes/b").mkdir()
    (root / "sonarr/includes/b/other.yml").write_text("b: 1\n", encoding="utf-8")
    index_json = {"sonarr": [{"id": "shared", "template": "sonarr/includes/b/other.yml"}]}
    (root / "includes.json").write_text(json.dumps(index_json), encoding="utf-8")

    index = TemplateIndex.load(root)

    assert index.include_path("sonarr", "shared") == (root / "sonarr/includes/b/other.yml").resolve()
    assert index.include_path("sonarr", "other") == (root / "sonarr/includes/b/other.yml").resolve()


def test_index_entries_pointing_outside_the_checkout_are_ignored(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    (tmp_path / "secret.yml").write_text("x: 1\n", encoding="utf-8")
    entries = {"sonarr": [{"id": "escape", "template": "../secret.yml"}]}
    (root / "templates.json").write_text(json.dumps(entries), encoding="utf-8")

    assert TemplateIndex.load(root).template_path("sonarr", "escape") is None


def test_malformed_index_error_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "templates.json").write_text('{"sonarr": [', encoding="utf-8")

    with pytest.raises(GuideError, match=r"templates\.json: cannot read template index"):
        TemplateIndex.load(tmp_path)


def test_index_entry_without_an_id_is_a_guide_error(tmp_path: Path) -> None:
    (tmp_path / "includes.json").write_text('{"radarr": [{"template": "x.yml"}]}', encoding="utf-8")

    with pytest.raises(GuideError, match=r"includes\.json: `radarr` entry without a string `id`"):
        TemplateIndex.load(tmp_path)
