"""`syncd demo`: the whole plan → apply → converged loop against simulated servers.

Starts the simulated stack on loopback (Sonarr v4, Radarr v5, qBittorrent, Prowlarr, Plex,
FlareSolverr and Byparr, reaching each other by their in-cluster names), writes a syncd config
that uses the built-in presets and wires the whole stack as the chart does (qBittorrent
categories, Plex libraries, Sonarr/Radarr root folders, download clients and Plex connections,
Prowlarr applications, proxies and download client, all by reference), then plans, applies
and plans again (which must show no changes), printing each step and the request counts. The
TRaSH Guides come from the public repository, another git URL, or a local folder (made into
a throw-away git repository so the same git code path is used).
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
from syncd.simulator.stack import SimulatedStack, StackKeys

DEMO_CONFIG = """\
syncd: 1
state_dir: state
guides:
  trash:
    url: {guides_url}
    ref: {guides_ref}
qbittorrent:
  demo:
    base_url: {qbittorrent_url}
    peer_url: http://qbittorrent:8080   # how the other services reach it
    preferences:
      current_network_interface: protonwire0   # the VPN kill switch's third layer
      save_path: /data/downloads
      auto_tmm_enabled: true                   # so the categories' save paths apply
    categories:
      tv: /data/downloads/tv
      movies: /data/downloads/movies
      prowlarr: /data/downloads/prowlarr   # Prowlarr's own download client
plex:
  demo:
    base_url: {plex_url}
    peer_url: http://plex:32400
    token: !env SYNCD_DEMO_PLEX_TOKEN
    libraries:
      - {{name: Movies, type: movie, path: /data/library/movies}}
      - {{name: TV Shows, type: show, path: /data/library/tvshows}}
sonarr:
  demo:
    base_url: {sonarr_url}
    peer_url: http://sonarr:8989
    api_key: !env SYNCD_DEMO_SONARR_API_KEY
    include:
      - preset: sonarr-web-1080p
    root_folders: [/data/library/tvshows]
    download_clients:   # host, port and credentials come from the referenced instance
      - {{name: qBittorrent, implementation: QBittorrent, target: qbittorrent.demo, fields: {{tvCategory: tv}}}}
    connections:
      - {{name: Plex, implementation: PlexServer, target: plex.demo, fields: {{updateLibrary: true}},
          settings: {{onDownload: true, onUpgrade: true, onRename: true}}}}
radarr:
  demo:
    base_url: {radarr_url}
    peer_url: http://radarr:7878
    api_key: !env SYNCD_DEMO_RADARR_API_KEY
    include:
      - preset: radarr-hd-bluray-web
    root_folders: [/data/library/movies]
    download_clients:
      - {{name: qBittorrent, implementation: QBittorrent, target: qbittorrent.demo, fields: {{movieCategory: movies}}}}
    connections:
      - {{name: Plex, implementation: PlexServer, target: plex.demo, fields: {{updateLibrary: true}},
          settings: {{onDownload: true, onUpgrade: true, onRename: true}}}}
prowlarr:
  demo:
    base_url: {prowlarr_url}
    peer_url: http://prowlarr:9696      # the applications' prowlarrUrl
    api_key: !env SYNCD_DEMO_PROWLARR_API_KEY
    tags: [flaresolverr, byparr]
    indexer_proxies:   # a proxy serves only the indexers sharing its tag
      - {{name: FlareSolverr, implementation: FlareSolverr, tags: [flaresolverr],
          fields: {{host: "http://flaresolverr:8191/", requestTimeout: 60}}}}
      - {{name: Byparr, implementation: FlareSolverr, tags: [byparr],
          fields: {{host: "http://byparr:39001/", requestTimeout: 60}}}}
    download_clients:
      - {{name: qBittorrent, implementation: QBittorrent, target: qbittorrent.demo, fields: {{category: prowlarr}}}}
    applications:      # base URL and API key come from the referenced instance
      - {{name: Sonarr, implementation: Sonarr, target: sonarr.demo, settings: {{syncLevel: fullSync}}}}
      - {{name: Radarr, implementation: Radarr, target: radarr.demo, settings: {{syncLevel: fullSync}}}}
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
    keys = StackKeys(
        sonarr=secrets.token_hex(16),
        radarr=secrets.token_hex(16),
        prowlarr=secrets.token_hex(16),
        plex_token=secrets.token_hex(10),
    )
    with SimulatedStack(keys=keys) as stack:
        config_path = workdir / "syncd.yml"
        config_path.write_text(
            DEMO_CONFIG.format(
                guides_url=guides_url,
                guides_ref=guides_ref,
                sonarr_url=stack.sonarr.url,
                radarr_url=stack.radarr.url,
                qbittorrent_url=stack.qbittorrent.url,
                plex_url=stack.plex.url,
                prowlarr_url=stack.prowlarr.url,
            ),
            encoding="utf-8",
        )
        env = {
            "SYNCD_DEMO_SONARR_API_KEY": keys.sonarr,
            "SYNCD_DEMO_RADARR_API_KEY": keys.radarr,
            "SYNCD_DEMO_PROWLARR_API_KEY": keys.prowlarr,
            "SYNCD_DEMO_PLEX_TOKEN": keys.plex_token,
        }
        settings = app.Settings(env=env)
        out.write(
            textwrap.dedent(
                f"""\
                syncd demo: simulated Sonarr at {stack.sonarr.url}, Radarr at {stack.radarr.url},
                qBittorrent at {stack.qbittorrent.url}, Plex at {stack.plex.url},
                Prowlarr at {stack.prowlarr.url}, FlareSolverr at {stack.flaresolverr.url}
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
