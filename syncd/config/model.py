"""The normalized configuration: what every dialect (syncd, Recyclarr, Configarr) is turned into.

These frozen models are the contract between `syncd.config` (which reads files) and
`syncd.desired` (which resolves them against the guides). They carry no file I/O; `Origin`
remembers where each entry came from so later diagnostics can name the file and line.
Dialect-specific meanings are settled by the loader before these models are built: for
example `QualityDefinitionConfig.ratio_mode` records whether `preferred_ratio` interpolates
linearly (Recyclarr, syncd) or piecewise through the TRaSH preferred value (Configarr).
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr

# Re-exported: score resets and the delete policy are part of the config contract.
from syncd.config.dialect import Dialect as Dialect
from syncd.domain.policy import DeletePolicy as DeletePolicy
from syncd.domain.policy import ResetScores as ResetScores

Service = Literal["sonarr", "radarr"]

DEFAULT_TRASH_GUIDES_URL = "https://github.com/TRaSH-Guides/Guides.git"
DEFAULT_TEMPLATES_URL = "https://github.com/recyclarr/config-templates.git"
DEFAULT_REF = "master"


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Origin(Frozen):
    """Where a config entry was written: file and 1-based line (0 when unknown)."""

    file: str
    line: int = 0

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


UNKNOWN_ORIGIN = Origin(file="<config>")


class TrashRef(Frozen):
    """A trash_id written in the config, with its location."""

    trash_id: str
    origin: Origin = UNKNOWN_ORIGIN


class GuideSource(Frozen):
    url: str
    ref: str = DEFAULT_REF


class GuidesConfig(Frozen):
    trash: GuideSource = GuideSource(url=DEFAULT_TRASH_GUIDES_URL)
    templates: GuideSource = GuideSource(url=DEFAULT_TEMPLATES_URL)
    # Folders of TRaSH-shaped custom format JSON that add to or override the guide's CFs.
    local_custom_formats: tuple[Path, ...] = ()
    # Folder of local templates (Configarr `localConfigTemplatesPath`).
    local_templates: Path | None = None


class ScoreTarget(Frozen):
    """One `assign_scores_to` entry: a profile by name or (Recyclarr v8) by guide trash_id."""

    name: str | None = None
    profile_trash_id: str | None = None
    score: int | None = None
    # Configarr `use_default_score: true`: force the guide score even if another entry set one.
    use_default_score: bool = False
    origin: Origin = UNKNOWN_ORIGIN


class CustomFormatEntry(Frozen):
    trash_ids: tuple[TrashRef, ...] = ()
    assign_scores_to: tuple[ScoreTarget, ...] = ()
    # Recyclarr >= 8.6 entry-level score, used when a target has none.
    score: int | None = None
    origin: Origin = UNKNOWN_ORIGIN


class CfGroupSelection(Frozen):
    """Add one TRaSH CF group to profiles.

    The group contributes its required and default CFs (every CF with `select_all` or
    Configarr's `include_unrequired`), plus the CFs in `select` (Recyclarr >= 8.6 and
    Configarr both add selections alongside the defaults); `exclude` removes non-required CFs.
    """

    trash_id: TrashRef
    assign_scores_to: tuple[ScoreTarget, ...] = ()
    select: tuple[TrashRef, ...] | None = None
    exclude: tuple[TrashRef, ...] = ()
    select_all: bool = False
    origin: Origin = UNKNOWN_ORIGIN


class AutoGroupSelection(Frozen):
    """Which CFs a default CF group brings to a guide profile it applies to (Configarr >= 1.28
    `trash_cfgroup_config`, or an include's `trash_cfgroup_*`): the required ones, the
    `default` ones unless `include_optional` is off, all of them with `include_unrequired`,
    plus `include_cfs`, minus `exclude_cfs` (which wins, required CFs included)."""

    include_optional: bool = True
    include_unrequired: bool = False
    include_cfs: tuple[TrashRef, ...] = ()
    exclude_cfs: tuple[TrashRef, ...] = ()


class CfGroupsConfig(Frozen):
    # Default groups (auto-included for guide-backed profiles) the user opted out of.
    skip: tuple[TrashRef, ...] = ()
    add: tuple[CfGroupSelection, ...] = ()
    # False turns off the automatic default-group expansion (Configarr without trash profiles).
    auto_default_groups: bool = True
    # An `add` naming no group of the guide is a warning (Configarr), not an error (syncd, Recyclarr).
    unknown_warns: bool = False
    # Guide profile trash_id (lowercase) -> its default groups' selection; absent: required and
    # default CFs.
    auto_selection: dict[str, AutoGroupSelection] = Field(default_factory=dict)


class QualityEntry(Frozen):
    """One row of a profile's qualities, top = most preferred; a group when `qualities` is set."""

    name: str
    enabled: bool = True
    qualities: tuple[str, ...] = ()
    origin: Origin = UNKNOWN_ORIGIN


class UpgradeConfig(Frozen):
    allowed: bool | None = None
    until_quality: str | None = None
    until_score: int | None = None


class QualityProfileConfig(Frozen):
    """A quality profile: guide-backed when `trash_id` is set, otherwise user-defined by `name`."""

    name: str | None = None
    trash_id: TrashRef | None = None
    reset_unmatched_scores: ResetScores = ResetScores()
    upgrade: UpgradeConfig = UpgradeConfig()
    min_format_score: int | None = None
    min_upgrade_format_score: int | None = None
    score_set: str | None = None
    quality_sort: Literal["top", "bottom"] = "top"
    qualities: tuple[QualityEntry, ...] | None = None
    # Radarr only: language name as the server lists it (`Any`, `Original`, `English`, ...).
    language: str | None = None
    origin: Origin = UNKNOWN_ORIGIN


class ProfileRename(Frozen):
    """A Configarr `renameQualityProfiles` / `cloneQualityProfiles` entry: the profiles named
    `old` (their config name, else their guide profile's) are renamed, or copied, to `new`."""

    old: str
    new: str
    origin: Origin = UNKNOWN_ORIGIN


class QualitySizeOverride(Frozen):
    """Explicit sizes for one quality. `None` leaves a value to the guide; `unlimited` is the cap."""

    name: str
    min: float | None = None
    preferred: float | Literal["unlimited"] | None = None
    max: float | Literal["unlimited"] | None = None
    title: str | None = None
    origin: Origin = UNKNOWN_ORIGIN


class QualityDefinitionConfig(Frozen):
    type: str | None = None
    preferred_ratio: float | None = None
    ratio_mode: Literal["linear", "piecewise"] = "linear"
    qualities: tuple[QualitySizeOverride, ...] = ()
    origin: Origin = UNKNOWN_ORIGIN


class MediaNamingConfig(Frozen):
    """Naming keys as Recyclarr/Configarr spell them; values are keys of the TRaSH naming JSON
    (or literal format strings). `api` holds raw API fields (Configarr `media_naming_api`)."""

    # Sonarr
    series: str | None = None
    season: str | None = None
    episodes_rename: bool | None = None
    episodes_standard: str | None = None
    episodes_daily: str | None = None
    episodes_anime: str | None = None
    # Radarr
    folder: str | None = None
    movie_rename: bool | None = None
    movie_standard: str | None = None
    api: dict[str, Any] = Field(default_factory=dict)
    origin: Origin = UNKNOWN_ORIGIN


class MediaManagementConfig(Frozen):
    """`propers_and_repacks` (Recyclarr) and raw API fields (Configarr passthrough)."""

    propers_and_repacks: Literal["prefer_and_upgrade", "do_not_upgrade", "do_not_prefer"] | None = None
    api: dict[str, Any] = Field(default_factory=dict)
    origin: Origin = UNKNOWN_ORIGIN


class ResourceEntry(Frozen):
    """One entry of a resource kind's section (`tags`, `root_folders`), as written: plain
    JSON-like data and where it was written. The kind validates it against its entry model."""

    value: Any
    origin: Origin = UNKNOWN_ORIGIN


# Instance keys whose entries belong to a resource kind of `syncd.kinds.registry` (a test keeps
# the two in step); the syncd dialect reads them as lists of `ResourceEntry`.
RESOURCE_SECTIONS = (
    "tags",
    "root_folders",
    "download_clients",
    "download_client_config",
    "remote_path_mappings",
    "delay_profiles",
    "connections",
    "applications",
    "indexer_proxies",
    "libraries",
)
# The sections of the services that are nothing but resource kinds (a test keeps each in step
# with the registry kinds of that service); Sonarr/Radarr instances take none of the others'.
PROWLARR_SECTIONS = ("tags", "applications", "indexer_proxies", "download_clients")
PLEX_SECTIONS = ("libraries",)
# The same for a qBittorrent instance.
QBITTORRENT_SECTIONS = ("preferences", "categories")


# How many writes of one instance are in flight at once, unless its `http.max_writes` says:
# enough for a first sync's custom formats to go out together. The servers bound their own
# side: each write's controller action is synchronous, on a thread-pool thread (about one per
# core at once), and SQLite in WAL mode serializes the statements (busy timeout 100 ms: Sonarr
# v4 and Radarr `src/NzbDrone.Core/Datastore/ConnectionStringFactory.cs`). A server on slow
# storage that answers "database is locked" wants fewer.
DEFAULT_MAX_WRITES = 64


class HttpConfig(Frozen):
    """How long syncd waits for one instance, and how many writes it sends at once (syncd
    format: the instance's `http:` map).

    Seconds. `retries` counts retries after the first try; `max_retry_wait` caps any single wait
    (a `Retry-After` or a backoff); `deadline` bounds one request, retries and waits included;
    `max_writes` is how many writes may be in flight at once."""

    connect_timeout: float = Field(default=5.0, gt=0)
    read_timeout: float = Field(default=30.0, gt=0)
    retries: int = Field(default=3, ge=0)
    max_retry_wait: float = Field(default=60.0, ge=0)
    deadline: float = Field(default=120.0, gt=0)
    max_writes: int = Field(default=DEFAULT_MAX_WRITES, ge=1)


class ServiceConfig(Frozen):
    """What every configured instance has, whatever its service: where it is, how the other
    services reach it (`peer_url`, an in-cluster URL; `base_url` when unset), its resource
    kinds' entries (section key -> entries), what syncd may delete, and how long it waits."""

    name: str
    base_url: str
    peer_url: str | None = None
    resources: dict[str, tuple[ResourceEntry, ...]] = Field(default_factory=dict)
    delete: DeletePolicy = DeletePolicy()
    http: HttpConfig = HttpConfig()
    origin: Origin = UNKNOWN_ORIGIN

    if TYPE_CHECKING:
        # Each service's model says which service it is (a field of `InstanceConfig`).
        @property
        def service(self) -> str: ...

    @property
    def address(self) -> str:
        return f"{self.service}.{self.name}"

    @property
    def url_for_peers(self) -> str:
        return self.peer_url or self.base_url


class InstanceConfig(ServiceConfig):
    """A Sonarr or Radarr instance: the TRaSH-backed sections, and `RESOURCE_SECTIONS` in
    `resources`."""

    service: Service
    api_key: SecretStr
    custom_formats: tuple[CustomFormatEntry, ...] = ()
    custom_format_groups: CfGroupsConfig = CfGroupsConfig()
    quality_profiles: tuple[QualityProfileConfig, ...] = ()
    # Configarr `renameQualityProfiles`, then `cloneQualityProfiles`, each in order: applied once
    # guide profiles have their names (`syncd.desired.renames`).
    profile_renames: tuple[ProfileRename, ...] = ()
    profile_clones: tuple[ProfileRename, ...] = ()
    quality_definition: QualityDefinitionConfig | None = None
    media_naming: MediaNamingConfig | None = None
    media_management: MediaManagementConfig | None = None
    # TRaSH-shaped custom format JSON written in the config (Configarr `customFormatDefinitions`),
    # over the guide's and the local folders' CFs of the same trash_id.
    custom_format_definitions: tuple[ResourceEntry, ...] = ()
    # Section key -> names kept: the sections whose objects syncd never managed are deleted
    # (Configarr `download_clients.delete_unmanaged`, its `delay_profiles.additional`).
    unmanaged_deletes: dict[str, tuple[str, ...]] = Field(default_factory=dict)


class ProwlarrConfig(ServiceConfig):
    """A Prowlarr instance (syncd dialect only, API v1): nothing but resource kinds."""

    api_key: SecretStr

    @property
    def service(self) -> Literal["prowlarr"]:
        return "prowlarr"


class PlexConfig(ServiceConfig):
    """A Plex Media Server (syncd dialect only). Without a `token` its kinds are skipped with a
    warning, and everything else still syncs."""

    token: SecretStr | None = None

    @property
    def service(self) -> Literal["plex"]:
        return "plex"


# The instances that are nothing but resource kinds, planned and applied by the generic engines.
KindsInstance = ProwlarrConfig | PlexConfig


class PreferenceSetting(Frozen):
    """One qBittorrent WebUI API preference key and the value syncd keeps it at."""

    key: str
    value: Any
    origin: Origin = UNKNOWN_ORIGIN


# What a qBittorrent instance may delete unless its `delete:` says otherwise: the categories
# syncd made that the config no longer lists.
QBITTORRENT_DELETES = DeletePolicy(owned=("categories",))


class QbittorrentConfig(ServiceConfig):
    """A qBittorrent instance (syncd dialect only). Without `username`/`password` syncd does not
    log in and relies on qBittorrent's WebUI auth subnet whitelist. `resources` holds the
    `QBITTORRENT_SECTIONS` entries: one per preference key (`{key, value}`) and one per
    category (`{name, save_path}`)."""

    username: str | None = None
    password: SecretStr | None = None
    delete: DeletePolicy = QBITTORRENT_DELETES

    @property
    def service(self) -> str:
        return "qbittorrent"

    @property
    def wanted(self) -> dict[str, Any]:
        """The managed preferences as the API spells them."""
        return {e.value["key"]: e.value["value"] for e in self.resources.get("preferences", ())}


class ScheduleConfig(Frozen):
    """When `syncd run` syncs: a cron expression or an interval in seconds (default hourly)."""

    cron: str | None = None
    interval_seconds: int | None = None
    jitter_seconds: int = 30


class NotifyLevel(StrEnum):
    """What `syncd run` sends a notification for; each level includes the ones before it."""

    ERRORS = "errors"  # failed syncs and instances, and their recovery
    CHANGES = "changes"  # ... and applied changes, drift, pending changes in plan mode
    ALL = "all"  # ... and skipped or stopped syncs


class NotifyConfig(Frozen):
    """Apprise URLs (`ntfy://…`, `discord://…`, `json://…`); secret, since most carry a token."""

    urls: tuple[SecretStr, ...] = ()
    level: NotifyLevel = NotifyLevel.CHANGES


class Mode(StrEnum):
    """`apply` syncs; `plan` only plans on schedule and reports, never writing to a server."""

    APPLY = "apply"
    PLAN = "plan"


class Config(Frozen):
    dialect: Dialect
    path: Path
    guides: GuidesConfig = GuidesConfig()
    state_dir: Path = Path(".syncd-state")
    schedule: ScheduleConfig = ScheduleConfig()
    mode: Mode = Mode.APPLY
    notify: NotifyConfig = NotifyConfig()
    instances: tuple[InstanceConfig, ...] = ()
    qbittorrent: tuple[QbittorrentConfig, ...] = ()
    prowlarr: tuple[ProwlarrConfig, ...] = ()
    plex: tuple[PlexConfig, ...] = ()

    @property
    def kinds_instances(self) -> tuple[KindsInstance, ...]:
        """The Prowlarr and Plex instances."""
        return (*self.prowlarr, *self.plex)

    @property
    def addresses(self) -> tuple[str, ...]:
        """Every instance address: Sonarr/Radarr, qBittorrent, then Prowlarr and Plex."""
        return (
            tuple(i.address for i in self.instances)
            + tuple(q.address for q in self.qbittorrent)
            + tuple(k.address for k in self.kinds_instances)
        )

    @property
    def secret_values(self) -> tuple[str, ...]:
        """Every API key, password, token and notification URL, for scrubbing text shown to the outside."""
        keys = tuple(i.api_key.get_secret_value() for i in self.instances)
        keys += tuple(p.api_key.get_secret_value() for p in self.prowlarr)
        keys += tuple(p.token.get_secret_value() for p in self.plex if p.token)
        urls = tuple(u.get_secret_value() for u in self.notify.urls)
        return keys + tuple(q.password.get_secret_value() for q in self.qbittorrent if q.password) + urls

    def kinds_instance(self, address: str) -> KindsInstance | None:
        """Find a Prowlarr or Plex instance by `service.name` or by bare name."""
        for inst in self.kinds_instances:
            if address in (inst.address, inst.name):
                return inst
        return None

    def qbittorrent_instance(self, address: str) -> QbittorrentConfig | None:
        """Find a qBittorrent instance by `qbittorrent.name` or by bare name."""
        for inst in self.qbittorrent:
            if address in (inst.address, inst.name):
                return inst
        return None

    def instance(self, address: str) -> InstanceConfig | None:
        """Find an instance by `service.name` or by bare name."""
        for inst in self.instances:
            if address in (inst.address, inst.name):
                return inst
        return None
