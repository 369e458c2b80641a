"""A Plex without a token: the daemon syncs everything else, and /status (and its page) say
why Plex was skipped."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from syncd.simulator import SimulatedServarr
from tests.daemon.conftest import Harness, config_text, get


def test_a_plex_without_a_token_is_a_warning_on_status_and_the_rest_syncs(
    harness: Harness, sonarr: SimulatedServarr, radarr: SimulatedServarr
) -> None:
    block = "plex:\n  main:\n    base_url: http://127.0.0.1:9\n    libraries:\n      - {name: Movies, type: movie, path: /m}\n"
    Path(harness.config).write_text(config_text(sonarr, radarr) + block, encoding="utf-8")

    async def scenario() -> tuple[str | None, dict[str, Any], str]:
        daemon = harness.daemon()
        await daemon.start(first_run=False, watch=False)
        try:
            result = await daemon.run_cycle()
            return result, (await get(daemon, "/status")).json(), (await get(daemon, "/")).text
        finally:
            await daemon.close()

    result, status, page = asyncio.run(scenario())
    instances = {i["address"]: i for i in status["instances"]}
    assert instances["sonarr.main"]["result"] == "success"
    assert instances["plex.main"]["result"] == "success"
    (warning,) = instances["plex.main"]["warnings"]
    assert "no Plex token" in warning
    assert "no Plex token" in page
    assert result == "success"
