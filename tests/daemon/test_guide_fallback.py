"""The daemon falls back to the last good guide revision when a new one has broken files, says so
in /status, /readyz and `syncd_guide_fallback`, and keeps syncing."""

from __future__ import annotations

import asyncio
from pathlib import Path

from syncd.daemon.runtime import Daemon
from syncd.simulator import SimulatedServarr
from tests.daemon.conftest import Harness, get
from tests.gitrepos import commit_change, make_git_repo
from tests.shared import SHARED


def test_a_broken_guide_revision_falls_back_to_the_last_good_one(
    harness: Harness, tmp_path: Path, sonarr: SimulatedServarr, radarr: SimulatedServarr
) -> None:
    origin = tmp_path / "guides-origin"
    harness.env["SYNCD_TRASH_GUIDES_URL"] = make_git_repo(SHARED / "trash-guides", origin)

    async def scenario() -> tuple[Daemon, list[str | None], int, str, int, str]:
        daemon = harness.daemon()
        await daemon.start(first_run=False, watch=False)
        try:
            good = await daemon.run_cycle()
            good_revision = daemon.status.guide_revision
            commit_change(origin, "docs/json/sonarr/cf/br-disk.json", "{ broken")
            sonarr.reset_requests()
            fallen_back = await daemon.run_cycle()
            ready = await get(daemon, "/readyz")
            status = (await get(daemon, "/status")).json()
            assert status["guide_fallback"]["using_revision"] == good_revision
            assert status["guide_fallback"]["broken_files"] == ["docs/json/sonarr/cf/br-disk.json"]
            assert status["guide_revision"] == good_revision
            assert daemon.metrics.registry.get_sample_value("syncd_guide_fallback") == 1
            requests = len(sonarr.requests)
            commit_change(
                origin,
                "docs/json/sonarr/cf/br-disk.json",
                (SHARED / "trash-guides/docs/json/sonarr/cf/br-disk.json").read_text(),
            )
            recovered = await daemon.run_cycle()
            after = await get(daemon, "/readyz")
            return (
                daemon,
                [good, fallen_back, recovered],
                ready.status_code,
                ready.text,
                after.status_code,
                str(requests),
            )
        finally:
            await daemon.close()

    daemon, results, ready_code, ready_text, after_code, requests = asyncio.run(scenario())
    assert results == ["success", "success", "success"]
    assert ready_code == 503
    assert "has broken files (docs/json/sonarr/cf/br-disk.json)" in ready_text
    assert "syncing with the last good revision" in ready_text
    assert int(requests) > 0, "the daemon kept syncing Sonarr"
    assert after_code == 200
    assert daemon.status.guide_fallback is None
    assert daemon.metrics.registry.get_sample_value("syncd_guide_fallback") == 0
