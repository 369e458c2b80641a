"""load_catalogs / load_local_custom_formats against the real TRaSH fixture and small hand-made trees."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from structlog.testing import capture_logs

from syncd.errors import GuideError
from syncd.guides.catalog import load_catalogs, load_local_custom_formats
from syncd.guides.model import GuideSet
from syncd.guides.repo import sync_repo
from tests.gitrepos import make_git_repo

GUIDES = Path(__file__).resolve().parents[2] / ".." / "shared" / "fixtures" / "trash-guides"
SONARR_JSON = GUIDES / "docs" / "json" / "sonarr"
RADARR_JSON = GUIDES / "docs" / "json" / "radarr"


@pytest.fixture(scope="module")
def guides() -> GuideSet:
    return load_catalogs(GUIDES, revision="fixture")


def raw(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def write_json(path: Path, data: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data), encoding="utf-8")


def metadata(sonarr: dict[str, list[str]], radarr: dict[str, list[str]] | None = None) -> dict[str, Any]:
    return {"json_paths": {"sonarr": sonarr, "radarr": radarr or {}}}


def test_catalogs_from_a_git_checkout_match_the_fixture_counts(tmp_path: Path) -> None:
    url = make_git_repo(GUIDES, tmp_path / "origin")
    checkout = sync_repo(url=url, ref="master", dest=tmp_path / "trash")

    loaded = load_catalogs(checkout.path, revision=checkout.revision)

    assert loaded.revision == checkout.revision
    counts = {
        c.service: (
            len(c.custom_formats),
            len(c.cf_groups),
            len(c.quality_profiles),
            len(c.quality_definitions),
        )
        for c in (loaded.sonarr, loaded.radarr)
    }
    assert counts == {"sonarr": (236, 38, 23, 2), "radarr": (242, 40, 39, 4)}


def test_custom_format_keeps_specifications_scores_and_source(guides: GuideSet) -> None:
    path = next(p for p in sorted((SONARR_JSON / "cf").glob("*.json")) if "trash_scores" in raw(p))
    data = raw(path)

    parsed = guides.sonarr.custom_formats[data["trash_id"]]

    assert parsed.name == data["name"]
    assert parsed.include_when_renaming == data["includeCustomFormatWhenRenaming"]
    assert dict(parsed.trash_scores) == data["trash_scores"]
    assert [
        (s.name, s.implementation, s.negate, s.required, dict(s.fields)) for s in parsed.specifications
    ] == [
        (s["name"], s["implementation"], s["negate"], s["required"], s["fields"])
        for s in data["specifications"]
    ]
    assert parsed.source == f"docs/json/sonarr/cf/{path.name}"


def test_cf_group_default_string_becomes_a_bool(guides: GuideSet) -> None:
    groups = [raw(p) for p in sorted((RADARR_JSON / "cf-groups").glob("*.json"))]

    flags = {g["trash_id"]: guides.radarr.cf_groups[g["trash_id"]].default for g in groups}

    assert flags == {g["trash_id"]: g.get("default") == "true" for g in groups}
    assert True in flags.values()
    assert False in flags.values()


def test_cf_group_profile_include_list_is_flattened(guides: GuideSet) -> None:
    data = raw(SONARR_JSON / "cf-groups" / "optional-golden-rule-hd.json")

    group = guides.sonarr.cf_groups[data["trash_id"]]

    assert dict(group.include_profiles) == data["quality_profiles"]["include"]
    assert dict(group.exclude_profiles) == {}
    assert [(m.trash_id, m.required, m.default) for m in group.custom_formats] == [
        (m["trash_id"], m["required"], m.get("default", False)) for m in data["custom_formats"]
    ]


def test_cf_group_exclude_list_is_kept_for_old_pins(tmp_path: Path) -> None:
    write_json(tmp_path / "metadata.json", metadata({"custom_format_groups": ["groups"]}))
    group = {"trash_id": "g1", "name": "Old", "quality_profiles": {"exclude": {"Any": "p1"}}}
    write_json(tmp_path / "groups" / "old.json", group)

    parsed = load_catalogs(tmp_path).sonarr.cf_groups["g1"]

    assert (dict(parsed.exclude_profiles), dict(parsed.include_profiles)) == ({"Any": "p1"}, {})


def test_quality_profile_sizes_naming_and_conflicts_come_from_their_files(guides: GuideSet) -> None:
    profile_data = raw(SONARR_JSON / "quality-profiles" / "web-1080p.json")
    profile = guides.sonarr.quality_profiles[profile_data["trash_id"]]
    assert (profile.name, profile.cutoff, dict(profile.format_items)) == (
        profile_data["name"],
        profile_data["cutoff"],
        profile_data["formatItems"],
    )
    assert [item.name for item in profile.items] == [item["name"] for item in profile_data["items"]]

    sizes = {raw(p)["type"] for p in (RADARR_JSON / "quality-size").glob("*.json")}
    assert set(guides.radarr.quality_definitions) == sizes

    assert dict(guides.radarr.naming.sections) == raw(RADARR_JSON / "naming" / "radarr-naming.json")

    conflicts = raw(SONARR_JSON / "conflicts.json")["custom_formats"]
    assert guides.sonarr.conflicts == tuple(tuple(c) for c in conflicts)
    assert all(len(c) >= 2 for c in guides.sonarr.conflicts)


def test_paths_come_from_metadata_json(tmp_path: Path) -> None:
    cf_files = sorted((SONARR_JSON / "cf").glob("*.json"))[:2]
    shutil.copy(cf_files[0], tmp_path / "top.json")
    (tmp_path / "elsewhere" / "nested").mkdir(parents=True)
    shutil.copy(cf_files[1], tmp_path / "elsewhere" / "nested" / "deep.json")
    write_json(tmp_path / "metadata.json", metadata({"custom_formats": ["elsewhere", "top.json"]}))

    loaded = load_catalogs(tmp_path)

    assert {cf.source for cf in loaded.sonarr.custom_formats.values()} == {
        "elsewhere/nested/deep.json",
        "top.json",
    }
    assert loaded.radarr.custom_formats == {}


def test_missing_metadata_json_is_a_guide_error(tmp_path: Path) -> None:
    with pytest.raises(GuideError, match=r"metadata\.json: not found"):
        load_catalogs(tmp_path)


def test_a_malformed_json_file_is_skipped_and_named(tmp_path: Path) -> None:
    write_json(tmp_path / "metadata.json", metadata({"quality_profiles": ["profiles"]}))
    (tmp_path / "profiles").mkdir()
    (tmp_path / "profiles" / "broken.json").write_text('{"trash_id": "x",', encoding="utf-8")

    broken = load_catalogs(tmp_path).sonarr.broken

    assert [(b.path, b.kind, b.trash_id) for b in broken] == [
        ("profiles/broken.json", "quality_profiles", None)
    ]
    assert broken[0].error.startswith("malformed JSON")


def test_malformed_metadata_json_error_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "metadata.json").write_text("{nope", encoding="utf-8")

    with pytest.raises(GuideError, match=r"metadata\.json: malformed JSON"):
        load_catalogs(tmp_path)


def test_json_that_does_not_fit_the_model_is_skipped_naming_the_file_field_and_trash_id(
    tmp_path: Path,
) -> None:
    write_json(tmp_path / "metadata.json", metadata({"custom_formats": ["cf"]}))
    write_json(tmp_path / "cf" / "nameless.json", {"trash_id": "x", "specifications": []})

    catalog = load_catalogs(tmp_path).sonarr

    assert catalog.custom_formats == {}
    [broken] = catalog.broken
    assert (broken.path, broken.trash_id) == ("cf/nameless.json", "x")
    assert broken.error == "not a valid GuideCustomFormat: name: Field required"


def test_duplicate_trash_id_keeps_the_later_file_and_warns(tmp_path: Path) -> None:
    write_json(tmp_path / "metadata.json", metadata({"custom_formats": ["cf"]}))
    write_json(tmp_path / "cf" / "a.json", {"trash_id": "x", "name": "First"})
    write_json(tmp_path / "cf" / "b.json", {"trash_id": "x", "name": "Second"})

    with capture_logs() as logs:
        loaded = load_catalogs(tmp_path)

    assert loaded.sonarr.custom_formats["x"].name == "Second"
    assert [e["dropped"] for e in logs if e["event"] == "guides.duplicate_trash_id"] == ["cf/a.json"]


def test_listed_path_that_does_not_exist_is_skipped_with_a_warning(tmp_path: Path) -> None:
    write_json(tmp_path / "metadata.json", metadata({"custom_formats": ["gone"]}))

    with capture_logs() as logs:
        loaded = load_catalogs(tmp_path)

    assert loaded.sonarr.custom_formats == {}
    assert [e["path"] for e in logs if e["event"] == "guides.path_missing"] == ["gone"]


def test_local_custom_formats_from_a_flat_folder(tmp_path: Path) -> None:
    write_json(tmp_path / "mine" / "a.json", {"trash_id": "a", "name": "A"})
    write_json(tmp_path / "mine" / "sub" / "b.json", {"trash_id": "b", "name": "B"})

    found = load_local_custom_formats([tmp_path / "mine"], "radarr")

    assert sorted(found) == ["a", "b"]
    assert found["b"].source == str(tmp_path / "mine" / "sub" / "b.json")


def test_local_custom_formats_from_a_folder_split_by_service(tmp_path: Path) -> None:
    write_json(tmp_path / "mine" / "sonarr" / "s.json", {"trash_id": "s", "name": "S"})
    write_json(tmp_path / "mine" / "radarr" / "r.json", {"trash_id": "r", "name": "R"})
    write_json(tmp_path / "mine" / "ignored.json", {"trash_id": "i", "name": "I"})

    assert list(load_local_custom_formats([tmp_path / "mine"], "sonarr")) == ["s"]
    assert list(load_local_custom_formats([tmp_path / "mine"], "radarr")) == ["r"]


def test_local_custom_formats_later_folder_wins(tmp_path: Path) -> None:
    write_json(tmp_path / "one" / "x.json", {"trash_id": "x", "name": "One"})
    write_json(tmp_path / "two" / "x.json", {"trash_id": "x", "name": "Two"})

    found = load_local_custom_formats([tmp_path / "one", tmp_path / "two"], "sonarr")

    assert found["x"].name == "Two"


def test_local_custom_format_errors_name_the_file_or_folder(tmp_path: Path) -> None:
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "bad.json").write_text("[1,", encoding="utf-8")

    with pytest.raises(GuideError, match=r"mine/bad\.json: malformed JSON"):
        load_local_custom_formats([tmp_path / "mine"], "sonarr")
    with pytest.raises(GuideError, match=r"absent: local custom format folder not found"):
        load_local_custom_formats([tmp_path / "absent"], "sonarr")
