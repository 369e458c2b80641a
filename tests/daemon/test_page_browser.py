"""The status page in a real headless browser (Debian's chromium): screenshots at phone and
desktop widths, and the text it shows against `/status` after syncs with an error, pending
changes and drift."""

from __future__ import annotations

import asyncio
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from syncd.daemon.runtime import Daemon
from syncd.simulator import SimulatedServarr
from tests.daemon import png
from tests.daemon.conftest import Harness, get

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PHONE = (390, 844)
DESKTOP = (1280, 900)

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium (see .ci/run)")


def chromium(profile: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    """Headless chromium, isolated in its own profile, bounded to a minute."""
    command = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",  # CI runs as root
        "--disable-gpu",
        "--hide-scrollbars",
        "--force-device-scale-factor=1",
        f"--user-data-dir={profile}",
        *args,
    ]
    return subprocess.run(command, capture_output=True, timeout=60, check=True)


class _Text(HTMLParser):
    """The visible text of a document (script/style dropped) and every <time datetime>."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.times: list[str] = []
        self.hrefs: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag in ("style", "script"):
            self._skip += 1
        if tag == "time" and found.get("datetime"):
            self.times.append(str(found["datetime"]))
        if tag == "a":
            self.hrefs.append(str(found.get("href")))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def squash(text: str) -> str:
    """Whitespace runs as one space (the text pieces of inline elements are joined by spaces)."""
    return re.sub(r"\s+", " ", text).strip()


def page_text(parts: list[str]) -> str:
    return re.sub(r" ([,.;:)])", r"\1", squash(" ".join(parts)))


@pytest.fixture
def served(
    harness: Harness, sonarr: SimulatedServarr, radarr: SimulatedServarr, tmp_path: Path
) -> dict[str, Any]:
    """Two syncs (sonarr's first profile write fails both times; radarr's custom format is edited
    by hand in between), then the page shot at two widths, its DOM and `/status`, all at once."""

    async def scenario() -> dict[str, Any]:
        daemon: Daemon = harness.daemon()
        await daemon.start(first_run=False, watch=False)
        try:
            sonarr.fail_next(1, 500, path_prefix="/api/v3/qualityprofile", method="POST")
            await daemon.run_cycle()
            cf = next(c for c in radarr.state.custom_formats.values() if c["name"] == "BR-DISK")
            cf["name"] = "BR-DISK (edited in the UI)"
            sonarr.fail_next(1, 500, path_prefix="/api/v3/qualityprofile", method="POST")
            await daemon.run_cycle()
            url = f"http://127.0.0.1:{daemon.server.port}/"
            shots = {}
            for name, (width, height) in (("phone", PHONE), ("desktop", DESKTOP)):
                shot = tmp_path / f"page-{name}.png"
                await asyncio.to_thread(
                    chromium,
                    tmp_path / f"profile-{name}",
                    f"--window-size={width},{height}",
                    f"--screenshot={shot}",
                    url,
                )
                shots[name] = shot
            dom = await asyncio.to_thread(chromium, tmp_path / "profile-dom", "--dump-dom", url)
            status = (await get(daemon, "/status")).json()
            html = (await get(daemon, "/")).text
            return {"shots": shots, "dom": dom.stdout.decode(), "status": status, "html": html}
        finally:
            await daemon.close()

    return asyncio.run(scenario())


def test_the_page_renders_at_phone_and_desktop_width_and_its_text_matches_status(
    served: dict[str, Any],
) -> None:
    for name, size in (("phone", PHONE), ("desktop", DESKTOP)):
        data = served["shots"][name].read_bytes()
        image = png.read(data)
        assert (image.width, image.height) == size
        ink, colours = image.ink()
        assert ink > 0.03, f"the {name} screenshot is (nearly) blank: {ink:.1%} ink"
        assert colours > 30  # text, badges, cards: not one flat colour
        assert len(data) > 20_000

    status = served["status"]
    parser = _Text()
    parser.feed(served["dom"])
    text = page_text(parser.parts)
    assert "failed" in {i["result"] for i in status["instances"]}
    for instance in status["instances"]:
        address = instance["address"]
        section = text.split(address, 1)[1]
        assert section.lstrip().startswith(f"{instance['result']} last sync ")
        assert f"applied {instance['applied']}; pending {instance['pending']}" in section
        assert instance["last_sync_at"] in parser.times
        if instance["error"]:
            assert f"Last error: {page_text([instance['error']])}" in section
        if instance["pending_plan"]:
            plural = "s" if instance["pending"] != 1 else ""
            assert f"{instance['pending']} pending change{plural} (the plan)" in section
            assert page_text([instance["pending_plan"]]) in section  # in full, behind <details>
        for drift in instance["recent_drift"]:
            assert f"{drift['action']} {drift['address']}" in section
    sonarr_status = next(i for i in status["instances"] if i["address"] == "sonarr.main")
    radarr_status = next(i for i in status["instances"] if i["address"] == "radarr.movies")
    assert sonarr_status["error"] and sonarr_status["pending_plan"]
    assert radarr_status["recent_drift"][0]["address"] == 'radarr.movies.custom_format["BR-DISK"]'
    assert f"TRaSH Guides at {status['guide_revision'][:12]}, committed" in text
    assert status["guide_date"] in parser.times
    assert status["next_run_at"] in parser.times
    assert f"run {status['cycle']['run_id']}" in text
    assert "syncd does not contact the servers between syncs" in text
    assert ("ready" if status["ready"]["ok"] else "not ready") in text
    assert {"/status", "/metrics"} <= set(parser.hrefs)
    html = served["html"]
    assert "<script" not in html.lower()
    assert not re.search(r"""(?:src|href)=["']?(?:https?:)?//""", html)
    assert re.search(r'<meta http-equiv="refresh" content="\d+">', html)
    assert '<meta name="viewport" content="width=device-width,initial-scale=1">' in html
    assert html.count("<details") >= 2
