"""The chart's rendered default syncd.yml wires the simulated stack (issue #8), end to end.

The syncd.yml the chart renders with default values, in the environment the syncd pod gets,
goes through syncd's real prepare / plan / apply against the simulated stack, each simulated
server answering at the in-cluster Service name and port the chart gives it
(`media-server-sonarr:8989` ...), and reaching the others by those names too. The assertions
read the simulated servers' state, not syncd's output: categories, download clients, root
folders, Plex connections, Prowlarr applications/proxies/download client, Plex libraries; and a
second run plans nothing and writes nothing.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import httpx
import pytest

from syncd import app
from syncd.simulator.network import Network
from syncd.simulator.stack import PORTS, SimulatedStack, StackKeys
from tests.chart.conftest import RELEASE, Render
from tests.chart.rendered import named, pod_environment, syncd_yml_text
from tests.fakes.openapi import OpenApiValidator


class InCluster(httpx.AsyncHTTPTransport):
    """A real transport that dials a Service name the way the cluster's DNS would: onto the
    simulated server the stack's network aliases it to."""

    def __init__(self, network: Network) -> None:
        super().__init__()
        self.network = network

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        request.url = httpx.URL(self.network.url(str(request.url)))
        return await super().handle_async_request(request)


def _service(docs: list[dict[str, Any]], component: str) -> tuple[str, int]:
    """(name, port) of the chart's rendered Service for `component`."""
    service = named(docs, "Service", component)
    return service["metadata"]["name"], service["spec"]["ports"][0]["port"]


@pytest.fixture
def docs(render: Render) -> list[dict[str, Any]]:
    return render({})


@pytest.fixture
def pod_env(docs: list[dict[str, Any]], tmp_path: Path, guides_url: str) -> dict[str, str]:
    """The syncd pod's environment, with a local state dir and the TRaSH Guides fixture repo."""
    return {
        **pod_environment(docs),
        "SYNCD_STATE_DIR": str(tmp_path / "state"),
        "SYNCD_TRASH_GUIDES_URL": guides_url,
    }


@pytest.fixture
def stack(docs: list[dict[str, Any]], pod_env: Mapping[str, str]) -> Iterator[SimulatedStack]:
    """The simulated stack at the chart's Service names, accepting the pod's credentials."""
    hostnames = {}
    for component, port in PORTS.items():
        hostnames[component], rendered_port = _service(docs, component)
        assert rendered_port == port, component
    keys = StackKeys(
        sonarr=pod_env["SONARR_API_KEY"],
        radarr=pod_env["RADARR_API_KEY"],
        prowlarr=pod_env["PROWLARR_API_KEY"],
        plex_token=pod_env["PLEX_TOKEN"],
    )
    validators = {
        "prowlarr": OpenApiValidator("prowlarr", allow_unknown_properties=False),
        "sonarr": OpenApiValidator("sonarr"),
        "radarr": OpenApiValidator("radarr"),
    }
    with SimulatedStack(keys=keys, hostnames=hostnames, validators=validators) as simulated:
        yield simulated


def _sync(config: Path, env: Mapping[str, str], network: Network) -> tuple[app.PlanOutcome, app.ApplyOutcome]:
    """Plan and apply `config` as `syncd apply` does in the pod."""
    settings = app.Settings(env=dict(env), transport_factory=lambda _instance: InCluster(network))

    async def main() -> tuple[app.PlanOutcome, app.ApplyOutcome]:
        prepared = await app.prepare(config, settings)
        planned = await app.make_plan(prepared, settings)
        return planned, await app.apply_plan(planned, settings)

    return asyncio.run(main())


def _by_name(rows: Mapping[int, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {str(row["name"]): row for row in rows.values()}


def test_the_default_syncd_yml_wires_the_simulated_stack_and_then_converges(
    docs: list[dict[str, Any]], pod_env: dict[str, str], stack: SimulatedStack, tmp_path: Path
) -> None:
    config = tmp_path / "syncd.yml"
    config.write_text(syncd_yml_text(docs), encoding="utf-8")
    planned, applied = _sync(config, pod_env, stack.network)
    assert not planned.plan.errored, planned.plan
    assert {p.instance for p in planned.plan.instances} == {
        f"{service}.main" for service in ("sonarr", "radarr", "prowlarr", "qbittorrent", "plex")
    }
    assert applied.ok, (applied.results, applied.skipped)
    qbt_host, qbt_port = _service(docs, "qbittorrent")
    plex_host, _ = _service(docs, "plex")

    # (1) qBittorrent: tv and movies categories under /data/downloads, and one for Prowlarr's
    # own download client (else Prowlarr's save-time test would create it with no save path).
    categories = stack.qbittorrent.categories.rows
    assert {name: row["savePath"] for name, row in categories.items()} == {
        "tv": "/data/downloads/tv",
        "movies": "/data/downloads/movies",
        "prowlarr": "/data/downloads/prowlarr",
    }
    assert stack.qbittorrent.preferences["save_path"] == "/data/downloads"

    # (2), (3) Sonarr and Radarr: qBittorrent at its Service with the app's category, the
    # root folder, a Plex connection to the Plex Service.
    for server, category_field, category, root in (
        (stack.sonarr, "tvCategory", "tv", "/data/library/tvshows"),
        (stack.radarr, "movieCategory", "movies", "/data/library/movies"),
    ):
        (client,) = server.state.download_clients.rows.values()
        assert client["implementation"] == "QBittorrent", server.app
        fields = client["settings"]
        assert (fields["host"], fields["port"], fields[category_field]) == (qbt_host, qbt_port, category)
        assert [row["path"].rstrip("/") for row in server.state.root_folders.rows.values()] == [root]
        (plex,) = server.state.notifications.rows.values()
        assert plex["implementation"] == "PlexServer", server.app
        assert plex["settings"]["host"] == plex_host
        assert plex["settings"]["authToken"] == stack.keys.plex_token

    # (4) Prowlarr: Sonarr and Radarr applications with each app's own key, two tagged proxies,
    # the qBittorrent download client.
    prowlarr = stack.prowlarr.state
    apps = _by_name(prowlarr.applications.rows)
    assert set(apps) == {"Sonarr", "Radarr"}
    assert apps["Sonarr"]["settings"]["apiKey"] == stack.keys.sonarr
    assert apps["Radarr"]["settings"]["apiKey"] == stack.keys.radarr
    assert apps["Sonarr"]["settings"]["baseUrl"] == f"http://{RELEASE}-sonarr:8989"
    assert apps["Radarr"]["settings"]["baseUrl"] == f"http://{RELEASE}-radarr:7878"
    tag_ids = {tag["label"]: tag["id"] for tag in prowlarr.tags.rows.values()}
    proxies = _by_name(prowlarr.indexer_proxies.rows)
    assert {name: proxy["tags"] for name, proxy in proxies.items()} == {
        "FlareSolverr": [tag_ids["flaresolverr"]],
        "Byparr": [tag_ids["byparr"]],
    }
    assert proxies["Byparr"]["settings"]["host"] == stack.in_cluster_url("byparr") + "/"
    assert stack.flaresolverr.requests and stack.byparr.requests, "each proxy was really tested"
    (download_client,) = prowlarr.download_clients.rows.values()
    assert download_client["implementation"] == "QBittorrent"
    assert (download_client["settings"]["host"], download_client["settings"]["port"]) == (qbt_host, qbt_port)

    # (5) Plex: Movies and TV Shows at the library paths.
    sections = {s["title"]: s for s in stack.plex.sections.values()}
    assert {title: [loc["path"] for loc in s["locations"]] for title, s in sections.items()} == {
        "Movies": ["/data/library/movies"],
        "TV Shows": ["/data/library/tvshows"],
    }

    # (6) A second run plans no change and writes nothing anywhere.
    stack.reset_requests()
    again, reapplied = _sync(config, pod_env, stack.network)
    assert not again.plan.errored, again.plan
    assert [c.address for p in again.plan.instances for c in p.actionable] == []
    assert reapplied.ok
    assert stack.writes() == {}
