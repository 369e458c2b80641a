from __future__ import annotations

from syncd.config.model import MediaManagementConfig, MediaNamingConfig
from syncd.desired.diagnostics import Diagnostics
from syncd.desired.naming import resolve_media_management, resolve_naming
from syncd.guides.model import GuideCatalog, GuideNaming

from .conftest import at


def test_sonarr_keys_map_to_api_fields_via_the_guide(sonarr: GuideCatalog) -> None:
    config = MediaNamingConfig(
        series="Plex-TVDB",
        season="default",
        episodes_rename=True,
        episodes_standard="default",
        episodes_daily="original",
        episodes_anime="default",
        api={"colonReplacementFormat": 4},
    )
    diags = Diagnostics("x")
    fields = resolve_naming("sonarr", config, sonarr.naming, diags)
    guide = sonarr.naming.sections
    assert fields == {
        "seriesFolderFormat": guide["series"]["plex-tvdb"],
        "seasonFolderFormat": guide["season"]["default"],
        "standardEpisodeFormat": guide["episodes"]["standard"]["default"],
        "dailyEpisodeFormat": guide["episodes"]["daily"]["original"],
        "animeEpisodeFormat": guide["episodes"]["anime"]["default"],
        "renameEpisodes": True,
        "colonReplacementFormat": 4,
    }
    assert diags.items == []


def test_radarr_keys_map_to_api_fields_via_the_guide(radarr: GuideCatalog) -> None:
    config = MediaNamingConfig(folder="jellyfin-tmdb", movie_standard="standard", movie_rename=False)
    fields = resolve_naming("radarr", config, radarr.naming, Diagnostics("x"))
    guide = radarr.naming.sections
    assert fields == {
        "movieFolderFormat": guide["folder"]["jellyfin-tmdb"],
        "standardMovieFormat": guide["file"]["standard"],
        "renameMovies": False,
    }


def test_legacy_v4_episode_key_is_preferred() -> None:
    guide = GuideNaming(sections={"episodes": {"standard": {"default": "new", "default:4": "v4"}}})
    fields = resolve_naming("sonarr", MediaNamingConfig(episodes_standard="default"), guide, Diagnostics("x"))
    assert fields == {"standardEpisodeFormat": "v4"}


def test_literal_format_string_passes_through(sonarr: GuideCatalog) -> None:
    fields = resolve_naming(
        "sonarr", MediaNamingConfig(season="S{season:00}"), sonarr.naming, Diagnostics("x")
    )
    assert fields == {"seasonFolderFormat": "S{season:00}"}


def test_unknown_key_is_an_error_listing_valid_keys(sonarr: GuideCatalog) -> None:
    diags = Diagnostics("x")
    resolve_naming("sonarr", MediaNamingConfig(series="kodi", origin=at(70)), sonarr.naming, diags)
    assert [(d.location, d.severity) for d in diags.items] == [("config.yml:70", "error")]
    assert all(key in diags.items[0].message for key in sonarr.naming.sections["series"])


def test_media_management_translates_propers_and_merges_api_fields() -> None:
    config = MediaManagementConfig(propers_and_repacks="do_not_prefer", api={"deleteEmptyFolders": True})
    assert resolve_media_management(config) == {
        "downloadPropersAndRepacks": "doNotPrefer",
        "deleteEmptyFolders": True,
    }
