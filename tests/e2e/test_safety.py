"""End to end: bad input and failures give clear errors and write nothing; saved plans,
partial failures, drift, deletion policy and secrets behave as promised."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from syncd.simulator import SimulatedServarr
from syncd.state import ownership
from tests.e2e.conftest import run, writes
from tests.gitrepos import make_git_repo
from tests.shared import SHARED, SONARR_KEY

BASE = """\
syncd: 1
sonarr:
  main:
    base_url: {url}
    api_key: !env SONARR_KEY
{body}"""

PRESET = """\
    include:
      - preset: sonarr-web-1080p
"""


def write_config(tmp_path: Path, url: str, body: str = PRESET, name: str = "syncd.yml") -> Path:
    path = tmp_path / name
    path.write_text(BASE.format(url=url, body=body))
    return path


def line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


@pytest.mark.parametrize(
    ("body", "needle", "message"),
    [
        (
            "    custom_formats:\n      - trash_ids:\n          - 00000000000000000000000000000000\n",
            "00000000000000000000000000000000",
            "00000000000000000000000000000000",
        ),
        (
            "    quality_profiles:\n      - name: Mine\n        qualities:\n          - name: Bluray-9000p\n",
            "Bluray-9000p",
            "Bluray-9000p",
        ),
        (
            "    quality_profiles:\n      - name: Mine\n        score_set: klingon\n"
            "        qualities:\n          - name: WEBDL-1080p\n",
            "- name: Mine",
            "klingon",
        ),
        (
            "    quality_profiles:\n      - name: Mine\n        upgrade:\n          allowed: true\n"
            "          until_quality: HDTV-720p\n        qualities:\n          - name: WEBDL-1080p\n"
            "          - name: HDTV-720p\n            enabled: false\n",
            "- name: Mine",
            "cutoff",
        ),
        (
            "    quality_definition:\n      type: series\n      qualities:\n"
            "        - name: HDTV-720p\n          min: 50\n          preferred: 20\n          max: 100\n",
            "- name: HDTV-720p",
            "HDTV-720p",
        ),
    ],
    ids=[
        "unknown-trash-id",
        "unknown-quality",
        "unknown-score-set",
        "cutoff-not-allowed",
        "min-over-preferred",
    ],
)
def test_validation_errors_name_the_line_and_nothing_is_written(
    body: str, needle: str, message: str, env: Path, tmp_path: Path, sonarr: SimulatedServarr
) -> None:
    config = write_config(tmp_path, sonarr.url, body)
    checked = run("validate", "-c", str(config))
    assert checked.code == 1
    location = f"{config}:{line_of(config, needle)}"
    error_lines = [line for line in checked.err.splitlines() if message in line]
    assert error_lines, checked.err
    assert any(line.startswith(location) for line in error_lines), (location, checked.err)
    assert sonarr.requests == []

    applied = run("apply", "-c", str(config))
    assert applied.code == 1
    assert "nothing was written" in applied.err
    assert writes(sonarr) == []


def test_duplicate_custom_format_names_from_a_local_folder_are_an_error(
    env: Path, tmp_path: Path, sonarr: SimulatedServarr
) -> None:
    local = tmp_path / "my-cfs"
    local.mkdir()
    (local / "br-disk.json").write_text(
        json.dumps(
            {
                "trash_id": "my-own-br-disk",
                "name": "BR-DISK",
                "specifications": [
                    {"name": "x", "implementation": "ReleaseTitleSpecification", "fields": {"value": "x"}}
                ],
            }
        )
    )
    config = tmp_path / "syncd.yml"
    config.write_text(
        f"syncd: 1\nguides:\n  local_custom_formats: [{local}]\n"
        + BASE.format(
            url=sonarr.url, body=PRESET + "    custom_formats:\n      - trash_ids: [my-own-br-disk]\n"
        ).split("\n", 1)[1]
    )
    checked = run("validate", "-c", str(config))
    assert checked.code == 1
    assert "BR-DISK" in checked.err


def test_invalid_yaml_names_file_and_line(env: Path, tmp_path: Path) -> None:
    config = tmp_path / "broken.yml"
    config.write_text("syncd: 1\nsonarr:\n  main:\n    base_url: [unclosed\n")
    result = run("plan", "-c", str(config))
    assert result.code == 1
    assert f"{config}:" in result.err


def test_unknown_key_in_syncd_format_is_an_error(env: Path, tmp_path: Path, sonarr: SimulatedServarr) -> None:
    config = write_config(tmp_path, sonarr.url, PRESET + "    custom_formatz: []\n")
    result = run("plan", "-c", str(config))
    assert result.code == 1
    assert f"{config}:{line_of(config, 'custom_formatz')}" in result.err


def test_wrong_api_key_is_a_clear_error_and_the_key_is_never_printed(
    env: Path, tmp_path: Path, sonarr: SimulatedServarr, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SONARR_KEY", "wrong-key-that-must-not-leak")
    config = write_config(tmp_path, sonarr.url)
    result = run("--log-level", "debug", "apply", "-c", str(config))
    assert result.code == 1
    assert "API key" in result.out + result.err
    assert "wrong-key-that-must-not-leak" not in result.out + result.err
    assert writes(sonarr) == []


def test_unreachable_server_is_a_clear_error(env: Path, tmp_path: Path) -> None:
    config = write_config(tmp_path, "http://127.0.0.1:9")
    result = run("apply", "-c", str(config))
    assert result.code == 1
    assert "cannot reach" in result.out + result.err


def test_guide_repo_unreachable_without_cache_fails_and_with_cache_warns(
    env: Path, tmp_path: Path, sonarr: SimulatedServarr, monkeypatch: pytest.MonkeyPatch
) -> None:
    origin = tmp_path / "guides-origin"
    monkeypatch.setenv("SYNCD_TRASH_GUIDES_URL", make_git_repo(SHARED / "trash-guides", origin))
    config = write_config(tmp_path, sonarr.url)
    assert run("plan", "-c", str(config)).code == 0  # fills the cache
    origin.rename(tmp_path / "guides-gone")  # the remote is now unreachable
    cached = run("plan", "-c", str(config))
    assert cached.code == 0, cached.err
    assert "Warning: guides:" in cached.out
    assert "Plan:" in cached.out
    monkeypatch.setenv("SYNCD_STATE_DIR", str(tmp_path / "empty-state"))
    fresh = run("apply", "-c", str(config))
    assert fresh.code == 1
    assert "guides-origin" in fresh.err
    assert "does not appear to be a git repository" in fresh.err
    assert writes(sonarr) == []


def test_secrets_never_appear_in_output_or_logs(env: Path, tmp_path: Path, sonarr: SimulatedServarr) -> None:
    config = write_config(tmp_path, sonarr.url)
    outputs = [
        run("--log-level", "debug", "plan", "-c", str(config), "--json"),
        run("--log-level", "debug", "apply", "-c", str(config)),
        run("--log-level", "debug", "plan", "-c", str(config)),
    ]
    for result in outputs:
        assert result.code == 0, result.err
        assert SONARR_KEY not in result.out + result.err


def test_saved_plan_applies_when_nothing_moved_and_is_refused_when_live_state_changed(
    env: Path, tmp_path: Path, sonarr: SimulatedServarr
) -> None:
    config = write_config(tmp_path, sonarr.url)
    planfile = tmp_path / "plan.json"
    planned = run("plan", "-c", str(config), "--out", str(planfile), "--detailed-exitcode")
    assert planned.code == 2
    sonarr.state.naming["seasonFolderFormat"] = "Changed by hand {season}"
    refused = run("apply", "-c", str(config), str(planfile))
    assert refused.code == 1
    assert "changed since the plan was made" in refused.err
    assert writes(sonarr) == []

    run("plan", "-c", str(config), "--out", str(planfile))
    applied = run("apply", "-c", str(config), str(planfile))
    assert applied.code == 0, applied.err
    assert "No changes." in run("plan", "-c", str(config)).out


def test_failed_write_stops_the_instance_and_the_next_run_converges(
    env: Path, tmp_path: Path, sonarr: SimulatedServarr
) -> None:
    config = write_config(tmp_path, sonarr.url)
    sonarr.fail_next(1, 500, path_prefix="/api/v3/qualityprofile", method="POST")
    failed = run("apply", "-c", str(config))
    assert failed.code == 1
    assert "FAILED at sonarr.main.quality_profile" in failed.out
    assert "not applied" in failed.out
    assert run("apply", "-c", str(config)).code == 0
    assert "No changes." in run("plan", "-c", str(config)).out


def test_hand_edit_is_reverted_on_the_next_apply(env: Path, tmp_path: Path, sonarr: SimulatedServarr) -> None:
    config = write_config(tmp_path, sonarr.url)
    assert run("apply", "-c", str(config)).code == 0
    cf = next(c for c in sonarr.state.custom_formats.values() if c["name"] == "BR-DISK")
    cf["name"] = "BR-DISK (edited)"
    drift = run("plan", "-c", str(config))
    assert '~ name = "BR-DISK (edited)" -> "BR-DISK"' in drift.out
    assert run("apply", "-c", str(config)).code == 0
    assert cf["name"] == "BR-DISK" or any(
        c["name"] == "BR-DISK" for c in sonarr.state.custom_formats.values()
    )
    assert "No changes." in run("plan", "-c", str(config)).out


def test_unmanaged_objects_are_kept_unless_deletion_is_opted_in(
    env: Path, tmp_path: Path, sonarr: SimulatedServarr
) -> None:
    sonarr.state.custom_formats[999] = {
        "id": 999,
        "name": "Made By Hand",
        "includeCustomFormatWhenRenaming": False,
        "specifications": [
            {
                "name": "x",
                "implementation": "ReleaseTitleSpecification",
                "negate": False,
                "required": False,
                "fields": {"value": "hand"},
            }
        ],
    }
    for profile in sonarr.state.quality_profiles.values():
        profile["formatItems"].append({"format": 999, "score": 0})
    config = write_config(tmp_path, sonarr.url)
    assert run("apply", "-c", str(config)).code == 0
    assert 999 in sonarr.state.custom_formats

    opted = write_config(
        tmp_path,
        sonarr.url,
        PRESET + "    delete:\n      unmanaged_custom_formats:\n        enabled: true\n",
        "opt.yml",
    )
    plan = run("plan", "-c", str(opted))
    assert '# sonarr.main.custom_format["Made By Hand"] will be destroyed' in plan.out
    assert run("apply", "-c", str(opted)).code == 0
    assert 999 not in sonarr.state.custom_formats


def test_recyclarr_state_is_imported_so_renamed_objects_are_followed(
    env: Path, tmp_path: Path, sonarr: SimulatedServarr
) -> None:
    config = write_config(tmp_path, sonarr.url)
    assert run("apply", "-c", str(config)).code == 0
    br_disk = next(c for c in sonarr.state.custom_formats.values() if c["name"] == "BR-DISK")
    br_disk["name"] = "Renamed By Hand"
    # A Recyclarr user arriving with Recyclarr's state for this server and no syncd state.
    state_dir = tmp_path / "state"
    for path in (state_dir / "ownership").glob("*.json"):
        path.unlink()
    folder = tmp_path / "state" / "sonarr" / ownership.fnv1a64(sonarr.url)
    folder.mkdir(parents=True)
    (folder / "custom-format-mappings.json").write_text(
        json.dumps(
            {
                "mappings": [
                    {
                        "trash_id": "85c61753df5da1fb2aab6f2a47426b09",
                        "name": "BR-DISK",
                        "service_id": br_disk["id"],
                    }
                ]
            }
        )
    )
    plan = run("plan", "-c", str(config))
    assert '~ name = "Renamed By Hand" -> "BR-DISK"' in plan.out


def test_profile_in_use_is_never_deleted_even_when_deletion_is_opted_in(
    env: Path, tmp_path: Path, sonarr: SimulatedServarr
) -> None:
    in_use = next(p for p in sonarr.state.quality_profiles.values() if p["name"] == "SD")
    sonarr.mark_profile_in_use(in_use["id"])
    config = write_config(
        tmp_path,
        sonarr.url,
        PRESET
        + "    delete:\n      unmanaged_quality_profiles:\n        enabled: true\n        ignore: [Any]\n",
    )
    plan = run("plan", "-c", str(config))
    assert (
        'Warning: sonarr.main.quality_profile["SD"]: not deleted: 1 series still use this profile' in plan.out
    )
    assert '# sonarr.main.quality_profile["HD-720p"] will be destroyed' in plan.out
    assert '# sonarr.main.quality_profile["Any"] will be destroyed' not in plan.out
    assert run("apply", "-c", str(config)).code == 0
    assert sorted(p["name"] for p in sonarr.state.quality_profiles.values()) == ["Any", "SD", "WEB-1080p"]
