"""The plan as a person reads it: compact creates, --detail, and `syncd show PLANFILE`."""

from __future__ import annotations

import json
from pathlib import Path

from syncd.simulator import SimulatedServarr
from tests.e2e.conftest import run
from tests.e2e.test_safety import write_config


def test_first_plan_is_one_line_per_created_object_with_counts(
    env: Path, tmp_path: Path, sonarr: SimulatedServarr
) -> None:
    config = write_config(tmp_path, sonarr.url)
    compact = run("plan", "-c", str(config))
    detailed = run("plan", "-c", str(config), "--detail")
    assert compact.code == detailed.code == 0, compact.err
    document = json.loads(run("plan", "-c", str(config), "--json").out)
    created = [rc["address"] for rc in document["resource_changes"] if rc["change"]["actions"] == ["create"]]
    assert created
    lines = compact.out.splitlines()
    for address in created:
        assert sum(1 for line in lines if line.startswith(f"  + {address}")) == 1
    assert "      + specifications = [" not in compact.out
    assert "      + specifications = [" in detailed.out
    assert len(lines) * 3 < len(detailed.out.splitlines())
    kinds = {rc["type"] for rc in document["resource_changes"] if rc["change"]["actions"] == ["create"]}
    counts = next(line for line in lines if line.startswith("  sonarr.main: add "))
    for kind in kinds:
        n = sum(
            1
            for rc in document["resource_changes"]
            if rc["type"] == kind and "create" in rc["change"]["actions"]
        )
        assert f"{n} {kind}" in counts
    assert "--detail shows all their attributes" in compact.out
    assert "--detail" not in detailed.out
    # Updates keep their field-level diff in the compact plan too.
    updated = [rc for rc in document["resource_changes"] if rc["change"]["actions"] == ["update"]]
    assert updated and all(f"  # {rc['address']} will be updated in-place" in compact.out for rc in updated)


def test_show_prints_a_saved_plan_without_reading_any_server(
    env: Path, tmp_path: Path, sonarr: SimulatedServarr
) -> None:
    config = write_config(tmp_path, sonarr.url)
    planfile = tmp_path / "plan.json"
    planned = run("plan", "-c", str(config), "--out", str(planfile))
    as_json = run("plan", "-c", str(config), "--json")
    requests = len(sonarr.requests)
    shown = run("show", str(planfile))
    assert shown.code == 0, shown.err
    assert planned.out.startswith(shown.out)
    assert "Plan: " in shown.out
    shown_json = run("show", str(planfile), "--json")
    assert json.loads(shown_json.out)["resource_changes"] == json.loads(as_json.out)["resource_changes"]
    assert "+ specifications" in run("show", str(planfile), "--detail").out
    assert len(sonarr.requests) == requests


def test_show_refuses_what_is_not_a_plan(tmp_path: Path) -> None:
    bogus = tmp_path / "plan.json"
    bogus.write_text('{"instances": "nope"}')
    result = run("show", str(bogus))
    assert result.code == 1
    assert f"{bogus}: not a syncd plan file" in result.err
    missing = run("show", str(tmp_path / "absent.json"))
    assert missing.code == 1 and "cannot read the plan file" in missing.err
