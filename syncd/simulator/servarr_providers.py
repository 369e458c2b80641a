"""The provider implementations a simulated Sonarr v4 / Radarr v5 offers, as data: the
qBittorrent download client, the Plex Media Server notification and the Newznab/Torznab
indexers Prowlarr creates, with their settings classes' fields, defaults, privacy levels,
validators and connection tests (see `probes`).

Sources: `QBittorrentSettings`, `PlexServerSettings`, `NewznabSettings`, `TorznabSettings`,
`SeedCriteriaSettings`, `DownloadClientResource`, `NotificationResource`, `IndexerResource`,
`NotificationDefinition.Enable`, `IndexerDefinition.Enable`, Radarr's `DownloadClientController`
(priority 1-50). Labels are the English strings the servers localise them to.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from typing import Any, Literal

from syncd.simulator import probes
from syncd.simulator.network import Network
from syncd.simulator.providers import FieldSpec, Implementation, Option, ProviderKind, TopField
from syncd.simulator.rules import Failure

App = Literal["sonarr", "radarr"]
Json = dict[str, Any]
_HOST = re.compile(r"^[-_a-z0-9.]+$", re.IGNORECASE)
_URL_BASE = re.compile(r"^(?!/?https?://[-_a-z0-9.]+)", re.IGNORECASE)
_CATEGORY = re.compile(r"^([^\\/](/?[^\\/])*)?$")
_ADDITIONAL = re.compile(r"(&.+?=.+?)+")
CATEGORY_MESSAGE = "Can not contain '\\', '//', or start/end with '/'"
PRIORITIES = (Option(0, "Last"), Option(1, "First"))
STATES = (Option(0, "Started", "(0)"), Option(1, "Force Started", "(1)"), Option(2, "Stopped", "(2)"))
LAYOUTS = (Option(0, "Default"), Option(1, "Original"), Option(2, "Subfolder"))


def _ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value.strip("[]"))
    except ValueError:
        return False
    return True


def host_failures(settings: Json, name: str = "host") -> list[Failure]:
    """`ValidHost()`: not empty, a host name or an IP address, no scheme."""
    label = name[0].upper() + name[1:]
    value = settings.get(name)
    if not isinstance(value, str) or not value.strip():
        return [Failure(label, f"'{label}' must not be empty.", value)]
    if not (_HOST.match(value) or _ip(value)):
        return [Failure(label, "must be valid Host without http://", value)]
    return []


def port_failures(settings: Json) -> list[Failure]:
    port = settings.get("port")
    if not isinstance(port, int) or not 1 <= port <= 65535:
        return [Failure("Port", f"'Port' must be between 1 and 65535. You entered {port}.", port)]
    return []


def url_base_failures(settings: Json, example: str = "/sonarr", name: str = "urlBase") -> list[Failure]:
    value = settings.get(name)
    if value and not _URL_BASE.match(str(value)):
        label = name[0].upper() + name[1:]
        return [Failure(label, f"Must be a valid URL path (ie: '{example}')", value)]
    return []


def category_failures(settings: Json, *names: str) -> list[Failure]:
    failures = []
    for name in names:
        value = settings.get(name)
        if value and not _CATEGORY.match(str(value)):
            failures.append(Failure(name[0].upper() + name[1:], CATEGORY_MESSAGE, value))
    return failures


def root_url_failures(settings: Json, name: str) -> list[Failure]:
    """`ValidRootUrl()`: a URL that starts with http(s)://."""
    value = settings.get(name)
    label = name[0].upper() + name[1:]
    if not isinstance(value, str) or not value.strip():
        return [Failure(label, f"'{label}' must not be empty.", value)]
    if not re.match(r"^https?://[^/\s]+", value, re.IGNORECASE):
        return [Failure(label, "must be valid URL that starts with http(s)://", value)]
    return []


# ------------------------------------------------------------------ qBittorrent


def qbittorrent_fields(
    app: Literal["sonarr", "radarr", "prowlarr"], *, api_key: bool
) -> tuple[FieldSpec, ...]:
    """`QBittorrentSettings` of Sonarr v4 (with the 4.0.17 `apiKey`), Radarr v5 or Prowlarr."""
    noun = {"sonarr": "Tv", "radarr": "Movie"}.get(app, "")
    head = [
        FieldSpec("host", "Host", default="localhost"),
        FieldSpec("port", "Port", kind="int", default=8080),
        FieldSpec(
            "useSsl",
            "Use SSL",
            kind="bool",
            default=False,
            type="checkbox",
            help_text="Use a secure connection. See Options -> Web UI -> 'Use HTTPS instead of HTTP' in qBittorrent.",
        ),
        FieldSpec(
            "urlBase",
            "URL Base",
            advanced=True,
            help_text="Adds a prefix to the qBittorrent url, such as http://[host]:[port]/[urlBase]/api",
        ),
    ]
    if api_key:
        head.append(FieldSpec("apiKey", "API Key", privacy="apiKey"))
    head += [
        FieldSpec("username", "Username", privacy="userName"),
        FieldSpec("password", "Password", type="password", privacy="password"),
    ]
    state_and_layout = [
        FieldSpec("initialState", "Initial State", kind="int", default=0, type="select", options=STATES),
        FieldSpec("sequentialOrder", "Sequential Order", kind="bool", default=False, type="checkbox"),
        FieldSpec("firstAndLast", "First and Last First", kind="bool", default=False, type="checkbox"),
        FieldSpec("contentLayout", "Content Layout", kind="int", default=0, type="select", options=LAYOUTS),
    ]
    if app == "prowlarr":
        middle = [
            FieldSpec("category", "Default Category", default="prowlarr"),
            FieldSpec("priority", "Priority", kind="int", default=0, type="select", options=PRIORITIES),
        ]
    else:
        middle = [
            FieldSpec(
                f"{noun.lower()}Category", "Category", default="tv-sonarr" if app == "sonarr" else "radarr"
            ),
            FieldSpec(f"{noun.lower()}ImportedCategory", "Post-Import Category", advanced=True),
            FieldSpec(
                f"recent{noun}Priority",
                "Recent Priority",
                kind="int",
                default=0,
                type="select",
                options=PRIORITIES,
            ),
            FieldSpec(
                f"older{noun}Priority",
                "Older Priority",
                kind="int",
                default=0,
                type="select",
                options=PRIORITIES,
            ),
        ]
    return tuple(head + middle + state_and_layout)


def qbittorrent_validate(app: Literal["sonarr", "radarr", "prowlarr"]) -> Callable[[Json], list[Failure]]:
    categories = {
        "sonarr": ("tvCategory", "tvImportedCategory"),
        "radarr": ("movieCategory", "movieImportedCategory"),
        "prowlarr": ("category",),
    }[app]

    def validate(settings: Json) -> list[Failure]:
        failures = host_failures(settings) + port_failures(settings) + url_base_failures(settings)
        if settings.get("apiKey"):
            for name in ("username", "password"):
                if settings.get(name):
                    label = name.capitalize()
                    failures.append(
                        Failure(label, f"{label} must be empty when using API Key.", settings[name])
                    )
        return failures + category_failures(settings, *categories)

    return validate


API_KEY_SINCE = (4, 0, 17)
"""Sonarr's qBittorrent client has an `apiKey` field from 4.0.17 (qBittorrent 5.2 API keys)."""


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split(".") if part.isdigit())


def qbittorrent(app: App, version: str, network: Network) -> Implementation:
    flavour = probes.SONARR_QBT if app == "sonarr" else probes.RADARR_QBT
    return Implementation(
        implementation="QBittorrent",
        name="qBittorrent",
        config_contract="QBittorrentSettings",
        fields=qbittorrent_fields(app, api_key=app == "sonarr" and _version(version)[:3] >= API_KEY_SINCE),
        info_link=f"https://wiki.servarr.com/{app}/supported#qbittorrent",
        validate=qbittorrent_validate(app),
        test=lambda settings, top: probes.qbittorrent_test(flavour, network, settings),
        traits={"protocol": "torrent"},
    )


def download_client_kind(app: App, version: str, network: Network) -> ProviderKind:
    def priority(definition: Json) -> list[Failure]:
        value = definition["priority"]
        if app == "radarr" and not 1 <= value <= 50:
            return [Failure("Priority", f"'Priority' must be between 1 and 50. You entered {value}.", value)]
        return []

    return ProviderKind(
        resource="downloadclient",
        implementations=(qbittorrent(app, version, network),),
        top=(
            TopField("enable", "bool", False),
            TopField("priority", "int", 1),
            TopField("removeCompletedDownloads", "bool", True),
            TopField("removeFailedDownloads", "bool", True),
        ),
        validate_top=priority,
    )


# ------------------------------------------------------------------------ Plex


def plex_server(app: App, network: Network) -> Implementation:
    noun = "series" if app == "sonarr" else "movie"
    app_name = app.capitalize()
    fields = (
        FieldSpec(
            "server",
            "Server",
            type="select",
            options_action="servers",
            help_text="Select server from plex.tv account after authenticating",
            persisted=False,
        ),
        FieldSpec("host", "Host", default=""),
        FieldSpec("port", "Port", kind="int", default=32400),
        FieldSpec(
            "useSsl",
            "Use SSL",
            kind="bool",
            default=False,
            type="checkbox",
            help_text="Connect to Plex over HTTPS instead of HTTP",
        ),
        FieldSpec(
            "urlBase",
            "URL Base",
            advanced=True,
            help_text="Adds a prefix to the Plex url, such as http://[host]:[port]/[urlBase]/plex",
        ),
        FieldSpec("authToken", "Auth Token", privacy="apiKey", advanced=True),
        FieldSpec("signIn", "Authenticate with Plex.tv", default="startOAuth", type="oAuth"),
        FieldSpec("updateLibrary", "Update Library", kind="bool", default=True, type="checkbox"),
        FieldSpec(
            "mapFrom",
            "Map Paths From",
            advanced=True,
            help_text=f"{app_name} path, used to modify {noun} paths when Plex sees library path location "
            f"differently from {app_name} (Requires 'Update Library')",
        ),
        FieldSpec(
            "mapTo",
            "Map Paths To",
            advanced=True,
            help_text=f"Plex path, used to modify {noun} paths when Plex sees library path location "
            f"differently from {app_name} (Requires 'Update Library')",
        ),
    )

    def validate(settings: Json) -> list[Failure]:
        failures = host_failures(settings) + port_failures(settings)
        for name, other in (("mapFrom", "mapTo"), ("mapTo", "mapFrom")):
            if settings.get(other) and not settings.get(name):
                label = "Map From" if name == "mapFrom" else "Map To"
                failures.append(
                    Failure(name[0].upper() + name[1:], f"'{label}' must not be empty.", settings.get(name))
                )
        return failures

    supported = (
        {
            "supportsOnDownload": True,
            "supportsOnUpgrade": True,
            "supportsOnImportComplete": True,
            "supportsOnRename": True,
            "supportsOnSeriesAdd": True,
            "supportsOnSeriesDelete": True,
            "supportsOnEpisodeFileDelete": True,
            "supportsOnEpisodeFileDeleteForUpgrade": True,
        }
        if app == "sonarr"
        else {
            "supportsOnDownload": True,
            "supportsOnUpgrade": True,
            "supportsOnRename": True,
            "supportsOnMovieDelete": True,
            "supportsOnMovieFileDelete": True,
            "supportsOnMovieFileDeleteForUpgrade": True,
        }
    )
    traits: Json = {flag: supported.get(flag, False) for flag in _support_flags(app)}
    traits["link"] = "https://www.plex.tv/"
    return Implementation(
        implementation="PlexServer",
        name="Plex Media Server",
        config_contract="PlexServerSettings",
        fields=fields,
        info_link=f"https://wiki.servarr.com/{app}/supported#plexserver",
        validate=validate,
        test=lambda settings, top: probes.plex_test(app, network, settings),
        traits=traits,
    )


def event_flags(app: App) -> tuple[str, ...]:
    """The `on...` flags of a notification resource, in the resource's order."""
    middle: tuple[str, ...]
    if app == "sonarr":
        middle = ("onImportComplete", "onRename", "onSeriesAdd", "onSeriesDelete", "onEpisodeFileDelete")
        middle += ("onEpisodeFileDeleteForUpgrade",)
    else:
        middle = (
            "onRename",
            "onMovieAdded",
            "onMovieDelete",
            "onMovieFileDelete",
            "onMovieFileDeleteForUpgrade",
        )
    health = ("onHealthIssue", "includeHealthWarnings", "onHealthRestored")
    return (
        "onGrab",
        "onDownload",
        "onUpgrade",
        *middle,
        *health,
        "onApplicationUpdate",
        "onManualInteractionRequired",
    )


def _support_flags(app: App) -> tuple[str, ...]:
    return tuple("supportsO" + flag[1:] for flag in event_flags(app) if flag != "includeHealthWarnings")


def notification_kind(app: App, network: Network) -> ProviderKind:
    flags = event_flags(app)
    triggers = tuple(flag for flag in flags if flag != "includeHealthWarnings")
    return ProviderKind(
        resource="notification",
        implementations=(plex_server(app, network),),
        top=tuple(TopField(flag, "bool", False) for flag in flags),
        enabled=lambda definition: any(definition[flag] for flag in triggers),
    )


# ---------------------------------------------------------------------- indexers


def _newznab_fields(app: App, *, torrent: bool) -> tuple[FieldSpec, ...]:
    fields = [
        FieldSpec("baseUrl", "URL"),
        FieldSpec("apiPath", "API Path", default="/api", advanced=True),
        FieldSpec("apiKey", "API Key", privacy="apiKey"),
        FieldSpec(
            "categories",
            "Categories",
            kind="ints",
            default=[5030, 5040] if app == "sonarr" else [2000, 2010, 2020, 2030, 2040, 2045, 2050, 2060],
            type="select",
            options_action="newznabCategories",
        ),
    ]
    if app == "sonarr":
        fields += [
            FieldSpec(
                "animeCategories",
                "Anime Categories",
                kind="ints",
                default=[],
                type="select",
                options_action="newznabCategories",
            ),
            FieldSpec(
                "animeStandardFormatSearch",
                "Anime Standard Format Search",
                kind="bool",
                default=False,
                type="checkbox",
            ),
        ]
    fields += [
        FieldSpec("additionalParameters", "Additional Parameters", advanced=True),
        FieldSpec("multiLanguages", "Multi Languages", kind="ints", default=[], type="select", advanced=True),
        FieldSpec("failDownloads", "Fail Downloads", kind="ints", default=[], type="select", advanced=True),
    ]
    if app == "radarr":
        fields.append(
            FieldSpec("removeYear", "Remove Year", kind="bool", default=False, type="checkbox", advanced=True)
        )
    if torrent:
        fields += [
            FieldSpec(
                "minimumSeeders", "Minimum Seeders", kind="int", default=1, type="number", advanced=True
            ),
            FieldSpec("seedCriteria.seedRatio", "Seed Ratio", kind="float?", type="number"),
            FieldSpec(
                "seedCriteria.seedTime",
                "Seed Time",
                kind="int?",
                type="number",
                unit="minutes",
                advanced=True,
            ),
        ]
        if app == "sonarr":
            fields.append(
                FieldSpec(
                    "seedCriteria.seasonPackSeedTime",
                    "Season-Pack Seed Time",
                    kind="int?",
                    type="number",
                    unit="minutes",
                    advanced=True,
                )
            )
        fields.append(
            FieldSpec(
                "rejectBlocklistedTorrentHashesWhileGrabbing",
                "Reject Blocklisted Torrent Hashes While Grabbing",
                kind="bool",
                default=False,
                type="checkbox",
                advanced=True,
            )
        )
    return tuple(fields)


def _newznab_validate(settings: Json) -> list[Failure]:
    failures = root_url_failures(settings, "baseUrl") + url_base_failures(settings, "/api", "apiPath")
    extra = settings.get("additionalParameters")
    if extra and not _ADDITIONAL.search(str(extra)):
        failures.append(Failure("AdditionalParameters", "Additional Parameters are invalid", extra))
    return failures


def newznab(app: App, network: Network, *, torrent: bool) -> Implementation:
    name = "Torznab" if torrent else "Newznab"
    return Implementation(
        implementation=name,
        name=name,
        config_contract=f"{name}Settings",
        fields=_newznab_fields(app, torrent=torrent),
        info_link=f"https://wiki.servarr.com/{app}/supported#{name.lower()}",
        validate=_newznab_validate,
        test=lambda settings, top: probes.newznab_test(network, settings),
        traits={"protocol": "torrent" if torrent else "usenet", "supportsRss": True, "supportsSearch": True},
    )


def indexer_kind(app: App, network: Network) -> ProviderKind:
    top = [
        TopField("enableRss", "bool", True),
        TopField("enableAutomaticSearch", "bool", True),
        TopField("enableInteractiveSearch", "bool", True),
        TopField("priority", "int", 25),
        TopField("downloadClientId", "int", 0),
    ]
    if app == "sonarr":
        top.append(TopField("seasonSearchMaximumSingleEpisodeAge", "int", 0))
    return ProviderKind(
        resource="indexer",
        implementations=(newznab(app, network, torrent=False), newznab(app, network, torrent=True)),
        top=tuple(top),
        enabled=lambda d: bool(d["enableRss"] or d["enableAutomaticSearch"] or d["enableInteractiveSearch"]),
    )
