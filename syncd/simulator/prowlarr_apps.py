"""What a simulated Prowlarr does to other servers: its application test, its indexer sync
into Sonarr/Radarr, and its FlareSolverr proxy test. All of it really goes over HTTP.

Owns, after Prowlarr's `Sonarr`/`Radarr` applications, `SonarrV3Proxy` and `ApplicationService`:
- the application test reads the target's `/api/v3/indexer/schema` and posts a "Test"
  Newznab indexer pointing back at `<prowlarrUrl>/0/` to `/api/v3/indexer/test` (so the target
  really calls Prowlarr back); 401 is "API Key is invalid", 400 "Prowlarr URL is invalid ...",
  a redirect "... are you missing a URL base?", 404 (Sonarr) "... Sonarr v2 is not supported.",
  anything else "Unable to complete application test, cannot connect to <App>. <error>";
- the sync (`SyncIndexers`), run after every save of an enabled application (Prowlarr has no
  change detection, so an unchanged PUT syncs too): learn the mappings from the target's
  indexers that point at this Prowlarr, add the missing "<name> (Prowlarr)" indexers (POST,
  retried with `forceSave=true` on a 400) and, at `fullSync`, PUT those that differ;
- the FlareSolverr test posts a `request.get` for Prowlarr's ping URL to `<host>/v1`.
Everything that happened is counted in `SideEffects`, so tests can assert that a converged
sync set nothing off.
"""

from __future__ import annotations

import copy
import http
import re
import threading
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import urlsplit

import httpx

from syncd.simulator.network import Network
from syncd.simulator.rules import Failure

Json = dict[str, Any]
Target = Literal["sonarr", "radarr"]
TIMEOUT = 5.0
PING_URL = "https://prowlarr.servarr.com/v1/ping"
_APP_INDEXER = re.compile(r"/(?P<indexer>\d{1,3})(?:/(?:api)?/?)?$", re.IGNORECASE)
SYNC_FIELDS: dict[str, tuple[str, ...]] = {
    "sonarr": (
        "baseUrl",
        "apiPath",
        "apiKey",
        "categories",
        "animeCategories",
        "animeStandardFormatSearch",
        "minimumSeeders",
        "seedCriteria.seedRatio",
        "seedCriteria.seedTime",
        "seedCriteria.seasonPackSeedTime",
        "rejectBlocklistedTorrentHashesWhileGrabbing",
    ),
    "radarr": (
        "baseUrl",
        "apiPath",
        "apiKey",
        "categories",
        "minimumSeeders",
        "seedCriteria.seedRatio",
        "seedCriteria.seedTime",
        "rejectBlocklistedTorrentHashesWhileGrabbing",
    ),
}
NEWZNAB_CATEGORIES: dict[int, tuple[str, dict[int, str]]] = {
    2000: (
        "Movies",
        {
            2010: "Movies/Foreign",
            2020: "Movies/Other",
            2030: "Movies/SD",
            2040: "Movies/HD",
            2045: "Movies/UHD",
            2050: "Movies/BluRay",
            2060: "Movies/3D",
            2070: "Movies/DVD",
            2080: "Movies/WEB-DL",
            2090: "Movies/x265",
        },
    ),
    5000: (
        "TV",
        {
            5010: "TV/WEB-DL",
            5020: "TV/Foreign",
            5030: "TV/SD",
            5040: "TV/HD",
            5045: "TV/UHD",
            5050: "TV/Other",
            5060: "TV/Sport",
            5070: "TV/Anime",
            5080: "TV/Documentary",
            5090: "TV/x265",
        },
    ),
}
"""`NewznabStandardCategory`'s movie and TV trees: what a simulated Prowlarr indexer offers."""


def capability_categories() -> list[int]:
    """The Newznab categories a simulated Prowlarr indexer (and the test indexer) supports."""
    return [c for parent, (_, children) in NEWZNAB_CATEGORIES.items() for c in (parent, *children)]


def capability_resource() -> list[Json]:
    """The categories as `IndexerCapabilityResource.categories` lists them."""
    return [
        {
            "id": parent,
            "name": name,
            "subCategories": [{"id": c, "name": n, "subCategories": []} for c, n in children.items()],
        }
        for parent, (name, children) in NEWZNAB_CATEGORIES.items()
    ]


def is_valid_url(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


@dataclass
class SideEffects:
    """What Prowlarr's saves set off, counted."""

    syncs: int = 0
    indexers_added: int = 0
    indexers_updated: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def count(self, **increments: int) -> None:
        with self._lock:
            for name, value in increments.items():
                setattr(self, name, getattr(self, name) + value)


@dataclass
class ProwlarrContext:
    """What the application code needs to know about its own Prowlarr."""

    api_key: str
    side_effects: SideEffects = field(default_factory=SideEffects)
    mappings: dict[int, dict[int, int]] = field(default_factory=dict)
    """application id -> {Prowlarr indexer id: remote indexer id} (`AppIndexerMap`)."""
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)


def _status(response: httpx.Response) -> str:
    try:
        name = http.HTTPStatus(response.status_code).phrase.replace(" ", "")
    except ValueError:
        name = str(response.status_code)
    request = response.request
    return f"HTTP request failed: [{response.status_code}:{name}] [{request.method}] at [{request.url}]"


class _Failed(Exception):
    def __init__(self, response: httpx.Response) -> None:
        super().__init__(_status(response))
        self.response = response


class _Target:
    """`SonarrV3Proxy` / `RadarrV3Proxy`: the target's API with its key."""

    def __init__(self, network: Network, settings: Json) -> None:
        base = network.url(str(settings.get("baseUrl") or "").rstrip("/"))
        self._http = httpx.Client(
            base_url=base, headers={"X-Api-Key": str(settings.get("apiKey") or "")}, timeout=TIMEOUT
        )

    def close(self) -> None:
        self._http.close()

    def call(
        self, method: str, path: str, body: Any = None, params: dict[str, str] | None = None
    ) -> httpx.Response:
        response = self._http.request(method, path, json=body, params=params, follow_redirects=False)
        if response.status_code >= 300:
            raise _Failed(response)
        return response


def _supported(categories: list[int], wanted: list[int]) -> list[int]:
    offered = set(categories)
    return [c for c in wanted if c in offered]


def build_indexer(
    target: Target, settings: Json, schema: list[Json], indexer: Json, api_key: str, remote_id: int = 0
) -> Json:
    """`BuildSonarrIndexer` / `BuildRadarrIndexer`: a Newznab/Torznab resource for the target."""
    protocol = indexer["protocol"]
    implementation = "Newznab" if protocol == "usenet" else "Torznab"
    template = next(t for t in schema if t["implementation"] == implementation)
    fields = [copy.deepcopy(f) for f in template["fields"] if f["name"] in SYNC_FIELDS[target]]
    if remote_id == 0:
        fields += [copy.deepcopy(f) for f in template["fields"] if f["name"] == "additionalParameters"]
    categories = indexer["categories"]
    values: Json = {
        "baseUrl": f"{str(settings['prowlarrUrl']).rstrip('/')}/{indexer['id']}/",
        "apiPath": "/api",
        "apiKey": api_key,
        "categories": _supported(categories, list(settings.get("syncCategories") or [])),
        "animeCategories": _supported(categories, list(settings.get("animeSyncCategories") or [])),
        "animeStandardFormatSearch": settings.get("syncAnimeStandardFormatSearch"),
        "minimumSeeders": 1,
        "rejectBlocklistedTorrentHashesWhileGrabbing": settings.get(
            "syncRejectBlocklistedTorrentHashesWhileGrabbing"
        ),
    }
    for item in fields:
        if item["name"] in values:
            item["value"] = values[item["name"]]
    return {
        "id": remote_id,
        "name": f"{indexer['name']} (Prowlarr)",
        "enableRss": indexer["enable"],
        "enableAutomaticSearch": indexer["enable"],
        "enableInteractiveSearch": indexer["enable"],
        "priority": indexer["priority"],
        "implementation": implementation,
        "configContract": template["configContract"],
        "fields": fields,
        "tags": [],
    }


def _value(resource: Json, name: str) -> Any:
    return next((f.get("value") for f in resource.get("fields", []) if f.get("name") == name), None)


def same_indexer(built: Json, remote: Json) -> bool:
    """`SonarrIndexer.Equals`: a masked remote API key counts as equal."""
    top = (
        "enableRss",
        "enableAutomaticSearch",
        "enableInteractiveSearch",
        "name",
        "implementation",
        "priority",
        "id",
    )
    if any(built.get(key) != remote.get(key) for key in top):
        return False
    for item in built["fields"]:
        name = item["name"]
        if name == "apiKey":
            if _value(remote, name) not in (item.get("value"), "********"):
                return False
        elif name != "additionalParameters" and _value(remote, name) != item.get("value"):
            return False
    return True


def application_test(
    target: Target, network: Network, context: ProwlarrContext, settings: Json
) -> list[Failure]:
    """`Sonarr.Test()` / `Radarr.Test()` of Prowlarr."""
    name = target.capitalize()
    client = _Target(network, settings)
    test_indexer = {"id": 0, "name": "Test", "enable": False, "priority": 25, "protocol": "usenet"}
    test_indexer["categories"] = capability_categories()
    try:
        schema = client.call("GET", "/api/v3/indexer/schema").json()
        body = build_indexer(target, settings, schema, test_indexer, context.api_key)
        response = client.call("POST", "/api/v3/indexer/test", body)
        version = response.headers.get("X-Application-Version")
        if version is None:
            return [Failure("", f"Failed to fetch {name} version")]
        if target == "sonarr" and tuple(int(p) for p in version.split(".")[:3]) < (3, 0, 5):
            return [
                Failure(
                    "", f"Sonarr version should be at least 3.0.5. Version reported is {version}", version
                )
            ]
    except _Failed as failed:
        status = failed.response.status_code
        if status == 401:
            return [Failure("ApiKey", "API Key is invalid")]
        if status == 400:
            return [Failure("ProwlarrUrl", f"Prowlarr URL is invalid, {name} cannot connect to Prowlarr")]
        if status in (303, 307):
            message = (
                f"{name} URL is invalid, Prowlarr cannot connect to {name} - are you missing a URL base?"
            )
            return [Failure("BaseUrl", message)]
        if status == 404 and target == "sonarr":
            message = (
                "Sonarr URL is invalid, Prowlarr cannot connect to Sonarr. "
                "Is Sonarr running and accessible? Sonarr v2 is not supported."
            )
            return [Failure("BaseUrl", message)]
        return [
            Failure("BaseUrl", f"Unable to complete application test, cannot connect to {name}. {failed}")
        ]
    except (httpx.HTTPError, ValueError, StopIteration) as exc:
        return [Failure("BaseUrl", f"Unable to complete application test, cannot connect to {name}. {exc}")]
    finally:
        client.close()
    return []


def _should_handle(app: Json, indexer: Json) -> bool:
    app_tags = set(app["tags"] or [])
    return not app_tags or bool(app_tags & set(indexer["tags"] or []))


def sync_indexers(
    target: Target, network: Network, context: ProwlarrContext, app: Json, indexers: list[Json]
) -> None:
    """`ApplicationService.SyncIndexers` for one application; failures are swallowed, as
    `ExecuteAction` logs them and records an application failure."""
    context.side_effects.count(syncs=1)
    settings = app["settings"]
    client = _Target(network, settings)
    try:
        remote = client.call("GET", "/api/v3/indexer").json()
        schema = client.call("GET", "/api/v3/indexer/schema").json()
        with context.lock:
            mappings = context.mappings.setdefault(app["id"], {})
            prowlarr = str(settings["prowlarrUrl"]).rstrip("/")
            for resource in remote:
                base = str(_value(resource, "baseUrl") or "")
                match = _APP_INDEXER.search(base)
                if (
                    resource.get("implementation") in ("Newznab", "Torznab")
                    and base.startswith(prowlarr)
                    and match
                ):
                    mappings.setdefault(int(match.group("indexer")), resource["id"])
            known = dict(mappings)
        for indexer in sorted(indexers, key=lambda i: str(i["name"]).casefold()):
            if not _should_handle(app, indexer):
                continue
            remote_id = known.get(indexer["id"])
            if remote_id is None:
                if indexer["enable"]:
                    _add(target, client, context, app, settings, schema, indexer)
            elif app["syncLevel"] == "fullSync":
                _update(target, client, context, app, settings, schema, indexer, remote_id)
    except (_Failed, httpx.HTTPError, ValueError, KeyError, StopIteration):
        return
    finally:
        client.close()


def _add(
    target: Target,
    client: _Target,
    context: ProwlarrContext,
    app: Json,
    settings: Json,
    schema: list[Json],
    indexer: Json,
) -> None:
    body = build_indexer(target, settings, schema, indexer, context.api_key)
    if not body_categories(body):
        return
    try:
        created = client.call("POST", "/api/v3/indexer", body)
    except _Failed as failed:
        if failed.response.status_code != 400:
            raise
        created = client.call("POST", "/api/v3/indexer", body, params={"forceSave": "true"})
    context.side_effects.count(indexers_added=1)
    with context.lock:
        context.mappings.setdefault(app["id"], {})[indexer["id"]] = created.json()["id"]


def _update(
    target: Target,
    client: _Target,
    context: ProwlarrContext,
    app: Json,
    settings: Json,
    schema: list[Json],
    indexer: Json,
    remote_id: int,
) -> None:
    body = build_indexer(target, settings, schema, indexer, context.api_key, remote_id)
    try:
        remote = client.call("GET", f"/api/v3/indexer/{remote_id}").json()
    except _Failed as failed:
        if failed.response.status_code != 404:
            raise
        with context.lock:
            context.mappings.get(app["id"], {}).pop(indexer["id"], None)
        body["id"] = 0
        _add(target, client, context, app, settings, schema, indexer)
        return
    if same_indexer(body, remote):
        return
    body["fields"] += [
        f for f in remote.get("fields", []) if f.get("name") not in {x["name"] for x in body["fields"]}
    ]
    body["tags"] = sorted(set(body["tags"]) | set(remote.get("tags") or []))
    for key in ("downloadClientId", "seasonSearchMaximumSingleEpisodeAge"):
        if key in remote:
            body[key] = remote[key]
    try:
        client.call("PUT", f"/api/v3/indexer/{remote_id}", body)
    except _Failed as failed:
        if failed.response.status_code != 400:
            raise
        client.call("PUT", f"/api/v3/indexer/{remote_id}", body, params={"forceSave": "true"})
    context.side_effects.count(indexers_updated=1)


def body_categories(body: Json) -> list[int]:
    return list(_value(body, "categories") or []) + list(_value(body, "animeCategories") or [])


def flaresolverr_test(network: Network, settings: Json) -> list[Failure]:
    """`FlareSolverr.Test()`: a `request.get` of Prowlarr's ping URL through the solver."""
    host = network.url(str(settings.get("host") or "").rstrip("/"))
    timeout = int(settings.get("requestTimeout") or 60)
    request = {"cmd": "request.get", "url": PING_URL, "maxTimeout": timeout * 1000, "proxy": {}}
    try:
        response = httpx.post(f"{host}/v1", json=request, timeout=TIMEOUT)
        failures = []
        if response.status_code != 200:
            try:
                name = http.HTTPStatus(response.status_code).phrase.replace(" ", "")
            except ValueError:
                name = str(response.status_code)
            failures.append(Failure("Host", f"Failed to test proxy. Status code: {name}"))
        response.json()
        return failures
    except (httpx.HTTPError, ValueError) as exc:
        message = f"Unable to connect to proxy: {exc}. Check the log surrounding this error for details"
        return [Failure("Host", message)]
