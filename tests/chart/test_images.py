"""Each image's rendered port, probe path, user and writable paths match what that image version does.

One row per container, each with the upstream file (and version) it was read from. The row
names the exact image it was checked against, so bumping a tag in values.yaml fails this test
until someone re-reads the new version's sources and updates the row.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from tests.chart.conftest import Render

ROOT = "/"  # in `writable`: the container's root filesystem is writable


@dataclass(frozen=True)
class ImageFacts:
    workload: str
    container: str
    image: str
    port: int | None
    readiness_path: str | None  # HTTP readiness path; None = TCP or exec probe
    user: int
    writable: frozenset[str]
    source: str


UID = 1000  # global.uid: home-operations and syncd images run as any UID that owns /config

FACTS = (
    ImageFacts(
        "plex",
        "plex",
        "ghcr.io/home-operations/plex:1.41.5.9522",
        32400,
        "/web/index.html",
        UID,
        frozenset({"/config", "/transcode", "/tmp"}),
        "home-operations/containers apps/plex: container_test.go (Port 32400, Path /web/index.html), "
        "Dockerfile (USER nobody, VOLUME /config), entrypoint.sh (TranscoderTempDirectory=/transcode)",
    ),
    ImageFacts(
        "sonarr",
        "sonarr",
        "ghcr.io/home-operations/sonarr:4.0.14.2938",
        8989,
        "/ping",
        UID,
        frozenset({"/config", "/data", "/tmp"}),
        "home-operations/containers apps/sonarr container_test.go (Port 8989), Dockerfile "
        "(USER nobody, VOLUME /config); Sonarr/Sonarr src/Sonarr.Http/Ping/PingController.cs",
    ),
    ImageFacts(
        "radarr",
        "radarr",
        "ghcr.io/home-operations/radarr:5.20.1.9773",
        7878,
        "/ping",
        UID,
        frozenset({"/config", "/data", "/tmp"}),
        "home-operations/containers apps/radarr container_test.go (Port 7878), Dockerfile "
        "(USER nobody, VOLUME /config); Radarr's PingController (same Servarr code as Sonarr's)",
    ),
    ImageFacts(
        "prowlarr",
        "prowlarr",
        "ghcr.io/home-operations/prowlarr:1.35.1.5034",
        9696,
        "/ping",
        UID,
        frozenset({"/config", "/tmp"}),
        "home-operations/containers apps/prowlarr container_test.go (Port 9696), docker-bake.hcl "
        'history (default = "1.35.1.5034", 2025-04-30)',
    ),
    ImageFacts(
        "qbittorrent",
        "qbittorrent",
        "ghcr.io/home-operations/qbittorrent:5.0.4",
        8080,
        "/api/v2/app/version",
        UID,
        frozenset({"/config", "/data", "/tmp"}),
        "home-operations/containers apps/qbittorrent defaults/qBittorrent.conf (WebUI\\Port=8080, "
        "AuthSubnetWhitelist 10/8, 172.16/12, 192.168/16), entrypoint.sh (writes /config/qBittorrent)",
    ),
    ImageFacts(
        "qbittorrent",
        "protonwire",
        "ghcr.io/tprasadtp/protonwire:7.5.3",
        None,
        None,
        0,
        frozenset({ROOT, "/tmp"}),
        "tprasadtp/protonvpn-docker 7.5.3 README.md (root, NET_ADMIN, /tmp must be a tmpfs) and "
        "protonwire (rewrites /etc/resolv.conf, caches /tmp/protonwire.server.json)",
    ),
    ImageFacts(
        "flaresolverr",
        "flaresolverr",
        "ghcr.io/flaresolverr/flaresolverr:v3.3.19",
        8191,
        "/health",
        1000,
        frozenset({ROOT, "/dev/shm", "/tmp"}),
        "FlareSolverr/FlareSolverr v3.3.19 Dockerfile (EXPOSE 8191, useradd flaresolverr owning "
        "/app, mv chromedriver to /app), src/flaresolverr.py (@app.route('/health')), src/utils.py "
        "get_webdriver + undetected_chromedriver/patcher.py patch_exe (rewrites /app/chromedriver)",
    ),
    ImageFacts(
        "byparr",
        "byparr",
        "ghcr.io/thephaseless/byparr:3.0.0",
        39001,
        None,
        UID,
        frozenset({ROOT, "/dev/shm"}),
        "ThePhaseless/Byparr v3.0.0 src/consts.py (Settings.port from PORT), Dockerfile (USER 1000, "
        "XDG_CACHE_HOME=/cache writable for browser data, HOME=/tmp, tini + .venv python)",
    ),
    ImageFacts(
        "postgres",
        "postgres",
        "docker.io/library/postgres:16-alpine",
        5432,
        None,
        UID,
        frozenset({"/tmp", "/var/lib/postgresql/data", "/var/run/postgresql"}),
        "docker-library/postgres 16/alpine Dockerfile (PGDATA under /var/lib/postgresql/data, "
        "socket dir /var/run/postgresql, EXPOSE 5432); runs as any UID owning PGDATA",
    ),
    ImageFacts(
        "samba",
        "samba",
        "quay.io/samba.org/samba-server:latest",
        445,
        None,
        0,
        frozenset({ROOT, "/data", "/var/lib/samba"}),
        "samba-in-kubernetes/samba-container (smbd as root switching to the user; state in "
        "/var/lib/samba); smbd listens on 'smb ports' = 445",
    ),
    ImageFacts(
        "syncd",
        "syncd",
        "ghcr.io/syncd-project/syncd:0.1.0",
        9707,
        "/readyz",
        UID,
        frozenset({"/state", "/tmp"}),
        "this repository: syncd/daemon/runtime.py (port 9707, /healthz, /readyz), Dockerfile",
    ),
)


def _container(docs: list[dict[str, Any]], workload: str, name: str) -> tuple[dict[str, Any], dict[str, Any]]:
    (deployment,) = [
        d for d in docs if d["kind"] == "Deployment" and d["metadata"]["name"] == f"media-server-{workload}"
    ]
    spec = deployment["spec"]["template"]["spec"]
    (container,) = [c for c in [*spec.get("initContainers", []), *spec["containers"]] if c["name"] == name]
    return spec, container


@pytest.mark.parametrize("facts", FACTS, ids=[f"{f.workload}/{f.container}" for f in FACTS])
def test_rendered_container_matches_what_the_image_does(render: Render, facts: ImageFacts) -> None:
    spec, container = _container(render({}), facts.workload, facts.container)
    assert container["image"] == facts.image, f"image changed: re-read its sources ({facts.source})"
    ports = [p["containerPort"] for p in container.get("ports", [])]
    assert ports == ([facts.port] if facts.port else []), facts.source
    http = container.get("readinessProbe", {}).get("httpGet", {})
    assert http.get("path") == facts.readiness_path, facts.source
    context = container["securityContext"]
    assert context.get("runAsUser", spec["securityContext"].get("runAsUser")) == facts.user, facts.source
    writable = {m["mountPath"] for m in container.get("volumeMounts", []) if not m.get("readOnly")}
    if context.get("readOnlyRootFilesystem") is not True:
        writable.add(ROOT)
    assert writable == facts.writable, facts.source


def test_every_rendered_container_has_a_row(render: Render) -> None:
    rendered = {
        (d["metadata"]["name"].removeprefix("media-server-"), c["name"])
        for d in render({})
        if d["kind"] == "Deployment"
        for c in [
            *d["spec"]["template"]["spec"].get("initContainers", []),
            *d["spec"]["template"]["spec"]["containers"],
        ]
    }
    assert rendered == {(f.workload, f.container) for f in FACTS}


def test_byparr_listens_on_the_port_its_service_targets(render: Render) -> None:
    # Byparr 1.1.1 main.py: uvicorn.run(..., port=8191) whatever PORT says; 3.0.0 src/consts.py
    # binds Settings.port, read from PORT. Service 39001 -> container port named http.
    docs = render({})
    _, container = _container(docs, "byparr", "byparr")
    env = {e["name"]: e.get("value") for e in container["env"]}
    assert env["PORT"] == "39001" == str(container["ports"][0]["containerPort"])
    (service,) = [
        d for d in docs if d["kind"] == "Service" and d["metadata"]["name"] == "media-server-byparr"
    ]
    assert service["spec"]["ports"][0]["port"] == 39001
    assert service["spec"]["ports"][0]["targetPort"] == "http"
