"""The in-memory database of one simulated Sonarr/Radarr and the operations on it.

Owns the resources (custom formats, quality profiles, quality definitions, naming and
media-management singletons; tags, root folders and the fake filesystem through their own
modules), how request bodies are read into stored form the way the real servers' `ToModel`
mappers do (omitted fields reset to defaults, unknown fields dropped), how
stored resources are rendered back, and the side effects between them (a new custom format
joins every profile at score 0, a deleted one leaves them). Pure: no I/O, no locking; every
refusal is a `Rejection`. Tests may edit the public dicts directly to mimic a hand edit in the UI.
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Iterator, Mapping
from typing import Any, Literal

from syncd.simulator import data
from syncd.simulator.delayprofiles import DelayProfiles
from syncd.simulator.network import Network
from syncd.simulator.paths import FakeFilesystem
from syncd.simulator.providers import ProviderCollection
from syncd.simulator.remotepaths import RemotePathMappings
from syncd.simulator.rootfolders import RootFolders
from syncd.simulator.rules import (
    CF_SET_MESSAGE,
    Failure,
    Rejection,
    config_type_failures,
    definition_failures,
    media_management_failures,
    naming_failures,
    profile_failures,
    raise_failures,
)
from syncd.simulator.servarr_providers import download_client_kind, indexer_kind, notification_kind
from syncd.simulator.specs import read_spec, render_spec, validate_spec
from syncd.simulator.tags import LabelRule, Tags

App = Literal["sonarr", "radarr"]
Json = dict[str, Any]

DEFAULT_VERSIONS: dict[str, str] = {"sonarr": "4.0.19.2979", "radarr": "5.28.0.10274"}
SIZE_LIMITS: dict[str, int] = {"sonarr": 1000, "radarr": 2000}
STARTUP_FOLDERS: dict[str, str] = {"sonarr": "/app/sonarr/bin", "radarr": "/app/radarr/bin"}
"""Where the linuxserver images install the server: a root folder may not be in there."""
EXTRA_PROFILE_FIELD = "syncdSimulatorExtra"
"""A field the real server does not have, present on every profile GET: clients must tolerate
and round-trip fields they do not model."""

_ENUMS: dict[str, tuple[str, ...]] = {
    "downloadPropersAndRepacks": ("preferAndUpgrade", "doNotUpgrade", "doNotPrefer"),
    "rescanAfterRefresh": ("always", "afterManual", "never"),
    "episodeTitleRequired": ("always", "bulkSeasonReleases", "never"),
}
_FILE_DATES: dict[str, tuple[str, ...]] = {
    "sonarr": ("none", "localAirDate", "utcAirDate"),
    "radarr": ("none", "cinemas", "release"),
}
_RADARR_COLON = ("delete", "dash", "spaceDash", "spaceDashSpace", "smart")


def _kinds(
    defaults: Mapping[str, Any], enums: Mapping[str, tuple[str, ...]]
) -> dict[str, type | tuple[str, ...]]:
    return {key: enums.get(key, type(value)) for key, value in defaults.items()}


def _int(body: Json, key: str, default: int = 0) -> int:
    value = body.get(key)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int):
        raise Rejection.of(Failure(key, f"The JSON value could not be converted for '{key}'.", value))
    return value


def _object(body: Any) -> Json:
    if not isinstance(body, dict):
        raise Rejection.of(Failure("", "A JSON object is required.", body))
    return body


class ServarrState:
    """Everything a fresh Sonarr v4 / Radarr v5 knows, plus what clients changed since."""

    def __init__(self, app: App, version: str | None = None, network: Network | None = None) -> None:
        self.app: App = app
        self.network = network or Network()
        self.version = version or DEFAULT_VERSIONS[app]
        rows = data.SONARR_QUALITIES if app == "sonarr" else data.RADARR_QUALITIES
        self.qualities: dict[int, Json] = {row[0]: self._quality_json(row) for row in rows}
        language_rows = data.SONARR_LANGUAGES if app == "sonarr" else data.RADARR_LANGUAGES
        self.languages: list[Json] = [{"id": i, "name": n, "nameLower": n.lower()} for i, n in language_rows]
        definitions = data.SONARR_DEFINITIONS if app == "sonarr" else data.RADARR_DEFINITIONS
        self.quality_definitions: dict[int, Json] = {
            index: {
                "id": index,
                "quality": self.qualities[quality_id],
                "title": self.qualities[quality_id]["name"],
                "weight": weight,
                "minSize": low,
                "maxSize": high,
                "preferredSize": preferred,
            }
            for index, (quality_id, weight, low, high, preferred, _group) in enumerate(definitions, start=1)
        }
        self.custom_formats: dict[int, Json] = {}
        self.quality_profiles: dict[int, Json] = {}
        self.profiles_in_use: set[int] = set()
        self.naming: Json = dict(data.SONARR_NAMING if app == "sonarr" else data.RADARR_NAMING)
        self.media_management: Json = dict(
            data.SONARR_MEDIA_MANAGEMENT if app == "sonarr" else data.RADARR_MEDIA_MANAGEMENT
        )
        self._ids: dict[str, Iterator[int]] = {}
        self.tags = Tags(self._label_rule(), lambda: self._next_id("tag"), self._tag_in_use)
        self.filesystem = FakeFilesystem()
        self.root_folders = RootFolders(
            self.filesystem,
            lambda: self._next_id("rootfolder"),
            lambda: str(self.media_management.get("recycleBin") or ""),
            STARTUP_FOLDERS[app],
        )
        self.remote_path_mappings = RemotePathMappings(
            self.filesystem, lambda: self._next_id("remotepathmapping")
        )
        self.delay_profiles = DelayProfiles(lambda: self._next_id("delayprofile"))
        self.download_clients = ProviderCollection(
            download_client_kind(app, self.version, self.network), lambda: self._next_id("downloadclient")
        )
        self.notifications = ProviderCollection(
            notification_kind(app, self.network), lambda: self._next_id("notification")
        )
        self.indexers = ProviderCollection(indexer_kind(app, self.network), lambda: self._next_id("indexer"))
        self.download_client_config: Json = dict(data.DOWNLOAD_CLIENT_CONFIG[app])
        profiles = data.SONARR_PROFILES if app == "sonarr" else data.RADARR_PROFILES
        for name, cutoff, allowed in profiles:
            profile = self._default_profile(name, cutoff, set(allowed))
            profile["id"] = self._next_id("profile")
            self.quality_profiles[profile["id"]] = profile

    # ----------------------------------------------------------------- helpers

    def _next_id(self, table: str) -> int:
        """Each table has its own never-reused id sequence, like the servers' AUTOINCREMENT."""
        return next(self._ids.setdefault(table, itertools.count(1)))

    def _quality_json(self, row: data.QualityRow) -> Json:
        quality_id, name, source, resolution, modifier = row
        quality: Json = {"id": quality_id, "name": name, "source": source, "resolution": resolution}
        if modifier is not None:
            quality["modifier"] = modifier
        return quality

    def _default_profile(self, name: str, cutoff: int, allowed: set[int]) -> Json:
        """QualityProfileService.GetDefaultProfile: equal-weight qualities become groups 1000+."""
        definitions = data.SONARR_DEFINITIONS if self.app == "sonarr" else data.RADARR_DEFINITIONS
        items: list[Json] = []
        group_id = 1000
        for _weight, rows in itertools.groupby(definitions, key=lambda row: row[1]):
            members = list(rows)
            if len(members) == 1:
                quality = members[0][0]
                items.append(
                    {"id": 0, "name": None, "quality": quality, "items": [], "allowed": quality in allowed}
                )
                continue
            group_allowed = any(row[0] in allowed for row in members)
            children: list[Json] = [
                {"id": 0, "name": None, "quality": row[0], "items": [], "allowed": group_allowed}
                for row in members
            ]
            items.append(
                {
                    "id": group_id,
                    "name": members[0][5],
                    "quality": None,
                    "items": children,
                    "allowed": group_allowed,
                }
            )
            if any(row[0] == cutoff for row in members):
                cutoff = group_id
            group_id += 1
        profile: Json = {
            "id": 0,
            "name": name,
            "upgradeAllowed": False,
            "cutoff": cutoff,
            "items": items,
            "minFormatScore": 0,
            "cutoffFormatScore": 0,
            "minUpgradeFormatScore": 1,
            "formatItems": [{"format": cf_id, "score": 0} for cf_id in self.custom_formats],
        }
        if self.app == "radarr":
            profile["language"] = {"id": 1, "name": "English"}
        return profile

    def _find(self, table: dict[int, Json], resource_id: int) -> Json:
        try:
            return table[resource_id]
        except KeyError:
            raise Rejection.message(404, "NotFound") from None

    # ---------------------------------------------------------- system / misc

    def system_status(self) -> Json:
        app_name = "Sonarr" if self.app == "sonarr" else "Radarr"
        return {
            "appName": app_name,
            "instanceName": app_name,
            "version": self.version,
            "isDebug": False,
            "isProduction": True,
            "isLinux": True,
            "isDocker": True,
            "osName": "simulated",
            "branch": "main" if self.app == "sonarr" else "master",
            "authentication": "forms",
            "urlBase": "",
            "runtimeName": "syncd-simulator",
            "databaseType": "sqLite",
        }

    def list_languages(self) -> list[Json]:
        return [dict(language) for language in self.languages]

    def _label_rule(self) -> LabelRule:
        if self.app == "sonarr":
            return LabelRule.ANY
        major = int(self.version.split(".", 1)[0])
        return LabelRule.SLUG if major >= 6 else LabelRule.NOT_EMPTY

    def _tag_in_use(self, tag_id: int) -> bool:
        """`TagService.Details(...).InUse` over the resources the simulator models."""
        collections = (self.download_clients, self.notifications, self.indexers)
        return self.delay_profiles.using_tag(tag_id) or any(c.using_tag(tag_id) for c in collections)

    # --------------------------------------------------------- custom formats

    def render_custom_format(self, cf: Json) -> Json:
        return {
            "id": cf["id"],
            "name": cf["name"],
            "includeCustomFormatWhenRenaming": cf["includeCustomFormatWhenRenaming"],
            "specifications": [render_spec(self.app, spec) for spec in cf["specifications"]],
        }

    def list_custom_formats(self) -> list[Json]:
        return [self.render_custom_format(cf) for cf in self.custom_formats.values()]

    def get_custom_format(self, cf_id: int) -> Json:
        return self.render_custom_format(self._find(self.custom_formats, cf_id))

    def _read_custom_format(self, body: Any, cf_id: int) -> Json:
        body = _object(body)
        name = body.get("name")
        raw_specs = body.get("specifications") or []
        if not isinstance(raw_specs, list):
            raise Rejection.of(Failure("Specifications", "Specifications must be a list.", raw_specs))
        failures: list[Failure] = []
        if not isinstance(name, str) or not name.strip():
            failures.append(Failure("Name", "'Name' must not be empty.", name))
        elif any(cf["name"] == name and cf["id"] != cf_id for cf in self.custom_formats.values()):
            failures.append(Failure("Name", "Must be unique.", name))
        if not raw_specs:
            failures.append(Failure("Specifications", "'Specifications' must not be empty.", raw_specs))
            failures.append(Failure("", "Must contain at least one Condition"))
        elif any(not isinstance(s, dict) or not str(s.get("name") or "").strip() for s in raw_specs):
            failures.append(Failure("", "Condition name(s) cannot be empty or consist of only spaces"))
        raise_failures(failures)
        specs = [read_spec(self.app, spec, index) for index, spec in enumerate(raw_specs)]
        language_ids = {language["id"] for language in self.languages}
        raise_failures([f for spec in specs for f in validate_spec(self.app, spec, language_ids)])
        return {
            "id": cf_id,
            "name": name,
            "includeCustomFormatWhenRenaming": body.get("includeCustomFormatWhenRenaming") is True,
            "specifications": specs,
        }

    def create_custom_format(self, body: Any) -> Json:
        """POST: store the format and add it to every profile at score 0, in one step."""
        cf = self.insert_custom_format(body)
        self.store_profiles(self.profiles_with_format(cf["id"]))
        return cf

    def insert_custom_format(self, body: Any) -> Json:
        """The first half of a POST (`CustomFormatService.Insert`): the format is stored; it
        joins the profiles only through `profiles_with_format` and `store_profiles`."""
        cf = self._read_custom_format(body, 0)
        cf["id"] = self._next_id("customformat")
        self.custom_formats[cf["id"]] = cf
        return self.render_custom_format(cf)

    def profiles_with_format(self, cf_id: int) -> list[Json]:
        """What `QualityProfileService.Handle(CustomFormatAddedEvent)` reads and means to write
        back: a copy of every profile as stored now, with the format inserted first at 0."""
        copies = copy.deepcopy(list(self.quality_profiles.values()))
        for profile in copies:
            profile["formatItems"].insert(0, {"format": cf_id, "score": 0})
        return copies

    def store_profiles(self, profiles: list[Json]) -> None:
        """Write whole profile rows back (`Update(profile)` of each one that still exists)."""
        for profile in profiles:
            if profile["id"] in self.quality_profiles:
                self.quality_profiles[profile["id"]] = profile

    def update_custom_format(self, cf_id: int, body: Any) -> Json:
        self._find(self.custom_formats, cf_id)
        cf = self._read_custom_format(body, cf_id)
        self.custom_formats[cf_id] = cf
        return self.render_custom_format(cf)

    def delete_custom_format(self, cf_id: int) -> None:
        self._find(self.custom_formats, cf_id)
        del self.custom_formats[cf_id]
        for profile in self.quality_profiles.values():
            profile["formatItems"] = [f for f in profile["formatItems"] if f["format"] != cf_id]
            if not profile["formatItems"]:
                profile.update(minFormatScore=0, cutoffFormatScore=0, minUpgradeFormatScore=1)

    # -------------------------------------------------------- quality profiles

    def _render_item(self, item: Json) -> Json:
        if item["quality"] is not None:
            rendered: Json = {
                "quality": self.qualities[item["quality"]],
                "items": [],
                "allowed": item["allowed"],
            }
            if item["name"]:
                rendered["name"] = item["name"]
            return rendered
        return {
            "id": item["id"],
            "name": item["name"],
            "items": [self._render_item(child) for child in item["items"]],
            "allowed": item["allowed"],
        }

    def render_profile(self, profile: Json) -> Json:
        rendered: Json = {
            "id": profile["id"],
            "name": profile["name"],
            "upgradeAllowed": profile["upgradeAllowed"],
            "cutoff": profile["cutoff"],
            "items": [self._render_item(item) for item in profile["items"]],
            "minFormatScore": profile["minFormatScore"],
            "cutoffFormatScore": profile["cutoffFormatScore"],
            "minUpgradeFormatScore": profile["minUpgradeFormatScore"],
            "formatItems": [
                {"format": f["format"], "name": self.custom_formats[f["format"]]["name"], "score": f["score"]}
                for f in profile["formatItems"]
                if f["format"] in self.custom_formats
            ],
        }
        if self.app == "radarr":
            rendered["language"] = profile.get("language")
        rendered[EXTRA_PROFILE_FIELD] = {"note": "not a real server field; clients must tolerate it"}
        return rendered

    def list_profiles(self) -> list[Json]:
        return [self.render_profile(profile) for profile in self.quality_profiles.values()]

    def get_profile(self, profile_id: int) -> Json:
        return self.render_profile(self._find(self.quality_profiles, profile_id))

    def profile_schema(self) -> Json:
        """GET /qualityprofile/schema: every quality, none allowed, all formats at score 0."""
        profile = self._default_profile("", 0, set())
        rendered = self.render_profile(profile)
        del rendered[EXTRA_PROFILE_FIELD]
        return rendered

    def _read_item(self, raw: Any, where: str, *, child: bool = False) -> Json:
        if not isinstance(raw, dict):
            raise Rejection.of(Failure(where, "Quality item must be an object.", raw))
        quality = raw.get("quality")
        quality_id: int | None = None
        if isinstance(quality, dict):
            quality_id = quality.get("id")
            if quality_id not in self.qualities:
                raise Rejection.of(
                    Failure(f"{where}.Quality", f"{quality_id} is not a valid quality id", quality)
                )
        elif quality is not None:
            raise Rejection.of(Failure(f"{where}.Quality", "Quality must be an object.", quality))
        if child and quality_id is None:
            raise Rejection.of(Failure(where, "Group items must be qualities", raw))
        children = raw.get("items") or []
        if not isinstance(children, list):
            raise Rejection.of(Failure(f"{where}.Items", "Items must be a list.", children))
        return {
            "id": _int(raw, "id"),
            "name": raw.get("name"),
            "quality": quality_id,
            "items": [self._read_item(c, f"{where}.Items[{i}]", child=True) for i, c in enumerate(children)],
            "allowed": raw.get("allowed") is True,
        }

    def _read_profile(self, body: Any, profile_id: int) -> Json:
        """QualityProfileResource.ToModel: every omitted field takes its type default."""
        body = _object(body)
        raw_items = body.get("items") or []
        raw_formats = body.get("formatItems") or []
        if not isinstance(raw_items, list) or not isinstance(raw_formats, list):
            raise Rejection.of(Failure("Items", "Items and FormatItems must be lists.", body))
        formats: list[Json] = []
        for raw in raw_formats:
            if not isinstance(raw, dict):
                raise Rejection.of(Failure("FormatItems", CF_SET_MESSAGE, raw))
            formats.append({"format": _int(raw, "format"), "score": _int(raw, "score")})
        profile: Json = {
            "id": profile_id,
            "name": body.get("name"),
            "upgradeAllowed": body.get("upgradeAllowed") is True,
            "cutoff": _int(body, "cutoff"),
            "items": [self._read_item(raw, f"Items[{i}]") for i, raw in enumerate(raw_items)],
            "minFormatScore": _int(body, "minFormatScore"),
            "cutoffFormatScore": _int(body, "cutoffFormatScore"),
            "minUpgradeFormatScore": _int(body, "minUpgradeFormatScore"),
            "formatItems": formats,
        }
        if self.app == "radarr":
            language = body.get("language")
            profile["language"] = (
                {"id": language.get("id"), "name": language.get("name")}
                if isinstance(language, dict)
                else None
            )
        raise_failures(profile_failures(profile, set(self.qualities), set(self.custom_formats)))
        return profile

    def create_profile(self, body: Any) -> Json:
        profile = self._read_profile(body, 0)
        profile["id"] = self._next_id("profile")
        self.quality_profiles[profile["id"]] = profile
        return self.render_profile(profile)

    def update_profile(self, profile_id: int, body: Any) -> Json:
        self._find(self.quality_profiles, profile_id)
        profile = self._read_profile(body, profile_id)
        self.quality_profiles[profile_id] = profile
        return self.render_profile(profile)

    def list_media(self, app: App) -> list[Json]:
        """Series (Sonarr) or movies (Radarr): one title per profile marked in use."""
        if app != self.app:
            raise Rejection.message(404, "NotFound")
        return [
            {"id": index, "title": f"Title {index}", "qualityProfileId": profile_id}
            for index, profile_id in enumerate(sorted(self.profiles_in_use), start=1)
        ]

    def delete_profile(self, profile_id: int) -> None:
        profile = self._find(self.quality_profiles, profile_id)
        if profile_id in self.profiles_in_use:
            prefix = "QualityProfile" if self.app == "sonarr" else "Profile"
            raise Rejection.message(400, f"{prefix} [{profile['name']}] is in use.")
        del self.quality_profiles[profile_id]

    # ------------------------------------------------------ quality definitions

    def size_limits(self) -> Json:
        return {"min": 0, "max": SIZE_LIMITS[self.app]}

    def list_definitions(self) -> list[Json]:
        ordered = sorted(self.quality_definitions.values(), key=lambda d: (d["weight"], d["id"]))
        return [dict(definition) for definition in ordered]

    def get_definition(self, definition_id: int) -> Json:
        return dict(self._find(self.quality_definitions, definition_id))

    def _read_definition(self, raw: Any, definition_id: int) -> Json:
        raw = _object(raw)
        stored = self._find(self.quality_definitions, definition_id)
        sizes: Json = {}
        for key in ("minSize", "maxSize", "preferredSize"):
            value = raw.get(key)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
                raise Rejection.of(Failure(key, f"The JSON value could not be converted for '{key}'.", value))
            sizes[key] = value
        definition = {**stored, "title": raw.get("title"), **sizes}
        raise_failures(definition_failures(definition, SIZE_LIMITS[self.app]))
        return definition

    def update_definition(self, definition_id: int, body: Any) -> Json:
        definition = self._read_definition(body, definition_id)
        self.quality_definitions[definition_id] = definition
        return dict(definition)

    def update_definitions(self, body: Any) -> list[Json]:
        """PUT /qualitydefinition/update: every item is validated before any is saved."""
        if not isinstance(body, list):
            raise Rejection.of(Failure("", "A JSON array is required.", body))
        updated = [self._read_definition(raw, _int(_object(raw), "id")) for raw in body]
        for definition in updated:
            self.quality_definitions[definition["id"]] = definition
        return self.list_definitions()

    # ------------------------------------------------------ config singletons

    def get_naming(self) -> Json:
        return {**self.naming, "id": 1}

    def put_naming(self, body: Any) -> Json:
        """NamingConfigController: every property is saved; omitted ones take type defaults."""
        body = _object(body)
        defaults = data.SONARR_NAMING if self.app == "sonarr" else data.RADARR_NAMING
        enums = {} if self.app == "sonarr" else {"colonReplacementFormat": _RADARR_COLON}
        kinds = _kinds(defaults, enums)
        raise_failures(config_type_failures(body, kinds))
        naming: Json = {}
        for key, kind in kinds.items():
            value = body.get(key)
            if value is None and kind in (bool, int):
                value = kind()
            elif value is None and isinstance(kind, tuple):
                value = kind[0]
            naming[key] = value
        if self.app == "sonarr":
            formats = ("standardEpisodeFormat", "dailyEpisodeFormat", "animeEpisodeFormat")
            raise_failures(naming_failures(naming, "renameEpisodes", formats))
        else:
            raise_failures(naming_failures(naming, "renameMovies", ("standardMovieFormat",)))
        self.naming = naming
        return self.get_naming()

    def get_media_management(self) -> Json:
        return {**self.media_management, "id": 1}

    def put_media_management(self, body: Any) -> Json:
        """ConfigService.SaveConfigDictionary: nulls (and omitted strings/enums) keep the stored
        value, omitted booleans and numbers arrive as false/0."""
        body = _object(body)
        defaults = data.SONARR_MEDIA_MANAGEMENT if self.app == "sonarr" else data.RADARR_MEDIA_MANAGEMENT
        kinds = _kinds(defaults, {**_ENUMS, "fileDate": _FILE_DATES[self.app]})
        raise_failures(config_type_failures(body, kinds))
        config: Json = {}
        for key, kind in kinds.items():
            value = body.get(key)
            if value is None:
                value = kind() if kind in (bool, int) else self.media_management[key]
            if key not in body and isinstance(kind, tuple):
                value = kind[0]
            config[key] = value
        raise_failures(media_management_failures(config))
        self.media_management = config
        return self.get_media_management()

    def get_download_client_config(self) -> Json:
        return {**self.download_client_config, "id": 1}

    def put_download_client_config(self, body: Any) -> Json:
        """`ConfigService.SaveConfigDictionary`, as for media management: nulls keep the stored
        value, omitted booleans and numbers arrive as false/0."""
        body = _object(body)
        kinds = _kinds(data.DOWNLOAD_CLIENT_CONFIG[self.app], {})
        raise_failures(config_type_failures(body, kinds))
        config: Json = {}
        for key, kind in kinds.items():
            if key not in body and kind in (bool, int):
                config[key] = kind()
            elif body.get(key) is None:
                config[key] = self.download_client_config[key]
            else:
                config[key] = body[key]
        self.download_client_config = config
        return self.get_download_client_config()
