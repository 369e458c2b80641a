"""A simulated Sonarr v4 / Radarr v5 speaking real HTTP on loopback.

Owns the Sonarr/Radarr `/api/v3` route table over `ServarrState`: status codes (201 on POST,
202 on PUT, 400 validation arrays, 404), and the server object tests and `syncd demo` use. The
HTTP machinery (auth, latency, validation, injection, recording) is `ApiServer`'s.

A custom-format POST is not atomic, as on the real servers: `CustomFormatService.Insert`
stores the format, then publishes `CustomFormatAddedEvent`, whose synchronous handler
`QualityProfileService.Handle` reads every profile, inserts the format at score 0 and writes
each profile back whole (Sonarr `src/NzbDrone.Core/CustomFormats/CustomFormatService.cs`,
`src/NzbDrone.Core/Profiles/Qualities/QualityProfileService.cs`; Radarr the same), with no
lock. The route stores the format, copies the profiles, waits `profile_event_seconds` without
the server lock (the handler's reads and writes take time) and writes the copies back: POSTs
that overlap overwrite each other's inserts, so profiles lose format items. A profile PUT that
then omits a format is refused (`QualityProfileController`: "All Custom Formats and no extra
ones need to be present inside your Profile!"). A DELETE is atomic here: on the real servers its
`CustomFormatDeletedEvent` handler races the same way, but what it can leave behind (a stored
item of the deleted format) never shows, since `QualityProfileRepository.Query` skips such
items, as `ServarrState.render_profile` does.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, Literal

from syncd.simulator.api import (
    Answer,
    ApiServer,
    Call,
    Deferred,
    Handler,
    RecordedRequest,
    RequestValidator,
    Route,
    ok,
)
from syncd.simulator.network import Network
from syncd.simulator.provider_routes import provider_routes
from syncd.simulator.providers import ProviderCollection
from syncd.simulator.state import ServarrState

__all__ = ["RecordedRequest", "SimulatedServarr"]


def _download_clients(state: ServarrState) -> ProviderCollection:
    return state.download_clients


def _notifications(state: ServarrState) -> ProviderCollection:
    return state.notifications


def _indexers(state: ServarrState) -> ProviderCollection:
    return state.indexers


def _optional_int(value: str | None) -> int | None:
    return int(value) if value is not None and value.lstrip("-").isdigit() else None


# How long the simulated CustomFormatAddedEvent handler takes between reading the profiles
# and writing them back (a few SQLite statements on the real server).
PROFILE_EVENT_SECONDS = 0.002


def _create_custom_format(window: float) -> Handler[ServarrState]:
    """POST /customformat: insert, then the event handler's read and (after `window`, without
    the lock) its whole-profile writes."""

    def handler(state: ServarrState, call: Call) -> Deferred:
        cf = state.insert_custom_format(call.body)
        profiles = state.profiles_with_format(cf["id"])

        def finish(_: Any) -> Answer:
            state.store_profiles(profiles)
            return Answer(201, cf)

        return Deferred(probe=lambda: time.sleep(window), finish=finish)

    return handler


def _routes(profile_event_seconds: float) -> list[Route[ServarrState]]:
    """(method, path template, handler); `{id}` matches an integer."""

    def deleted(action: Callable[[], None]) -> Answer:
        action()
        return Answer(200)

    return [
        ("GET", "/api/v3/system/status", lambda s, c: ok(s.system_status())),
        ("GET", "/api/v3/customformat", lambda s, c: ok(s.list_custom_formats())),
        ("POST", "/api/v3/customformat", _create_custom_format(profile_event_seconds)),
        ("GET", "/api/v3/customformat/{id}", lambda s, c: ok(s.get_custom_format(c.id))),
        (
            "PUT",
            "/api/v3/customformat/{id}",
            lambda s, c: Answer(202, s.update_custom_format(c.id, c.body)),
        ),
        (
            "DELETE",
            "/api/v3/customformat/{id}",
            lambda s, c: deleted(lambda: s.delete_custom_format(c.id)),
        ),
        ("GET", "/api/v3/qualityprofile", lambda s, c: ok(s.list_profiles())),
        ("POST", "/api/v3/qualityprofile", lambda s, c: Answer(201, s.create_profile(c.body))),
        ("GET", "/api/v3/qualityprofile/schema", lambda s, c: ok(s.profile_schema())),
        ("GET", "/api/v3/qualityprofile/{id}", lambda s, c: ok(s.get_profile(c.id))),
        ("PUT", "/api/v3/qualityprofile/{id}", lambda s, c: Answer(202, s.update_profile(c.id, c.body))),
        ("DELETE", "/api/v3/qualityprofile/{id}", lambda s, c: deleted(lambda: s.delete_profile(c.id))),
        ("GET", "/api/v3/qualitydefinition", lambda s, c: ok(s.list_definitions())),
        ("GET", "/api/v3/qualitydefinition/limits", lambda s, c: ok(s.size_limits())),
        ("PUT", "/api/v3/qualitydefinition/update", lambda s, c: Answer(202, s.update_definitions(c.body))),
        ("GET", "/api/v3/qualitydefinition/{id}", lambda s, c: ok(s.get_definition(c.id))),
        (
            "PUT",
            "/api/v3/qualitydefinition/{id}",
            lambda s, c: Answer(202, s.update_definition(c.id, c.body)),
        ),
        ("GET", "/api/v3/config/naming", lambda s, c: ok(s.get_naming())),
        ("PUT", "/api/v3/config/naming/{id}", lambda s, c: Answer(202, s.put_naming(c.body))),
        ("GET", "/api/v3/config/mediamanagement", lambda s, c: ok(s.get_media_management())),
        (
            "PUT",
            "/api/v3/config/mediamanagement/{id}",
            lambda s, c: Answer(202, s.put_media_management(c.body)),
        ),
        ("GET", "/api/v3/language", lambda s, c: ok(s.list_languages())),
        ("GET", "/api/v3/tag", lambda s, c: ok(s.tags.list_all())),
        ("POST", "/api/v3/tag", lambda s, c: Answer(201, s.tags.create(c.body))),
        ("GET", "/api/v3/tag/{id}", lambda s, c: ok(s.tags.get(c.id))),
        ("PUT", "/api/v3/tag/{id}", lambda s, c: Answer(202, s.tags.update(c.id, c.body))),
        ("DELETE", "/api/v3/tag/{id}", lambda s, c: deleted(lambda: s.tags.delete(c.id))),
        *provider_routes("/api/v3/downloadclient", _download_clients),
        *provider_routes("/api/v3/notification", _notifications),
        *provider_routes("/api/v3/indexer", _indexers),
        ("GET", "/api/v3/remotepathmapping", lambda s, c: ok(s.remote_path_mappings.list_all())),
        (
            "POST",
            "/api/v3/remotepathmapping",
            lambda s, c: Answer(201, s.remote_path_mappings.create(c.body)),
        ),
        ("GET", "/api/v3/remotepathmapping/{id}", lambda s, c: ok(s.remote_path_mappings.get(c.id))),
        (
            "PUT",
            "/api/v3/remotepathmapping/{id}",
            lambda s, c: Answer(202, s.remote_path_mappings.update(c.id, c.body)),
        ),
        (
            "DELETE",
            "/api/v3/remotepathmapping/{id}",
            lambda s, c: deleted(lambda: s.remote_path_mappings.delete(c.id)),
        ),
        ("GET", "/api/v3/delayprofile", lambda s, c: ok(s.delay_profiles.list_all())),
        ("POST", "/api/v3/delayprofile", lambda s, c: Answer(201, s.delay_profiles.create(c.body))),
        ("GET", "/api/v3/delayprofile/{id}", lambda s, c: ok(s.delay_profiles.get(c.id))),
        ("PUT", "/api/v3/delayprofile/{id}", lambda s, c: Answer(202, s.delay_profiles.update(c.id, c.body))),
        ("DELETE", "/api/v3/delayprofile/{id}", lambda s, c: deleted(lambda: s.delay_profiles.delete(c.id))),
        (
            "PUT",
            "/api/v3/delayprofile/reorder/{id}",
            lambda s, c: ok(s.delay_profiles.reorder(c.id, _optional_int(c.query.get("after")))),
        ),
        ("GET", "/api/v3/config/downloadclient", lambda s, c: ok(s.get_download_client_config())),
        (
            "PUT",
            "/api/v3/config/downloadclient/{id}",
            lambda s, c: Answer(202, s.put_download_client_config(c.body)),
        ),
        ("GET", "/api/v3/rootfolder", lambda s, c: ok(s.root_folders.list_all())),
        ("POST", "/api/v3/rootfolder", lambda s, c: Answer(201, s.root_folders.create(c.body))),
        ("GET", "/api/v3/rootfolder/{id}", lambda s, c: ok(s.root_folders.get(c.id))),
        (
            "DELETE",
            "/api/v3/rootfolder/{id}",
            lambda s, c: deleted(lambda: s.root_folders.delete(c.id)),
        ),
        ("GET", "/api/v3/series", lambda s, c: ok(s.list_media("sonarr"))),
        ("GET", "/api/v3/movie", lambda s, c: ok(s.list_media("radarr"))),
    ]


class SimulatedServarr(ApiServer[ServarrState]):
    """A Sonarr v4 or Radarr v5 on `http://127.0.0.1:<port>` with the real servers' rules.

    `state` is the live database: tests may edit it directly to mimic a change made by hand in
    the UI. `requests` records every answered request; `fail_next` injects failures.
    `profile_event_seconds` is how long overlapping custom-format POSTs can overwrite each
    other's profile inserts (see the module docstring).
    """

    def __init__(
        self,
        app: Literal["sonarr", "radarr"],
        *,
        api_key: str,
        version: str | None = None,
        latency: float = 0.0,
        request_validator: RequestValidator | None = None,
        network: Network | None = None,
        profile_event_seconds: float = PROFILE_EVENT_SECONDS,
    ) -> None:
        self.app = app
        state = ServarrState(app, version, network)
        super().__init__(
            state,
            _routes(profile_event_seconds),
            api_key=api_key,
            version=lambda: state.version,
            name=app,
            latency=latency,
            request_validator=request_validator,
        )

    def mark_profile_in_use(self, profile_id: int) -> None:
        """Pretend a series/movie uses the profile, so deleting it fails like the real server."""
        with self._lock:
            self.state.profiles_in_use.add(profile_id)
