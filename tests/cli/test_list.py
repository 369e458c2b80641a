"""`syncd list …` on the shared TRaSH Guides snapshot and Recyclarr templates: every row comes
from the guide files, with trash_ids, sorted, and a count."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from syncd import cli
from syncd.config import presets
from tests.shared import SHARED

GUIDES = SHARED / "trash-guides"
TEMPLATES = SHARED / "recyclarr-templates"


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(list(args), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def listed(*args: str) -> list[list[str]]:
    """The table rows (header and count line dropped), split on runs of two spaces."""
    code, out, err = run("list", *args)
    assert (code, err) == (0, ""), err
    lines = out.splitlines()
    assert lines[-2] == ""
    rows = [[cell.strip() for cell in line.split("  ") if cell.strip()] for line in lines[1:-2]]
    assert lines[-1].startswith(f"{len(rows)} ")
    return rows


def guide_json(service: str, folder: str) -> list[dict[str, Any]]:
    return [
        json.loads(p.read_text()) for p in sorted((GUIDES / "docs/json" / service / folder).glob("*.json"))
    ]


@pytest.mark.parametrize("service", ["sonarr", "radarr"])
def test_list_custom_formats_has_every_guide_cf_with_its_trash_id(service: str) -> None:
    rows = listed("custom-formats", "--service", service, "--guides", str(GUIDES))
    expected = {(cf["trash_id"], cf["name"]) for cf in guide_json(service, "cf")}
    assert {(r[0], r[1]) for r in rows} == expected
    names = [r[1].lower() for r in rows]
    assert names == sorted(names)


def test_list_quality_profiles_with_score_sets() -> None:
    rows = listed("quality-profiles", "--service", "sonarr", "--guides", str(GUIDES))
    expected = {
        (p["trash_id"], p["name"], p.get("trash_score_set") or "default")
        for p in guide_json("sonarr", "quality-profiles")
    }
    assert {tuple(r) for r in rows} == expected
    assert ["72dae194fc92bf828f32cde7744e51a1", "WEB-1080p", "default"] in rows


def test_list_score_sets_counts_the_cfs_scoring_each() -> None:
    rows = listed("score-sets", "--service", "radarr", "--guides", str(GUIDES))
    cfs = guide_json("radarr", "cf")
    for name, count, _ in rows:
        assert int(count) == sum(1 for cf in cfs if name in cf.get("trash_scores", {}))
    assert rows[0][0] == "default"
    assert {r[0] for r in rows} == {k for cf in cfs for k in cf.get("trash_scores", {})}


def test_list_naming_shows_the_keys_media_naming_takes() -> None:
    rows = listed("naming", "--service", "sonarr", "--guides", str(GUIDES))
    naming = json.loads((GUIDES / "docs/json/sonarr/naming/sonarr-naming.json").read_text())
    keys = {r[0]: r[1] for r in rows}
    assert keys["series.default"] == naming["series"]["default"]
    assert keys["episodes.standard.default"] == naming["episodes"]["standard"]["default"]
    assert keys["season.default"] == "Season {season:00}"


def test_list_cf_groups_with_member_counts() -> None:
    rows = listed("cf-groups", "--service", "sonarr", "--guides", str(GUIDES))
    groups = guide_json("sonarr", "cf-groups")
    assert {(r[0], r[1], r[2]) for r in rows} == {
        (g["trash_id"], g["name"], str(len(g["custom_formats"]))) for g in groups
    }


def test_list_presets_names_each_shipped_preset_with_its_title() -> None:
    rows = listed("presets")
    assert [r[0] for r in rows] == presets.available_presets()
    assert ["sonarr-web-1080p", "Sonarr WEB-1080p"] in rows


def test_list_templates_from_the_templates_repo() -> None:
    rows = listed("templates", "--templates", str(TEMPLATES))
    existing = {
        (service, entry["id"])
        for service, entries in json.loads((TEMPLATES / "templates.json").read_text()).items()
        for entry in entries
        if (TEMPLATES / entry["template"]).is_file()
    }
    assert {tuple(r) for r in rows} == existing
    assert listed("templates", "--templates", str(TEMPLATES), "--service", "radarr") == [
        r for r in rows if r[0] == "radarr"
    ]


def test_list_fetches_the_guides_with_git_when_no_folder_is_given(
    guides_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SYNCD_TRASH_GUIDES_URL", guides_url)
    monkeypatch.setenv("SYNCD_STATE_DIR", str(tmp_path / "state"))
    rows = listed("quality-profiles", "--service", "radarr")
    assert len(rows) == len(guide_json("radarr", "quality-profiles"))
    assert (tmp_path / "state" / "repos" / "trash-guides" / "metadata.json").is_file()


def test_guide_lists_need_a_service() -> None:
    code, out, err = run("list", "custom-formats", "--guides", str(GUIDES))
    assert (code, out) == (1, "")
    assert "needs --service sonarr or --service radarr" in err
    assert run("list", "widgets")[0] == 1


def test_list_templates_includes_lists_the_include_ids() -> None:
    rows = listed("templates", "--includes", "--templates", str(TEMPLATES), "--service", "sonarr")
    ids = {r[1] for r in rows}
    assert {r[0] for r in rows} == {"sonarr"}
    # Every include a shipped sonarr template uses is listed.
    used = {
        line.split("template:", 1)[1].strip()
        for path in (TEMPLATES / "sonarr" / "templates").glob("*.yml")
        for line in path.read_text().splitlines()
        if line.strip().startswith("- template:")
    }
    assert used and used <= ids
