"""The HTTP endpoints return the documented content, readiness follows the guide checkout,
and no secret reaches an endpoint or a log line."""

from __future__ import annotations

import asyncio
import io
import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from syncd.daemon import page
from syncd.daemon.runtime import Daemon
from syncd.logs import configure_logging
from syncd.simulator import SimulatedServarr
from tests.daemon.conftest import Harness, get
from tests.shared import RADARR_KEY


def fetch_all(daemon: Daemon, paths: tuple[str, ...]) -> dict[str, httpx.Response]:
    async def scenario() -> dict[str, httpx.Response]:
        return {path: await get(daemon, path) for path in paths}

    return asyncio.run(scenario())


def test_endpoints_return_the_documented_content(
    harness: Harness, sonarr: SimulatedServarr, radarr: SimulatedServarr
) -> None:
    async def scenario() -> dict[str, httpx.Response]:
        daemon = harness.daemon()
        await daemon.start(first_run=False, watch=False)
        try:
            await daemon.run_cycle()
            paths = ("/healthz", "/readyz", "/metrics", "/status", "/", "/nope")
            answers = {path: await get(daemon, path) for path in paths}
            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{daemon.server.port}") as client:
                answers["POST /status"] = await client.post("/status")
                answers["HEAD /healthz"] = await client.head("/healthz")
            return answers
        finally:
            await daemon.close()

    answers = asyncio.run(scenario())
    assert (answers["/healthz"].status_code, answers["/healthz"].text) == (200, "ok\n")
    assert (answers["/readyz"].status_code, answers["/readyz"].text) == (200, "ready\n")
    metrics = answers["/metrics"].text
    assert answers["/metrics"].headers["content-type"].startswith("text/plain; version=0.0.4")
    assert 'syncd_sync_runs_total{result="success"} 1.0' in metrics
    assert 'syncd_instance_sync_runs_total{instance="sonarr.main",result="success"} 1.0' in metrics
    assert "syncd_sync_duration_seconds_count 1.0" in metrics
    assert (
        'syncd_changes_applied_total{action="create",instance="radarr.movies",type="custom_format"}'
        in metrics
    )
    assert 'syncd_last_success_timestamp_seconds{instance="sonarr.main"}' in metrics
    assert 'syncd_guide_revision_info{revision="' in metrics
    assert "syncd_drift_detected_total" in metrics
    status = answers["/status"].json()
    assert answers["/status"].headers["content-type"] == "application/json"
    assert status["status_version"] == 1
    assert status["schedule"] == "every 3600s, jitter 0s"
    assert status["next_run_at"] is not None
    assert status["mode"] == "apply"
    assert status["guide_date"] is not None and status["guide_date"].endswith("+00:00")
    assert status["cycle"]["result"] == "success"
    assert status["config"]["path"] == str(harness.config)
    assert [i["address"] for i in status["instances"]] == ["radarr.movies", "sonarr.main"]
    sonarr_status = status["instances"][1]
    assert sonarr_status["result"] == "success"
    assert sonarr_status["applied"] > 0
    assert sum(sonarr_status["plan"].values()) == sonarr_status["applied"]
    html = answers["/"].text
    assert answers["/"].headers["content-type"].startswith("text/html")
    assert "<h2>sonarr.main</h2>" in html
    assert 'href="/metrics"' in html
    assert status["ready"] == {"ok": True, "reasons": []}
    assert answers["/nope"].status_code == 404
    assert answers["POST /status"].status_code == 405
    assert answers["HEAD /healthz"].status_code == 200
    assert answers["HEAD /healthz"].content == b""


def test_the_page_escapes_every_text() -> None:
    hostile = "<script>alert(1)</script>"
    moment = "2026-12-02T06:00:00+00:00"
    change = {"action": "update", "address": hostile}
    status = {
        "mode": "plan",
        "ready": {"ok": False, "reasons": [hostile]},
        "config": {"path": hostile, "loaded_at": moment, "rejected": {"at": moment, "error": hostile}},
        "cycle": {
            "running": False,
            "run_id": hostile,
            "started_at": moment,
            "finished_at": moment,
            "duration_seconds": 1.0,
            "result": "failed",
            "error": hostile,
        },
        "guide_revision": hostile,
        "guide_date": moment,
        "schedule": hostile,
        "next_run_at": moment,
        "instances": [
            {
                "address": hostile,
                "result": "failed",
                "error": hostile,
                "last_sync_at": moment,
                "last_success_at": None,
                "plan": {"add": 1, "change": 0, "destroy": 0},
                "applied": 1,
                "applied_changes": [change],
                "pending": 1,
                "pending_changes": [change],
                "pending_plan": hostile,
                "drift_total": 1,
                "recent_drift": [{"at": moment, "action": "update", "address": hostile}],
            }
        ],
    }
    html = page.render(status, now=datetime(2026, 12, 2, 6, 4, tzinfo=UTC))
    assert "<script" not in html
    assert html.count("&lt;script&gt;") == 12
    assert "4 min ago" in html


def test_the_page_shows_a_result_as_the_last_syncs_with_its_age_after_the_server_is_gone(
    harness: Harness, sonarr: SimulatedServarr, radarr: SimulatedServarr
) -> None:
    """The old page said "success" for a server that had gone away until the next sync."""
    moments = [datetime(2026, 12, 2, 6, 0, tzinfo=UTC)]

    async def scenario() -> str:
        daemon = harness.daemon(clock=lambda: moments[-1])
        await daemon.start(first_run=False, watch=False)
        try:
            await daemon.run_cycle()
            sonarr.stop()
            moments.append(moments[0] + timedelta(minutes=47))
            return (await get(daemon, "/")).text
        finally:
            await daemon.close()

    html = asyncio.run(scenario())
    section = html.split("<h2>sonarr.main</h2>", 1)[1]
    assert section.startswith(
        '<span><span class="badge success">success</span> <span class="muted">last sync '
        '<time datetime="2026-12-02T06:00:00+00:00" title="2026-12-02T06:00:00+00:00">47 min ago</time>'
    )
    assert "syncd does not contact the servers between syncs" in html
    assert "Next sync" in html


def test_relative_times() -> None:
    now = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
    assert page.ago(None, now) == "never"
    assert page.ago("2026-12-02T11:59:55+00:00", now) == "just now"
    assert page.ago("2026-12-02T11:59:18+00:00", now) == "42 s ago"
    assert page.ago("2026-12-02T11:56:00+00:00", now) == "4 min ago"
    assert page.ago("2026-12-02T09:00:00+00:00", now) == "3 h ago"
    assert page.ago("2026-12-01T11:00:00+00:00", now) == "1 day ago"
    assert page.ago("2026-11-28T12:00:00+00:00", now) == "4 days ago"
    assert page.ago("2026-12-02T12:56:00+00:00", now) == "in 56 min"


def test_readiness_flips_when_the_guide_checkout_is_missing_and_back_after_a_sync(
    harness: Harness, sonarr: SimulatedServarr, radarr: SimulatedServarr
) -> None:
    checkout = Path(harness.env["SYNCD_STATE_DIR"]) / "repos" / "trash-guides"

    async def scenario() -> list[httpx.Response]:
        daemon = harness.daemon()
        await daemon.start(first_run=False, watch=False)
        try:
            ready = await get(daemon, "/readyz")
            shutil.rmtree(checkout)
            missing = await get(daemon, "/readyz")
            await daemon.run_cycle()
            return [ready, missing, await get(daemon, "/readyz")]
        finally:
            await daemon.close()

    ready, missing, restored = asyncio.run(scenario())
    assert ready.status_code == 200
    assert missing.status_code == 503
    assert missing.text == f"not ready: the guide checkout {checkout} is missing\n"
    assert restored.status_code == 200


def test_liveness_fails_once_shutdown_started(harness: Harness) -> None:
    async def scenario() -> tuple[int, int]:
        daemon = harness.daemon()
        await daemon.start(first_run=False, watch=False)
        try:
            alive = (await get(daemon, "/healthz")).status_code
            daemon.request_stop()
            return alive, (await get(daemon, "/healthz")).status_code
        finally:
            await daemon.close()

    assert asyncio.run(scenario()) == (200, 503)


def test_no_secret_in_endpoints_or_logs(
    harness: Harness, sonarr: SimulatedServarr, radarr: SimulatedServarr
) -> None:
    wrong = "wrong-sonarr-key-that-must-never-leak"
    harness.env["SONARR_KEY"] = wrong
    logs = io.StringIO()
    configure_logging(level="debug", stream=logs, json=True)

    async def scenario() -> list[str]:
        daemon = harness.daemon()
        await daemon.start(first_run=False, watch=False)
        try:
            await daemon.run_cycle()
            harness.config.write_text(harness.config.read_text() + "broken: [\n")
            await daemon.check_reload()
            answers = [await get(daemon, p) for p in ("/status", "/metrics", "/", "/readyz")]
            return [a.text for a in answers]
        finally:
            await daemon.close()

    texts = asyncio.run(scenario())
    status = json.loads(texts[0])
    sonarr_status = next(i for i in status["instances"] if i["address"] == "sonarr.main")
    assert sonarr_status["result"] == "failed"
    assert "API key" in sonarr_status["error"]
    assert status["config"]["rejected"] is not None
    for text in [*texts, logs.getvalue()]:
        assert wrong not in text
        assert RADARR_KEY not in text
    assert '"run_id"' in logs.getvalue()
