"""The gateway to one Sonarr v4 / Radarr v5 instance: fetch live state, write whole objects.

`ServarrGateway.fetch()` reads everything the planner needs at once and returns a
`LiveInstance` holding domain values and the raw API objects. The write methods take domain
values plus the raw object they replace, and always send whole objects (the server resets
anything a PUT leaves out). JSON shapes live in `syncd.kinds.servarr_json`; HTTP and error
translation live in `syncd.live.http`.

Reads per fetch: a `system/status` probe (an unreachable server fails there, once), then
concurrently `customformat`, `qualityprofile`, `qualitydefinition`,
`config/naming`, `config/mediamanagement`, and for Radarr `language` (only Radarr profiles
carry a language). The profile schema is read only when a profile is created, and the size
limit is a constant per app (Sonarr 1000, Radarr 2000 MB/min) rather than a `limits` request.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from syncd.domain.resources import CustomFormat, QualityProfile
from syncd.domain.state import LiveCustomFormat, LiveInstance, LiveQualityDefinition, Service
from syncd.errors import ApiError
from syncd.kinds import servarr_json as mapping
from syncd.kinds.base import Request
from syncd.live.http import ApiClient

APP_NAMES: Mapping[Service, str] = {"sonarr": "Sonarr", "radarr": "Radarr"}
MIN_MAJOR_VERSION: Mapping[Service, int] = {"sonarr": 4, "radarr": 5}
SIZE_LIMITS: Mapping[Service, float] = {"sonarr": 1000.0, "radarr": 2000.0}

# system/status fields that identify the server; the rest (startTime, ...) changes on restart.
_STABLE_STATUS_FIELDS = ("appName", "version")

T = TypeVar("T")


class ServarrGateway:
    def __init__(self, client: ApiClient, *, service: Service, name: str) -> None:
        self.client = client
        self.service = service
        self.name = name
        self._language_ids: dict[str, int] | None = None
        # The raw replies `fetch` read, by path (the resource kinds reuse them).
        self.fetched: dict[str, Any] = {}

    @property
    def address(self) -> str:
        return f"{self.service}.{self.name}"

    # --- reads ----------------------------------------------------------------------------

    async def fetch(self) -> LiveInstance:
        """Read the whole live state concurrently. If one read fails the others are
        cancelled (a TaskGroup rather than a bare `gather`, so nothing keeps running against
        a client the caller is about to close) and that read's `ApiError` is raised."""
        # One probe first: an unreachable server fails here, once, before six reads retry.
        status = await self.client.probe("system/status")
        self._expect("system/status", status, dict)
        self._check_status(status)
        paths = [
            "customformat",
            "qualityprofile",
            "qualitydefinition",
            "config/naming",
            "config/mediamanagement",
        ]
        if self.service == "radarr":
            paths.append("language")
        raw = dict(zip(paths, await self._get_all(paths), strict=True))
        self.fetched = raw
        for path in paths:
            expected = dict if path.startswith(("system/", "config/")) else list
            self._expect(path, raw[path], expected)
        self._language_ids = self._parsed(
            "language", lambda: {language["name"]: language["id"] for language in raw.get("language") or []}
        )
        custom_formats = self._parsed(
            "customformat", lambda: tuple(mapping.live_custom_format(cf) for cf in raw["customformat"])
        )
        cf_names_by_id = {cf.id: cf.custom_format.name for cf in custom_formats}
        definitions = self._parsed(
            "qualitydefinition", lambda: tuple(self._live_definition(d) for d in raw["qualitydefinition"])
        )
        profiles = self._parsed(
            "qualityprofile",
            lambda: tuple(
                mapping.profile_from_api(p, cf_names_by_id=cf_names_by_id, service=self.service)
                for p in raw["qualityprofile"]
            ),
        )
        for singleton in ("config/naming", "config/mediamanagement"):
            if not isinstance(raw[singleton].get("id"), int):
                raise self._bad_reply(singleton, "the object has no id")
        fingerprinted = dict(raw)
        fingerprinted["system/status"] = {key: status.get(key) for key in _STABLE_STATUS_FIELDS}
        return LiveInstance(
            service=self.service,
            name=self.name,
            version=str(status.get("version", "")),
            identity=" ".join(str(status[k]) for k in ("appName", "instanceName") if status.get(k)),
            custom_formats=custom_formats,
            quality_profiles=profiles,
            quality_definitions=definitions,
            naming=raw["config/naming"],
            media_management=raw["config/mediamanagement"],
            qualities=tuple(d.size.quality for d in definitions),
            languages=tuple(self._language_ids),
            size_limit=SIZE_LIMITS[self.service],
            fingerprint=fingerprint(fingerprinted),
        )

    def _bad_reply(self, path: str, problem: str, method: str = "GET") -> ApiError:
        return ApiError(f"unexpected reply to {method} {path}: {problem}", instance=self.address)

    def _expect(self, path: str, reply: Any, shape: type, method: str = "GET") -> None:
        if not isinstance(reply, shape):
            wanted = "a JSON object" if shape is dict else "a JSON list"
            raise self._bad_reply(path, f"expected {wanted}, got {_shape(reply)}", method)
        if isinstance(reply, list):
            for index, item in enumerate(reply):
                if not isinstance(item, dict):
                    raise self._bad_reply(path, f"item {index} is {_shape(item)}, not an object", method)

    def _parsed(self, path: str, parse: Callable[[], T], method: str = "GET") -> T:
        """`parse()`, with a reply missing a field or holding a wrong type as a clear error."""
        try:
            return parse()
        except KeyError as exc:
            raise self._bad_reply(path, f"an object has no {exc.args[0]!r}", method) from None
        except (TypeError, ValueError, AttributeError) as exc:
            raise self._bad_reply(path, _first_line(exc), method) from None

    async def _get_all(self, paths: Sequence[str]) -> list[Any]:
        try:
            async with asyncio.TaskGroup() as group:
                tasks = [group.create_task(self.client.get(path)) for path in paths]
        except* ApiError as failed:
            raise failed.exceptions[0] from None
        return [task.result() for task in tasks]

    def _check_status(self, status: Mapping[str, Any]) -> None:
        expected = APP_NAMES[self.service]
        app = status.get("appName")
        if app != expected:
            raise ApiError(
                f"{self.client.base_url} is {app or 'not a Servarr app'}, not {expected}; "
                f"check base_url of {self.address}",
                instance=self.address,
            )
        version = str(status.get("version", ""))
        major = version.split(".", 1)[0]
        if not major.isdigit() or int(major) < MIN_MAJOR_VERSION[self.service]:
            raise ApiError(
                f"{expected} {version or '(unknown version)'} is not supported; "
                f"syncd needs {expected} v{MIN_MAJOR_VERSION[self.service]} or later",
                instance=self.address,
            )

    @staticmethod
    def _live_definition(raw: Mapping[str, Any]) -> LiveQualityDefinition:
        size, title = mapping.quality_definition_from_api(raw)
        return LiveQualityDefinition(id=raw["id"], raw=raw, size=size, title=title)

    async def _language_map(self) -> dict[str, int] | None:
        if self.service != "radarr":
            return None
        if self._language_ids is None:
            languages = await self.client.get("language")
            self._expect("language", languages, list)
            self._language_ids = self._parsed(
                "language", lambda: {language["name"]: language["id"] for language in languages}
            )
        return self._language_ids

    async def profiles_in_use(self) -> dict[int, int]:
        """Quality profile id -> how many series (Sonarr) or movies (Radarr) use it. One GET of
        the whole library, so it is read only when a profile deletion is planned."""
        path = "series" if self.service == "sonarr" else "movie"
        library = await self.client.get(path)
        self._expect(path, library, list)
        counts: dict[int, int] = {}
        for item in library:
            profile_id = item.get("qualityProfileId")
            if isinstance(profile_id, int):
                counts[profile_id] = counts.get(profile_id, 0) + 1
        return counts

    # --- custom formats -------------------------------------------------------------------

    async def create_custom_format(self, cf: CustomFormat) -> LiveCustomFormat:
        raw = await self.client.post("customformat", mapping.custom_format_to_api(cf))
        return self._written("customformat", raw, "POST")

    async def update_custom_format(self, live: LiveCustomFormat, cf: CustomFormat) -> LiveCustomFormat:
        body = mapping.custom_format_to_api(cf, base=live.raw)
        raw = await self.client.put(f"customformat/{live.id}", body)
        return self._written(f"customformat/{live.id}", raw, "PUT")

    def _written(self, path: str, raw: Any, method: str) -> LiveCustomFormat:
        self._expect(path, raw, dict, method)
        self._created_id(path, raw, method)
        return self._parsed(path, lambda: mapping.live_custom_format(raw), method)

    def _created_id(self, path: str, raw: Any, method: str) -> int:
        object_id = raw.get("id") if isinstance(raw, dict) else None
        if not isinstance(object_id, int) or isinstance(object_id, bool):
            raise self._bad_reply(path, "the answer carries no id of the object", method)
        return object_id

    async def delete_custom_format(self, cf_id: int) -> None:
        await self.client.delete(f"customformat/{cf_id}")

    # --- quality profiles -----------------------------------------------------------------

    async def create_profile(self, profile: QualityProfile, *, cf_ids_by_name: Mapping[str, int]) -> Any:
        """Create from the server's template (all qualities, all CFs); returns the raw profile."""
        template = await self.client.get("qualityprofile/schema")
        self._expect("qualityprofile/schema", template, dict)
        base = {key: value for key, value in template.items() if key != "id"}
        body = await self._profile_body(profile, base=base, cf_ids_by_name=cf_ids_by_name)
        created = await self.client.post("qualityprofile", body)
        self._created_id("qualityprofile", created, "POST")
        return created

    async def update_profile(
        self, live_raw: Mapping[str, Any], profile: QualityProfile, *, cf_ids_by_name: Mapping[str, int]
    ) -> Any:
        body = await self._profile_body(profile, base=live_raw, cf_ids_by_name=cf_ids_by_name)
        return await self.client.put(f"qualityprofile/{live_raw['id']}", body)

    async def delete_profile(self, profile_id: int) -> None:
        await self.client.delete(f"qualityprofile/{profile_id}")

    async def _profile_body(
        self, profile: QualityProfile, *, base: Mapping[str, Any], cf_ids_by_name: Mapping[str, int]
    ) -> dict[str, Any]:
        language_ids = await self._language_map() if profile.language is not None else None
        try:
            return mapping.profile_to_api(
                profile,
                base=base,
                quality_ids=mapping.quality_objects(base),
                cf_ids_by_name=cf_ids_by_name,
                language_ids=language_ids,
            )
        except ValueError as exc:  # names the server no longer knows: a race with a hand edit
            raise ApiError(
                f"cannot write quality profile {profile.name!r}: {exc}; run `syncd plan` again",
                instance=self.address,
            ) from exc
        except (KeyError, TypeError, AttributeError) as exc:
            raise self._bad_reply(
                "qualityprofile", f"a profile object is malformed ({_first_line(exc)})"
            ) from None

    # --- resource kinds ---------------------------------------------------------------------

    async def read(self, paths: Sequence[str]) -> dict[str, Any]:
        """The raw replies of `paths` (read concurrently), for the resource kinds to parse."""
        return dict(zip(paths, await self._get_all(paths), strict=True))

    async def send(self, request: Request) -> Any:
        """One write a resource kind built; returns the server's answer."""
        if request.method == "POST":
            return await self.client.post(request.path, request.body)
        if request.method == "PUT":
            return await self.client.put(request.path, request.body)
        await self.client.delete(request.path)
        return None


def _shape(value: Any) -> str:
    if value is None:
        return "an empty body"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    return f"{type(value).__name__} {value!r}"[:60]


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def fingerprint(raw: Mapping[str, Any]) -> str:
    """sha256 of the canonical JSON of fetched data: equal iff the server state is equal."""
    canonical = json.dumps(raw, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()
