"""End to end, for every registry kind: plan, apply, then plan shows no changes and a second
apply writes nothing (the contract of `tests/kinds/test_contract.py`, through the CLI)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from syncd.kinds import registry
from syncd.kinds.base import Kind
from syncd.simulator import SimulatedServarr
from tests.e2e.conftest import run, writes
from tests.kinds.test_contract import CONFIG, SAMPLES


def config_for(kind: Kind, sonarr: SimulatedServarr, tmp_path: Path) -> Path:
    section = json.dumps(CONFIG[kind.name] if kind.name in CONFIG else SAMPLES[kind.name])
    path = tmp_path / "syncd.yml"
    path.write_text(
        f"syncd: 1\nsonarr:\n  main:\n    base_url: {sonarr.url}\n    api_key: !env SONARR_KEY\n"
        f"    {kind.section}: {section}\n"
    )
    return path


# The Prowlarr and Plex kinds converge in tests/e2e/test_prowlarr_plex.py, against the stack.
@pytest.mark.parametrize("kind", [pytest.param(k, id=k.name) for k in registry.for_service("sonarr")])
def test_the_kind_converges(kind: Kind, env: Path, tmp_path: Path, sonarr: SimulatedServarr) -> None:
    config = str(config_for(kind, sonarr, tmp_path))
    first = run("plan", "-c", config)
    assert first.code == 0, first.err
    assert f"sonarr.main.{kind.name}" in first.out
    applied = run("apply", "-c", config)
    assert applied.code == 0, applied.err + applied.out
    assert writes(sonarr)
    sonarr.requests.clear()
    again = run("plan", "-c", config)
    assert "No changes." in again.out, again.out
    assert run("apply", "-c", config).code == 0
    assert writes(sonarr) == []


def test_a_provider_secret_is_write_only_pushed_when_changed_and_never_shown(
    env: Path, tmp_path: Path, sonarr: SimulatedServarr
) -> None:
    kind = registry.BY_NAME["download_client"]
    config = config_for(kind, sonarr, tmp_path)
    first = run("--log-level", "debug", "apply", "-c", str(config))
    assert first.code == 0, first.err
    stored = next(iter(sonarr.state.download_clients.rows.values()))
    assert stored["settings"]["password"] == "qbt-s3cret-Value"
    again = run("--log-level", "debug", "plan", "-c", str(config))
    assert "No changes." in again.out  # the server's "********" is no difference
    config.write_text(config.read_text().replace("qbt-s3cret-Value", "an0ther-S3cret"))
    changed = run("--log-level", "debug", "apply", "-c", str(config))
    assert changed.code == 0, changed.err
    assert stored["settings"]["password"] == "an0ther-S3cret" or any(
        row["settings"]["password"] == "an0ther-S3cret" for row in sonarr.state.download_clients.rows.values()
    )
    for result in (first, again, changed):
        for secret in ("qbt-s3cret-Value", "an0ther-S3cret"):
            assert secret not in result.out + result.err


def test_delete_config_feeds_every_kind_unmanaged_objects_stay_unless_opted_in(
    env: Path, tmp_path: Path, sonarr: SimulatedServarr
) -> None:
    sonarr.state.tags.create({"label": "hand-made"})
    sonarr.state.tags.create({"label": "keep"})
    config = config_for(registry.BY_NAME["tag"], sonarr, tmp_path)
    assert run("apply", "-c", str(config)).code == 0
    assert {"hand-made", "keep"} <= {t["label"] for t in sonarr.state.tags.list_all()}
    config.write_text(
        config.read_text()
        + "    delete:\n      unmanaged_tags:\n        enabled: true\n        ignore: [keep]\n"
    )
    plan = run("plan", "-c", str(config))
    assert '# sonarr.main.tag["hand-made"] will be destroyed' in plan.out
    assert 'tag["keep"]' not in plan.out
    assert run("apply", "-c", str(config)).code == 0
    assert sorted(t["label"] for t in sonarr.state.tags.list_all()) == ["4k", "anime", "keep"]
