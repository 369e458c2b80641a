"""The Sonarr/Radarr download-client settings (`/api/v3/config/downloadclient`), a singleton:

    download_client_config: {enableCompletedDownloadHandling: true, autoRedownloadFailed: false}

Keys are the API's own names. The server saves every property of the resource it is sent
(`ConfigService.SaveConfigDictionary`: a missing boolean arrives as false), so the write is the
live object, whole, with the config's keys patched in. A key the resource does not have, or a
value of the wrong type, is an error at its config line; a key this server's object lacks (an
older version) is an error of the plan, before anything is sent. The kind is `fixed`: there is
nothing to create or delete, and no delete policy can select the settings.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from pydantic import ConfigDict, ValidationError

from syncd.config.model import ResourceEntry
from syncd.errors import Diagnostic
from syncd.kinds.base import Context, EntryModel, Wanted, Wants
from syncd.kinds.config_singleton import ConfigSingleton

ENDPOINT = "config/downloadclient"
# `DownloadClientConfigResource` of Sonarr v4 and Radarr v5: key -> type.
KEYS: Mapping[str, Mapping[str, type]] = {
    "sonarr": {
        "downloadClientWorkingFolders": str,
        "enableCompletedDownloadHandling": bool,
        "autoRedownloadFailed": bool,
        "autoRedownloadFailedFromInteractiveSearch": bool,
    },
    "radarr": {
        "downloadClientWorkingFolders": str,
        "enableCompletedDownloadHandling": bool,
        "checkForFinishedDownloadInterval": int,
        "autoRedownloadFailed": bool,
        "autoRedownloadFailedFromInteractiveSearch": bool,
    },
}


class DownloadClientConfigEntry(EntryModel):
    """The section: a mapping of API keys to values (each checked against `KEYS`)."""

    model_config = ConfigDict(frozen=True, extra="allow", strict=True)


class DownloadClientConfig(ConfigSingleton):
    name: ClassVar[str] = "download_client_config"
    endpoint: ClassVar[str] = ENDPOINT
    entry: ClassVar[type[EntryModel]] = DownloadClientConfigEntry

    def wanted(self, entries: tuple[ResourceEntry, ...], context: Context) -> Wants:
        known = KEYS[context.service]
        value: dict[str, Any] = {}
        problems: list[Diagnostic] = []
        origin = str(entries[0].origin) if entries else ""
        for entry in entries:
            try:
                items = DownloadClientConfigEntry.model_validate(entry.value).model_extra or {}
            except ValidationError:
                problems.append(
                    Diagnostic(str(entry.origin), f"{self.section}: expected a mapping of settings to values")
                )
                continue
            for key, setting in items.items():
                problem = _problem(key, setting, known)
                if problem:
                    problems.append(Diagnostic(str(entry.origin), f"{self.section}: {problem}"))
                else:
                    value[key] = setting
        if not value or problems:
            return Wants(diagnostics=tuple(problems))
        settings = dict(sorted(value.items()))
        return Wants(objects=(Wanted(key="", name=self.name, value=settings, origin=origin),))


def _problem(key: str, value: Any, known: Mapping[str, type]) -> str | None:
    expected = known.get(key)
    if expected is None:
        return f"unknown setting {key!r} (known: {', '.join(known)})"
    if isinstance(value, bool) != (expected is bool) or not isinstance(value, expected):
        return f"{key} must be {expected.__name__}, got {value!r}"
    return None
