"""A simulated Sonarr v4 / Radarr v5 speaking real HTTP on loopback.

Owns the Sonarr/Radarr `/api/v3` route table over `ServarrState`: status codes (201 on POST,
202 on PUT, 400 validation arrays, 404), and the server object tests and `syncd demo` use. The
HTTP machinery (auth, latency, validation, injection, recording) is `ApiServer`'s.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from syncd.simulator.api import Answer, ApiServer, RecordedRequest, RequestValidator, Route, ok
from syncd.simulator.state import ServarrState

__all__ = ["RecordedRequest", "SimulatedServarr"]


def _routes() -> list[Route[ServarrState]]:
    """(method, path template, handler); `{id}` matches an integer."""

    def deleted(action: Callable[[], None]) -> Answer:
        action()
        return Answer(200)

    return [
        ("GET", "/api/v3/system/status", lambda s, c: ok(s.system_status())),
        ("GET", "/api/v3/customformat", lambda s, c: ok(s.list_custom_formats())),
        ("POST", "/api/v3/customformat", lambda s, c: Answer(201, s.create_custom_format(c.body))),
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
    """

    def __init__(
        self,
        app: Literal["sonarr", "radarr"],
        *,
        api_key: str,
        version: str | None = None,
        latency: float = 0.0,
        request_validator: RequestValidator | None = None,
    ) -> None:
        self.app = app
        state = ServarrState(app, version)
        super().__init__(
            state,
            _routes(),
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
