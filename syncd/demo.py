"""`syncd demo`: the whole plan → apply → converged loop against simulated servers.

Starts a simulated Sonarr v4, Radarr v5 and qBittorrent on loopback, writes a syncd config that uses
the built-in presets, then plans, applies and plans again (which must show no changes),
printing each step and the request counts. The TRaSH Guides come from the public
repository, another git URL, or a local folder (made into a throw-away git repository so
the same git code path is used).
"""

from __future__ import annotations

import asyncio
import secrets
import shutil
import tempfile
import textwrap
from pathlib import Path
from typing import TextIO

import git

from syncd import app
from syncd.render import human as human_render
from syncd.simulator.qbittorrent import SimulatedQbittorrent
from syncd.simulator.servarr import SimulatedServarr

DEMO_CONFIG = """\
syncd: 1
state_dir: state
guides:
  trash:
    url: {guides_url}
    ref: {guides_ref}
sonarr:
  demo:
    base_url: {sonarr_url}
    api_key: !env SYNCD_DEMO_SONARR_API_KEY
    include:
      - preset: sonarr-web-1080p
radarr:
  demo:
    base_url: {radarr_url}
    api_key: !env SYNCD_DEMO_RADARR_API_KEY
    include:
      - preset: radarr-hd-bluray-web
qbittorrent:
  demo:
    base_url: {qbittorrent_url}
    preferences:
      current_network_interface: wg0   # the VPN kill switch's third layer
      queueing_enabled: true
"""

PUBLIC_GUIDES = ("https://github.com/TRaSH-Guides/Guides.git", "master")


def run(*, guides: str | None, workdir: Path | None, out: TextIO) -> int:
    if workdir is not None:
        workdir.mkdir(parents=True, exist_ok=True)
        return _run_in(workdir, guides, out)
    with tempfile.TemporaryDirectory(prefix="syncd-demo-") as tmp:
        return _run_in(Path(tmp), guides, out)


def _guide_source(guides: str | None, workdir: Path) -> tuple[str, str]:
    if guides is None:
        return PUBLIC_GUIDES
    folder = Path(guides)
    if not folder.is_dir():
        return guides, "master"
    repo_dir = workdir / "guides-source"
    if repo_dir.exists():
        shutil.rmtree(repo_dir)
    shutil.copytree(folder, repo_dir, ignore=shutil.ignore_patterns(".git"))
    repo = git.Repo.init(repo_dir, initial_branch="master")
    repo.git.add(A=True)
    repo.git.commit(
        m="demo snapshot",
        author="syncd demo <demo@localhost>",
        env={"GIT_COMMITTER_NAME": "syncd demo", "GIT_COMMITTER_EMAIL": "demo@localhost"},
    )
    repo.close()
    return repo_dir.resolve().as_uri(), "master"


def _run_in(workdir: Path, guides: str | None, out: TextIO) -> int:
    guides_url, guides_ref = _guide_source(guides, workdir)
    sonarr_key, radarr_key = secrets.token_hex(16), secrets.token_hex(16)
    with (
        SimulatedServarr("sonarr", api_key=sonarr_key) as sonarr,
        SimulatedServarr("radarr", api_key=radarr_key) as radarr,
        SimulatedQbittorrent() as qbittorrent,
    ):
        config_path = workdir / "syncd.yml"
        config_path.write_text(
            DEMO_CONFIG.format(
                guides_url=guides_url,
                guides_ref=guides_ref,
                sonarr_url=sonarr.url,
                radarr_url=radarr.url,
                qbittorrent_url=qbittorrent.url,
            ),
            encoding="utf-8",
        )
        env = {"SYNCD_DEMO_SONARR_API_KEY": sonarr_key, "SYNCD_DEMO_RADARR_API_KEY": radarr_key}
        settings = app.Settings(env=env)
        out.write(
            textwrap.dedent(
                f"""\
                syncd demo: simulated Sonarr at {sonarr.url}, Radarr at {radarr.url},
                qBittorrent at {qbittorrent.url}
                config: {config_path}

                == syncd plan ==
                """
            )
        )
        return asyncio.run(_loop(config_path, settings, out))


async def _loop(config_path: Path, settings: app.Settings, out: TextIO) -> int:
    prepared = await app.prepare(config_path, settings)
    first = await app.make_plan(prepared, settings)
    out.write(human_render.render(first.plan))
    if first.plan.errored:
        return 1
    out.write("\n== syncd apply ==\n")
    result = await app.apply_plan(first, settings, on_event=lambda _event, _fields: None)
    for instance in result.results:
        status = "ok" if instance.ok else f"FAILED at {instance.failed}: {instance.error}"
        out.write(f"{instance.instance}: {len(instance.applied)} change(s) applied, {status}\n")
    out.write("\n== syncd plan (again) ==\n")
    second = await app.make_plan(prepared, settings)
    out.write(human_render.render(second.plan))
    reads = ", ".join(f"{k}: {v}" for k, v in sorted(second.request_counts.items()))
    out.write(f"\nRequests for the converged plan: {reads}\n")
    return 0 if result.ok and not second.plan.has_changes else 1
