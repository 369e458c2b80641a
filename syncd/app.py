"""The composition root: the one place that wires config, guides, live servers, ownership,
planning and apply together. The CLI and the daemon call these use cases; nothing else
constructs clients or stores.

Use cases: `prepare` (config + guides), `make_plan` (fetch live state concurrently for
every instance, Sonarr/Radarr, qBittorrent, Prowlarr and Plex alike, resolve, plan),
`prepare_and_plan` (both at once: the servers are probed while the guides are checked),
`apply_plan` (execute, save ownership), `validate` (offline). Prowlarr and Plex are nothing but
resource kinds: `_plan_kinds_instance` and `_apply_kinds_instance` run them through the generic
engines. Transports are injectable so tests and benchmarks can count requests.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import httpx
from pydantic import SecretStr

from syncd import __version__
from syncd.config import load as config_load
from syncd.config import references
from syncd.config.model import (
    Config,
    Dialect,
    GuideSource,
    InstanceConfig,
    KindsInstance,
    PlexConfig,
    QbittorrentConfig,
)
from syncd.desired import resolve
from syncd.domain.state import DesiredInstance, Ownership
from syncd.errors import ApiError, Diagnostic, SyncdError
from syncd.guides import catalog as guide_catalog
from syncd.guides import repo as guide_repo
from syncd.guides import templates as guide_templates
from syncd.guides.model import GuideCustomFormat, GuideSet
from syncd.kinds import registry
from syncd.kinds.base import Context, Peer, Request, ShapeError, repair_reads, repairs_kind
from syncd.live import http as live_http
from syncd.live import plex, prowlarr, qbittorrent, servarr
from syncd.logger import get_logger
from syncd.plan import deletes, ordering
from syncd.plan import engine as plan_engine
from syncd.plan import saved as saved_plan
from syncd.plan.model import InstancePlan, Plan
from syncd.state import ownership as ownership_store

if TYPE_CHECKING:
    from syncd.apply import engine as apply_engine
    from syncd.apply import execute as executing

log = get_logger()

TransportFactory = Callable[
    [InstanceConfig | QbittorrentConfig | KindsInstance], httpx.AsyncBaseTransport | None
]


@dataclass(frozen=True)
class Settings:
    """Process knobs (not user config): environment and test seams. HTTP limits come from each
    instance's config; `read_backoffs` and `timeout_seconds`, when set, override them (tests)."""

    env: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    dialect: Dialect | None = None
    read_backoffs: Sequence[float] | None = None
    timeout_seconds: float | None = None
    # `--allow-many-deletes`: lift the delete safety threshold for this run.
    allow_many_deletes: bool = False
    transport_factory: TransportFactory = lambda _instance: None
    # qBittorrent logins refused in this process (hashes; see `syncd.live.qbittorrent`): never
    # sent again, so the daemon's cycles do not get syncd's IP banned.
    refused_logins: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class Prepared:
    """Config and guides, ready for planning."""

    config: Config
    guides: GuideSet
    local_custom_formats: Mapping[str, Mapping[str, GuideCustomFormat]]
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class InstanceState:
    # None for a qBittorrent instance: it has only resource kinds.
    desired: DesiredInstance | None
    ownership: Ownership
    # Registry kind name -> what planning it knew (apply builds its requests from this).
    kinds: Mapping[str, plan_engine.KindState] = field(default_factory=dict)


@dataclass(frozen=True)
class KindsInstanceState:
    """What planning a Prowlarr or Plex instance knew: its ownership and its kinds."""

    ownership: Ownership
    kinds: Mapping[str, plan_engine.KindState] = field(default_factory=dict)


@dataclass(frozen=True)
class PlanOutcome:
    plan: Plan
    prepared: Prepared
    states: Mapping[str, InstanceState]
    request_counts: Mapping[str, int] = field(default_factory=dict)
    # Prowlarr and Plex instances (only those planned without error), by address.
    kinds_states: Mapping[str, KindsInstanceState] = field(default_factory=dict)


@dataclass(frozen=True)
class ApplyOutcome:
    results: tuple[executing.ApplyResult, ...]
    # (instance, its errors) of every instance not written because its plan has errors.
    skipped: tuple[tuple[str, str], ...] = ()

    @property
    def ok(self) -> bool:
        return not self.skipped and all(r.ok for r in self.results)


class _LazyTemplates:
    """Fetches the templates repository the first time the config includes a template."""

    def __init__(self, *, state_dir: Callable[[], Path], source: Callable[[], GuideSource]) -> None:
        self._state_dir = state_dir
        self._source = source
        self._index: guide_templates.TemplateIndex | None = None

    def include_path(self, service: str, template_id: str) -> Path | None:
        if self._index is None:
            source = self._source()
            checkout = guide_repo.sync_repo(
                url=source.url,
                ref=source.ref,
                dest=self._state_dir() / "repos" / "config-templates",
                paths=guide_repo.TEMPLATE_PATHS,
            )
            if checkout.warning:
                log.warning("templates.stale", warning=checkout.warning)
            self._index = guide_templates.TemplateIndex.load(checkout.path)
        return self._index.include_path(service, template_id)


def load_config(config_path: Path, settings: Settings) -> Config:
    """Load the config; the templates repo is fetched only if the config includes templates."""
    first = config_load.peek_guides(config_path, env=settings.env)
    templates = _LazyTemplates(state_dir=lambda: first.state_dir, source=lambda: first.guides.templates)
    return config_load.load_config(
        config_path, env=settings.env, templates=templates, dialect=settings.dialect
    )


def state_dir(config_path: Path, settings: Settings) -> Path:
    """The state dir `config_path` uses (env override applied), without resolving includes."""
    return config_load.peek_guides(config_path, env=settings.env, dialect=settings.dialect).state_dir


def guides_checkout(config: Config) -> Path:
    """Where the TRaSH Guides checkout of `config` lives."""
    return config.state_dir / "repos" / "trash-guides"


async def prepare(config_path: Path, settings: Settings, *, config: Config | None = None) -> Prepared:
    """Load the config (or reuse `config`, already loaded from `config_path`) and refresh the guides."""
    if config is None:
        config = await asyncio.to_thread(load_config, config_path, settings)
    return await _prepare_guides(config)


async def _prepare_guides(config: Config) -> Prepared:
    """Refresh the guides of `config` (a git check, a thread) and load their catalogs."""
    trash = config.guides.trash
    checkout = await asyncio.to_thread(
        guide_repo.sync_repo,
        url=trash.url,
        ref=trash.ref,
        dest=guides_checkout(config),
        paths=guide_repo.TRASH_PATHS,
    )
    warnings: tuple[str, ...] = (checkout.warning,) if checkout.warning else ()
    for warning in warnings:
        log.warning("guides.stale", warning=warning)
    guides = await asyncio.to_thread(
        guide_catalog.load_cached,
        checkout.path,
        revision=checkout.revision,
        cache_dir=_cache_dir(config.state_dir),
    )
    local = {
        service: guide_catalog.load_local_custom_formats(config.guides.local_custom_formats, service)
        for service in ("sonarr", "radarr")
    }
    # A broken guide file stops only the instances that need it (their own errors); for the
    # rest it is this warning.
    warnings += tuple(f"{bad.path}: broken, skipped: {bad.error}" for bad in guides.broken)
    return Prepared(config=config, guides=guides, local_custom_formats=local, warnings=warnings)


def resolve_desired(prepared: Prepared, instance: InstanceConfig) -> DesiredInstance:
    return resolve.resolve_instance(
        instance,
        prepared.guides.for_service(instance.service),
        local_custom_formats=prepared.local_custom_formats.get(instance.service, {}),
    )


def validate(prepared: Prepared) -> list[Diagnostic]:
    """Offline: every problem of config against guides and of the kinds' entries, no server contacted."""
    problems = resolve.validate(
        prepared.config, prepared.guides, local_custom_formats=prepared.local_custom_formats
    )
    known = peers(prepared.config)
    qbt_states = [
        d for i in prepared.config.qbittorrent for s in kind_states(i, known) for d in s.wants.diagnostics
    ]
    return (
        problems
        + [d for i in prepared.config.instances for s in kind_states(i, known) for d in s.wants.diagnostics]
        + qbt_states
        + [d for i in prepared.config.kinds_instances for d in kinds_instance_diagnostics(i, known)]
    )


def select_instances(
    config: Config, names: Sequence[str]
) -> tuple[tuple[InstanceConfig, ...], tuple[QbittorrentConfig, ...]]:
    """The Sonarr/Radarr and the qBittorrent instances named (all of them when none are)."""
    if not names:
        return config.instances, config.qbittorrent
    servers: list[InstanceConfig] = []
    torrents: list[QbittorrentConfig] = []
    for name in names:
        found = config.instance(name)
        torrent = config.qbittorrent_instance(name) if found is None else None
        if found is not None:
            servers.append(found)
        elif torrent is not None:
            torrents.append(torrent)
        elif config.kinds_instance(name) is None:
            known = ", ".join(config.addresses) or "none"
            raise SyncdError(f"no instance named {name!r} in {config.path} (known: {known})")
    return tuple(servers), tuple(torrents)


def _config_dir(config: Config) -> Path:
    """The folder the config lives in (Recyclarr keeps its state there)."""
    return config.path if config.path.is_dir() else config.path.parent


def _client(instance: InstanceConfig, settings: Settings) -> live_http.ApiClient:
    return live_http.ApiClient(
        base_url=instance.base_url,
        api_key=instance.api_key.get_secret_value(),
        instance=instance.address,
        transport=settings.transport_factory(instance),
        limits=_limits(instance),
        backoffs=settings.read_backoffs,
        timeout=settings.timeout_seconds,
    )


# The config keys that hold the credential a connection to an instance needs.
_PEER_SECRETS = ("api_key", "password", "token")


def peers(config: Config) -> dict[str, Peer]:
    """Every instance a kind's entry may reference (`target:`), by address, as the other
    services reach it (`peer_url`, else `base_url`) with the credentials a connection needs
    (its `api_key`, `password` or `token`, and `username`)."""
    found: dict[str, Peer] = {}
    for instance in references.instances(config):
        secrets = (getattr(instance, key, None) for key in _PEER_SECRETS)
        secret = next((s.get_secret_value() for s in secrets if isinstance(s, SecretStr)), None)
        username = getattr(instance, "username", None)
        service = instance.address.split(".", 1)[0]
        found[instance.address] = Peer(instance.address, service, instance.url_for_peers, username, secret)
    return found


def kind_states(
    instance: InstanceConfig | QbittorrentConfig,
    known: Mapping[str, Peer],
    desired: DesiredInstance | None = None,
) -> list[plan_engine.KindState]:
    """Each registry kind of the instance's service with what the config (and, for the
    TRaSH-backed kinds, its resolved `desired` state) wants of it; `known` are the peers its
    entries may reference."""
    context = Context(instance.address, instance.service, instance.url_for_peers, known, desired=desired)
    states = []
    for kind in registry.for_service(instance.service):
        wants = kind.wanted(tuple(instance.resources.get(kind.section, ())), context)
        rule = plan_engine.delete_rule(instance.delete, kind.section)
        keep = instance.unmanaged_deletes.get(kind.section) if isinstance(instance, InstanceConfig) else None
        if keep is not None:
            rule = dataclasses.replace(rule, unmanaged=True, ignore=frozenset(keep))
        states.append(plan_engine.KindState(kind=kind, wants=dataclasses.replace(wants, delete=rule)))
    return states


class _Reader(Protocol):
    async def read(self, paths: Sequence[str]) -> dict[str, Any]: ...


def _used_kinds(
    states: Sequence[plan_engine.KindState], ownership: Ownership | None = None
) -> tuple[list[plan_engine.KindState], list[str]]:
    """The kinds the config uses (others cost no request) and the collections they read: a
    kind is used when the config wants objects of it (or has errors to report), or may delete
    some (owned ones only matter when `ownership` records any; without it, when the rule
    allows it), or a used kind repairs its objects (with the used kind's `repair_reads`)."""

    def in_use(state: plan_engine.KindState) -> bool:
        rule, name = state.wants.delete, state.kind.name
        owned = rule.owned and (ownership is None or bool(ownership.objects.get(name)))
        return bool(state.wants.objects or state.wants.diagnostics) or owned or rule.unmanaged

    chosen = {s.kind.name for s in states if in_use(s)}
    chosen |= {repairs_kind(s.kind) or "" for s in states if s.kind.name in chosen}
    used = [s for s in states if s.kind.name in chosen]
    paths = {path for s in used for path in (*s.kind.reads, *repair_reads(s.kind))}
    return used, sorted(paths)


def _found_kinds(
    used: Sequence[plan_engine.KindState], reads: Mapping[str, Any]
) -> list[plan_engine.KindState]:
    return [
        plan_engine.KindState(kind=s.kind, wants=s.wants, found=s.kind.found(reads), reads=reads)
        for s in used
    ]


async def _read_kinds(
    gateway: _Reader,
    states: Sequence[plan_engine.KindState],
    ownership: Ownership | None = None,
) -> tuple[list[plan_engine.KindState], dict[str, Any]]:
    """Read the collections of the kinds the config uses (`_used_kinds`)."""
    used, paths = _used_kinds(states, ownership)
    reads = await gateway.read(paths) if paths else {}
    return _found_kinds(used, reads), reads


def _limits(instance: InstanceConfig | QbittorrentConfig | KindsInstance) -> live_http.HttpLimits:
    http = instance.http
    return live_http.HttpLimits(
        connect_timeout=http.connect_timeout,
        read_timeout=http.read_timeout,
        retries=http.retries,
        max_wait=http.max_retry_wait,
        deadline=http.deadline,
    )


@dataclass(frozen=True)
class _Wanted:
    """What the config and the guides want of a Sonarr/Radarr instance: its desired state, the
    kinds it uses and the collections they read."""

    desired: DesiredInstance
    used: list[plan_engine.KindState]
    paths: list[str]


async def _wanted(
    guides: asyncio.Future[Prepared], instance: InstanceConfig, known: Mapping[str, Peer]
) -> _Wanted:
    desired = resolve_desired(await guides, instance)
    used, paths = _used_kinds(kind_states(instance, known, desired))
    return _Wanted(desired, used, paths)


async def _paths(wanted: Awaitable[_Wanted]) -> list[str]:
    return (await wanted).paths


async def _plan_instance(
    config: Config,
    guides: asyncio.Future[Prepared],
    instance: InstanceConfig,
    settings: Settings,
    counts: dict[str, int],
) -> tuple[InstancePlan, InstanceState]:
    """Plan a Sonarr/Radarr instance. Which collections it reads depends on the guides (a kind
    is used when its resolved desired state wants objects), so the probe goes out first and the
    reads once `guides` are there and resolved."""
    stored = ownership_store.load(
        config.state_dir, instance.address, recyclarr_dir=_config_dir(config), base_url=instance.base_url
    )
    ownership = stored
    wanted = asyncio.ensure_future(_wanted(guides, instance, peers(config)))
    try:
        async with _client(instance, settings) as client:
            gateway = servarr.ServarrGateway(client, service=instance.service, name=instance.name)
            status, reads = await gateway.probe_and_read(_paths(wanted))
            desired = wanted.result().desired
            server = ownership_store.server_key(instance.base_url, servarr.identity(status))
            ownership, moved = ownership_store.for_server(stored, server)
            states = _found_kinds(wanted.result().used, reads)
            kinds = plan_engine.plan_kinds(states, ownership, instance=instance.address)
            settled = {s.kind.name: s for s in kinds.states}
            changes, spared = kinds.changes, list[Diagnostic]()
            extra = plan_engine.spare_reads(changes, settled)
            if extra:
                changes, spared = plan_engine.spare(changes, settled, await gateway.read(extra))
            counts[instance.address] = client.stats.total()
    except (ApiError, ShapeError) as exc:
        # Without the instance prefix: the plan and every renderer name the instance already.
        error = exc.detail if isinstance(exc, ApiError) else f"unexpected reply to GET {exc}"
        # The reads waited for `wanted`, so it is there whenever the server failed.
        desired = wanted.result().desired
        failed = InstancePlan(
            instance=instance.address,
            service=instance.service,
            diagnostics=desired.diagnostics,
            error=error,
        )
        return failed, InstanceState(desired=desired, ownership=ownership)
    notes = (Diagnostic(location=instance.address, message=moved, severity="warning"),) if moved else ()
    plan = InstancePlan(
        instance=instance.address,
        service=instance.service,
        changes=tuple(changes),
        diagnostics=desired.diagnostics + tuple(kinds.diagnostics) + tuple(spared) + notes,
        live_fingerprint=servarr.fingerprint({"system/status": servarr.stable(status), **reads}),
    )
    totals = {s.kind.name: len(s.found) for s in states}
    plan = deletes.guard(plan, totals, bound=instance.delete.max_deletes, allow=settings.allow_many_deletes)
    state = InstanceState(
        desired=desired, ownership=plan_engine.adopt_matched(ownership, changes), kinds=settled
    )
    return plan, state


def _qbittorrent_client(instance: QbittorrentConfig, settings: Settings) -> live_http.ApiClient:
    return qbittorrent.client(
        instance.base_url,
        instance=instance.address,
        password=instance.password.get_secret_value() if instance.password else None,
        transport=settings.transport_factory(instance),
        limits=_limits(instance),
        backoffs=settings.read_backoffs,
        timeout=settings.timeout_seconds,
    )


def _qbittorrent_gateway(
    client: live_http.ApiClient, instance: QbittorrentConfig, settings: Settings
) -> qbittorrent.QbittorrentGateway:
    return qbittorrent.QbittorrentGateway(
        client,
        name=instance.name,
        username=instance.username,
        password=instance.password.get_secret_value() if instance.password else None,
        refused=settings.refused_logins,
    )


async def _plan_qbittorrent(
    config: Config, instance: QbittorrentConfig, settings: Settings, counts: dict[str, int]
) -> tuple[InstancePlan, InstanceState]:
    """Plan a qBittorrent instance: its resource kinds, read through one login."""
    stored = ownership_store.load(config.state_dir, instance.address)
    # qBittorrent reports no identity worth a request: its base URL names the server.
    ownership, moved = ownership_store.for_server(stored, ownership_store.server_key(instance.base_url, ""))
    try:
        async with _qbittorrent_client(instance, settings) as client:
            gateway = _qbittorrent_gateway(client, instance, settings)
            states, reads = await _read_kinds(gateway, kind_states(instance, peers(config)), ownership)
            counts[instance.address] = client.stats.total()
    except (ApiError, ShapeError) as exc:
        error = exc.detail if isinstance(exc, ApiError) else f"unexpected reply to GET {exc}"
        failed = InstancePlan(instance=instance.address, service=instance.service, error=error)
        return failed, InstanceState(desired=None, ownership=ownership)
    kinds = plan_engine.plan_kinds(states, ownership, instance=instance.address)
    settled = {s.kind.name: s for s in kinds.states}
    notes = (Diagnostic(location=instance.address, message=moved, severity="warning"),) if moved else ()
    plan = InstancePlan(
        instance=instance.address,
        service=instance.service,
        changes=tuple(kinds.changes),
        diagnostics=tuple(kinds.diagnostics) + notes,
        live_fingerprint=servarr.fingerprint(reads),
    )
    totals = {s.kind.name: len(s.found) for s in states}
    plan = deletes.guard(plan, totals, bound=instance.delete.max_deletes, allow=settings.allow_many_deletes)
    adopted = plan_engine.adopt_matched(ownership, kinds.changes, settled.values())
    return plan, InstanceState(desired=None, ownership=adopted, kinds=settled)


class _KindsGateway(Protocol):
    async def identity_and_read(self, paths: Sequence[str]) -> tuple[str, dict[str, Any]]: ...

    async def read(self, paths: Sequence[str]) -> dict[str, Any]: ...

    async def send(self, request: Request) -> Any: ...


def _kinds_client(instance: KindsInstance, settings: Settings) -> live_http.ApiClient:
    transport = settings.transport_factory(instance)
    limits = _limits(instance)
    if isinstance(instance, PlexConfig):
        assert instance.token is not None
        return plex.client(
            instance.base_url,
            instance.token.get_secret_value(),
            instance=instance.address,
            transport=transport,
            limits=limits,
            backoffs=settings.read_backoffs,
            timeout=settings.timeout_seconds,
        )
    return prowlarr.client(
        instance.base_url,
        instance.api_key.get_secret_value(),
        instance=instance.address,
        transport=transport,
        limits=limits,
        backoffs=settings.read_backoffs,
        timeout=settings.timeout_seconds,
    )


def _kinds_gateway(client: live_http.ApiClient, instance: KindsInstance) -> _KindsGateway:
    if isinstance(instance, PlexConfig):
        return plex.PlexGateway(client, name=instance.name)
    return prowlarr.ProwlarrGateway(client, name=instance.name)


def kinds_instance_states(instance: KindsInstance, known: Mapping[str, Peer]) -> list[plan_engine.KindState]:
    """The registry kinds of a Prowlarr or Plex instance with what its config wants of them."""
    context = Context(instance.address, instance.service, instance.url_for_peers, known)
    states = []
    for kind in registry.for_service(instance.service):
        wants = kind.wanted(tuple(instance.resources.get(kind.section, ())), context)
        wants = dataclasses.replace(wants, delete=plan_engine.delete_rule(instance.delete, kind.section))
        states.append(plan_engine.KindState(kind=kind, wants=wants))
    return states


def _unmanaged_tags(states: Sequence[plan_engine.KindState]) -> list[Diagnostic]:
    """A tag an object names must be one of the instance's `tags:` (syncd creates those first);
    said before any request rather than at the write that needs its id."""
    managed = {w.key for s in states if s.kind.name == "tag" for w in s.wants.objects}
    return [
        Diagnostic(
            wanted.origin or f'{s.kind.name}["{wanted.name}"]',
            f"{s.kind.section}: tag {label!r} is not one syncd manages; add it to `tags`",
        )
        for s in states
        if s.kind.name != "tag"
        for wanted in s.wants.objects
        for label in wanted.value.get("tags") or ()
        if label not in managed
    ]


def kinds_instance_diagnostics(instance: KindsInstance, known: Mapping[str, Peer]) -> list[Diagnostic]:
    """Every problem of a Prowlarr or Plex instance's entries, offline."""
    states = kinds_instance_states(instance, known)
    return [d for s in states for d in s.wants.diagnostics] + _unmanaged_tags(states)


def _no_token(instance: PlexConfig) -> Diagnostic:
    return Diagnostic(
        location=instance.address,
        message="no Plex token (`token`, e.g. !env PLEX_TOKEN), so its libraries are not synced; "
        "everything else is",
        severity="warning",
    )


async def _plan_kinds_instance(
    config: Config, instance: KindsInstance, settings: Settings, counts: dict[str, int]
) -> tuple[InstancePlan, KindsInstanceState | None]:
    """Plan a Prowlarr or Plex instance: one probe, one GET per collection its config uses
    (concurrent), then the generic planner. A Plex without a token is skipped with a warning."""
    address, service = instance.address, instance.service
    if isinstance(instance, PlexConfig) and instance.token is None:
        return InstancePlan(instance=address, service=service, diagnostics=(_no_token(instance),)), None
    states = kinds_instance_states(instance, peers(config))
    problems = tuple(_unmanaged_tags(states))
    stored = ownership_store.load(config.state_dir, address)
    try:
        async with _kinds_client(instance, settings) as client:
            gateway = _kinds_gateway(client, instance)
            # Which collections are read does not depend on the server's identity (owned
            # objects are never looked up here), so the reads go out with the probe.
            used, paths = _used_kinds(states)
            identity, reads = await gateway.identity_and_read(paths)
            ownership, moved = ownership_store.for_server(
                stored, ownership_store.server_key(instance.base_url, identity)
            )
            read = _found_kinds(used, reads)
            counts[address] = client.stats.total()
    except (ApiError, ShapeError) as exc:
        error = exc.detail if isinstance(exc, ApiError) else f"unexpected reply to GET {exc}"
        diagnostics = tuple(d for s in states for d in s.wants.diagnostics) + problems
        return InstancePlan(instance=address, service=service, diagnostics=diagnostics, error=error), None
    kinds = plan_engine.plan_kinds(read, ownership, instance=address)
    notes = (Diagnostic(location=address, message=moved, severity="warning"),) if moved else ()
    plan = InstancePlan(
        instance=address,
        service=service,
        changes=tuple(kinds.changes),
        diagnostics=tuple(kinds.diagnostics) + problems + notes,
        live_fingerprint=servarr.fingerprint(reads),
    )
    totals = {s.kind.name: len(s.found) for s in read}
    plan = deletes.guard(plan, totals, bound=instance.delete.max_deletes, allow=settings.allow_many_deletes)
    state = KindsInstanceState(
        ownership=plan_engine.adopt_matched(ownership, kinds.changes),
        kinds={s.kind.name: s for s in kinds.states},
    )
    return plan, state


async def _apply_kinds_instance(
    instance_plan: InstancePlan,
    instance: KindsInstance,
    state: KindsInstanceState,
    settings: Settings,
    config: Config,
    *,
    on_event: apply_engine.EventSink,
    should_stop: Callable[[], bool],
) -> executing.ApplyResult:
    """Write a Prowlarr or Plex instance's changes through the generic apply engine; the first
    failed write (a connection test's own message) stops this instance only."""
    from syncd.apply import engine as apply_engine
    from syncd.apply import execute as executing

    def save(ownership: Ownership) -> None:
        ownership_store.save(config.state_dir, instance_plan.instance, ownership)

    async with _kinds_client(instance, settings) as client:
        kinds = await apply_engine.execute(
            instance_plan.changes,
            state.kinds,
            _kinds_gateway(client, instance),
            state.ownership,
            instance=instance_plan.instance,
            save=save,
            on_event=on_event,
            should_stop=should_stop,
            concurrency=instance.http.max_writes,
        )
    done = set(kinds.applied)
    return executing.ApplyResult(
        instance=instance_plan.instance,
        applied=tuple(kinds.applied),
        not_applied=tuple(c.address for c in instance_plan.actionable if c.address not in done),
        ownership=kinds.ownership,
        failed=kinds.failed,
        error=kinds.error,
        stopped=kinds.stopped,
    )


def _select_kinds_instances(config: Config, names: Sequence[str]) -> tuple[KindsInstance, ...]:
    if not names:
        return config.kinds_instances
    chosen = (config.kinds_instance(name) for name in names)
    return tuple(inst for inst in chosen if inst is not None)


async def make_plan(prepared: Prepared, settings: Settings, *, instances: Sequence[str] = ()) -> PlanOutcome:
    """Fetch every selected instance concurrently and plan it."""
    ready: asyncio.Future[Prepared] = asyncio.get_running_loop().create_future()
    ready.set_result(prepared)
    return await _make_plan(prepared.config, ready, settings, instances)


async def prepare_and_plan(
    config: Config, settings: Settings, *, instances: Sequence[str] = ()
) -> PlanOutcome:
    """`prepare` the guides of `config` and `make_plan`, overlapped: the guide check (a git
    subprocess) runs while the servers are connected to and probed, and each Sonarr/Radarr
    reads as soon as the guides have said what it uses. A guide error is raised as `prepare`
    raises it, the servers' requests cancelled."""
    return await _make_plan(config, asyncio.ensure_future(_prepare_guides(config)), settings, instances)


async def _make_plan(
    config: Config, guides: asyncio.Future[Prepared], settings: Settings, instances: Sequence[str]
) -> PlanOutcome:
    try:
        servers, torrents = select_instances(config, instances)
    except SyncdError:
        await guides  # a guide error comes first, as when the guides were prepared before planning
        raise
    others = _select_kinds_instances(config, instances)
    counts: dict[str, int] = {}
    planning = asyncio.gather(
        asyncio.gather(*(_plan_instance(config, guides, inst, settings, counts) for inst in servers)),
        asyncio.gather(*(_plan_qbittorrent(config, inst, settings, counts) for inst in torrents)),
        asyncio.gather(*(_plan_kinds_instance(config, inst, settings, counts) for inst in others)),
    )
    try:
        prepared = await guides
    except BaseException:
        planning.cancel()
        await asyncio.gather(planning, return_exceptions=True)
        raise
    results, torrent_results, other_results = await planning
    results = [*results, *torrent_results]
    instance_plans = tuple(r[0] for r in results) + tuple(r[0] for r in other_results)
    plan = Plan(
        syncd_version=__version__,
        guide_revision=prepared.guides.revision,
        instances=instance_plans,
        waves=ordering.waves([(i.instance, i.service) for i in instance_plans], references.edges(config)),
        diagnostics=tuple(
            Diagnostic(location="guides", message=w, severity="warning") for w in prepared.warnings
        ),
    )
    states = {r[0].instance: r[1] for r in results}
    others_states = {r[0].instance: r[1] for r in other_results if r[1] is not None}
    return PlanOutcome(
        plan=plan, prepared=prepared, states=states, request_counts=counts, kinds_states=others_states
    )


def check_saved_plan(saved: Plan, fresh: PlanOutcome) -> None:
    """Refuse a saved plan unless a fresh plan of its instances has exactly its changes."""
    saved_plan.verify(saved, fresh.plan)


async def apply_plan(
    outcome: PlanOutcome,
    settings: Settings,
    *,
    on_event: apply_engine.EventSink | None = None,
    should_stop: Callable[[], bool] = lambda: False,
    instances: Sequence[str] | None = None,
) -> ApplyOutcome:
    """Apply the outcome's plan, wave by wave; the instances of a wave run concurrently.

    An instance whose plan has errors (config, live state, too many deletes) is not written and
    is reported in `skipped`; the other instances are applied. `instances` narrows the apply to
    those addresses.
    """
    from syncd.apply import engine as apply_engine  # only apply needs the executors
    from syncd.apply import execute as executing

    chosen = outcome.plan
    wanted = set(instances) if instances is not None else {i.instance for i in chosen.instances}
    plans = {i.instance: i for i in chosen.instances if i.instance in wanted}
    skipped = tuple((address, _problems(p)) for address, p in plans.items() if _errored(p))
    sink = on_event or _log_event
    config = outcome.prepared.config
    by_address = {i.address: i for i in config.instances}
    torrents = {q.address: q for q in config.qbittorrent}

    async def one(instance_plan: InstancePlan) -> executing.ApplyResult:
        other = config.kinds_instance(instance_plan.instance)
        other_state = outcome.kinds_states.get(instance_plan.instance)
        if other is not None and other_state is None:  # a Plex without a token: nothing to do
            return executing.ApplyResult(instance_plan.instance, (), (), Ownership())
        if other is not None and other_state is not None:
            return await _apply_kinds_instance(
                instance_plan,
                other,
                other_state,
                settings,
                config,
                on_event=sink,
                should_stop=should_stop,
            )
        state = outcome.states[instance_plan.instance]

        def save(ownership: Ownership) -> None:
            ownership_store.save(config.state_dir, instance_plan.instance, ownership)

        torrent = torrents.get(instance_plan.instance)
        async with (
            _qbittorrent_client(torrent, settings)
            if torrent is not None
            else _client(by_address[instance_plan.instance], settings)
        ) as client:
            sender: servarr.ServarrGateway | qbittorrent.QbittorrentGateway
            if torrent is not None:
                sender, http = _qbittorrent_gateway(client, torrent, settings), torrent.http
            else:
                inst = by_address[instance_plan.instance]
                sender, http = servarr.ServarrGateway(client, service=inst.service, name=inst.name), inst.http
            kinds = await apply_engine.execute(
                instance_plan.changes,
                state.kinds,
                sender,
                state.ownership,
                instance=instance_plan.instance,
                save=save,
                on_event=sink,
                should_stop=should_stop,
                concurrency=http.max_writes,
            )
        done = set(kinds.applied)
        result = executing.ApplyResult(
            instance=instance_plan.instance,
            applied=tuple(kinds.applied),
            not_applied=tuple(c.address for c in instance_plan.actionable if c.address not in done),
            ownership=kinds.ownership,
            failed=kinds.failed,
            error=kinds.error,
            stopped=kinds.stopped,
        )
        save(result.ownership)
        return result

    errored = {address for address, _ in skipped}
    blocked: list[tuple[str, str]] = []
    waves = [[a for a in wave if a in plans and a not in errored] for wave in chosen.waves or (tuple(plans),)]
    results = await apply_engine.run_waves(
        waves,
        lambda address: one(plans[address]),
        ok=lambda result: result.ok,
        skip=lambda address, reason: blocked.append((address, reason)),
        references=references.edges(config),
        already_failed=errored,
    )
    return ApplyOutcome(results=tuple(results), skipped=skipped + tuple(blocked))


def _errored(plan: InstancePlan) -> bool:
    return plan.error is not None or any(d.severity == "error" for d in plan.diagnostics)


def _problems(plan: InstancePlan) -> str:
    problems = [f"{plan.instance}: {plan.error}"] if plan.error else []
    problems += [str(d) for d in plan.diagnostics if d.severity == "error"]
    return "\n".join(problems)


def _log_event(event: str, fields: Mapping[str, Any]) -> None:
    log.info(event, **fields)


def guide_settings(config_path: Path | None, settings: Settings) -> config_load.GuideSettings:
    """Guide sources and state dir: the config's when given, else the defaults (env applied)."""
    if config_path is None:
        return config_load.default_guide_settings(env=settings.env, cwd=Path.cwd())
    return config_load.peek_guides(config_path, env=settings.env, dialect=settings.dialect)


def _cache_dir(state: Path) -> Path:
    """Where parsed guide catalogs are kept, keyed by revision."""
    return state / "cache"


def _checkout(source: GuideSource | Path, dest: Path, paths: Sequence[str]) -> tuple[Path, str]:
    """A local folder as it is, else the git checkout of `source` in `dest`: (path, revision)."""
    if isinstance(source, Path):
        return source, "local"
    checkout = guide_repo.sync_repo(url=source.url, ref=source.ref, dest=dest, paths=paths)
    if checkout.warning:
        log.warning("guides.stale", warning=checkout.warning)
    return checkout.path, checkout.revision


def read_guides(source: GuideSource | Path, state_dir: Path) -> GuideSet:
    """The TRaSH Guides catalogs, from a local checkout folder or fetched into `state_dir`."""
    path, revision = _checkout(source, state_dir / "repos" / "trash-guides", guide_repo.TRASH_PATHS)
    if revision == "local":
        return guide_catalog.load_catalogs(path, revision=revision)
    return guide_catalog.load_cached(path, revision=revision, cache_dir=_cache_dir(state_dir))


def read_templates(source: GuideSource | Path, state_dir: Path) -> guide_templates.TemplateIndex:
    """The Recyclarr config-templates index, from a local folder or fetched into `state_dir`."""
    path, _ = _checkout(source, state_dir / "repos" / "config-templates", guide_repo.TEMPLATE_PATHS)
    return guide_templates.TemplateIndex.load(path)
