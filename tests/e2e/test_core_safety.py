"""End to end: the core's safety holes stay closed. An edited saved plan is refused, one
instance's config error does not block the others."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from syncd.simulator import SimulatedServarr
from tests.e2e.conftest import run, writes
from tests.shared import SONARR_KEY

SONARR = """\
  main:
    base_url: {url}
    api_key: !env SONARR_KEY
    include:
      - preset: sonarr-web-1080p
"""
RADARR = """\
radarr:
  main:
    base_url: {url}
    api_key: !env RADARR_KEY
    include:
      - preset: radarr-hd-bluray-web
{extra}"""
UNKNOWN_GROUP = (
    "    custom_format_groups:\n      add:\n        - trash_id: 0123456789abcdef0123456789abcdef\n"
)


def write_config(tmp_path: Path, sonarr: SimulatedServarr, body: str = "") -> Path:
    path = tmp_path / "syncd.yml"
    path.write_text("syncd: 1\nsonarr:\n" + SONARR.format(url=sonarr.url) + body)
    return path


def planned(tmp_path: Path, config: Path) -> tuple[Path, dict[str, Any]]:
    planfile = tmp_path / "plan.json"
    result = run("plan", "-c", str(config), "--out", str(planfile))
    assert result.code == 0, result.err
    return planfile, json.loads(planfile.read_text())


def first_change(document: dict[str, Any], type_: str) -> dict[str, Any]:
    changes: list[dict[str, Any]] = document["instances"][0]["changes"]
    return next(c for c in changes if c["type"] == type_ and c["action"] == "create")


def edit_regex(document: dict[str, Any]) -> None:
    change = first_change(document, "custom_format")
    change["after"]["specifications"][0]["fields"]["value"] = "(?i)anything-at-all"


def edit_sizes(document: dict[str, Any]) -> None:
    changes: list[dict[str, Any]] = document["instances"][0]["changes"]
    size = next(c for c in changes if c["type"] == "quality_definition" and c["action"] == "update")
    size["after"]["max"] = 1.0


def edit_version(document: dict[str, Any]) -> None:
    document["format_version"] = "9.9"


def add_delete_of_default_profile(document: dict[str, Any]) -> None:
    document["instances"][0]["changes"].append(
        {
            "instance": "sonarr.main",
            "type": "quality_profile",
            "name": "Any",
            "action": "delete",
            "live_id": 1,
            "before": {"name": "Any"},
        }
    )


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (edit_regex, "not what syncd plans now"),
        (edit_sizes, "not what syncd plans now"),
        (edit_version, "format_version '9.9'"),
        (add_delete_of_default_profile, 'quality_profile["Any"] is not planned now'),
    ],
    ids=["regex", "sizes", "format-version", "added-delete"],
)
def test_an_edited_saved_plan_is_refused_and_nothing_is_written(
    edit: Any, message: str, env: Path, tmp_path: Path, sonarr: SimulatedServarr
) -> None:
    config = write_config(tmp_path, sonarr)
    planfile, document = planned(tmp_path, config)
    edit(document)
    planfile.write_text(json.dumps(document))
    refused = run("apply", "-c", str(config), str(planfile))
    assert refused.code == 1
    assert message in refused.err
    assert writes(sonarr) == []


def test_an_unedited_saved_plan_applies_the_fresh_plan(
    env: Path, tmp_path: Path, sonarr: SimulatedServarr
) -> None:
    config = write_config(tmp_path, sonarr)
    planfile, _ = planned(tmp_path, config)
    applied = run("apply", "-c", str(config), str(planfile))
    assert applied.code == 0, applied.err
    assert "No changes." in run("plan", "-c", str(config)).out


def test_one_instances_config_error_does_not_block_the_others(
    env: Path, tmp_path: Path, sonarr: SimulatedServarr, radarr: SimulatedServarr
) -> None:
    config = write_config(tmp_path, sonarr, UNKNOWN_GROUP + RADARR.format(url=radarr.url, extra=""))
    validated = run("validate", "-c", str(config))
    assert validated.code == 1
    assert "0123456789abcdef0123456789abcdef" in validated.err

    applied = run("apply", "-c", str(config))
    assert applied.code == 1
    assert "sonarr.main: the plan has errors; nothing was written to it" in applied.err
    assert "0123456789abcdef0123456789abcdef" in applied.err
    assert writes(sonarr) == []
    assert writes(radarr), applied.out
    assert "radarr.main: applied" in applied.out


def test_state_of_another_server_is_not_used_and_syncd_says_so(
    env: Path, tmp_path: Path, sonarr: SimulatedServarr
) -> None:
    config = write_config(tmp_path, sonarr)
    assert run("apply", "-c", str(config)).code == 0
    owned_id = next(c["id"] for c in sonarr.state.custom_formats.values() if c["name"] == "BR-DISK")
    with SimulatedServarr("sonarr", api_key=SONARR_KEY) as other:
        other.state.custom_formats[owned_id] = {
            "id": owned_id,
            "name": "Unrelated Format",
            "includeCustomFormatWhenRenaming": False,
            "specifications": [
                {
                    "name": "x",
                    "implementation": "ReleaseTitleSpecification",
                    "negate": False,
                    "required": False,
                    "fields": {"value": "x"},
                }
            ],
        }
        for profile in other.state.quality_profiles.values():
            profile["formatItems"].append({"format": owned_id, "score": 0})
        repointed = write_config(tmp_path, other)
        plan = run("plan", "-c", str(repointed))
        assert plan.code == 0, plan.err
        assert "ownership state was recorded for another server" in plan.out
        assert "Unrelated Format" not in plan.out
        assert '  + sonarr.main.custom_format["BR-DISK"] (' in plan.out


def hand_made_formats(sonarr: SimulatedServarr, count: int) -> None:
    for offset in range(count):
        cf_id = 900 + offset
        sonarr.state.custom_formats[cf_id] = {
            "id": cf_id,
            "name": f"Hand Made {offset}",
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
            profile["formatItems"].append({"format": cf_id, "score": 0})


DELETE_UNMANAGED = "    delete:\n      unmanaged_custom_formats:\n        enabled: true\n"


def test_many_deletes_are_refused_unless_allowed(env: Path, tmp_path: Path, sonarr: SimulatedServarr) -> None:
    hand_made_formats(sonarr, 6)
    config = write_config(tmp_path, sonarr, DELETE_UNMANAGED)
    plan = run("plan", "-c", str(config))
    assert plan.code == 1
    assert "the plan deletes 6 objects, more than 5; refused" in plan.out
    refused = run("apply", "-c", str(config))
    assert refused.code == 1
    assert "--allow-many-deletes" in refused.err
    assert writes(sonarr) == []

    allowed = run("apply", "-c", str(config), "--allow-many-deletes")
    assert allowed.code == 0, allowed.err
    assert not any(cf_id in sonarr.state.custom_formats for cf_id in range(900, 906))


def test_a_config_bound_replaces_the_default_threshold(
    env: Path, tmp_path: Path, sonarr: SimulatedServarr
) -> None:
    hand_made_formats(sonarr, 1)
    config = write_config(tmp_path, sonarr, DELETE_UNMANAGED + "      max_deletes: 0\n")
    refused = run("apply", "-c", str(config))
    assert refused.code == 1
    assert "more than delete.max_deletes (0)" in refused.err
    assert writes(sonarr) == []


def test_a_wrong_shape_reply_stops_only_that_instance(
    env: Path, tmp_path: Path, sonarr: SimulatedServarr, radarr: SimulatedServarr
) -> None:
    # A 200 whose body is an object where a list belongs.
    sonarr.fail_next(1, 200, path_prefix="/api/v3/customformat", method="GET")
    config = write_config(tmp_path, sonarr, RADARR.format(url=radarr.url, extra=""))
    applied = run("apply", "-c", str(config))
    assert applied.code == 1
    assert (
        "sonarr.main: unexpected reply to GET customformat: expected a JSON list, got an object"
        in applied.out + applied.err
    )
    assert "Traceback" not in applied.out + applied.err
    assert writes(sonarr) == []
    assert "radarr.main: applied" in applied.out
