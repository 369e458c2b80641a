"""Configarr's wiring keys with Configarr's meaning (`src/types/config.types.ts`,
`src/downloadClients/downloadClientBase.ts`, `src/delay-profiles.ts`): they become syncd's
resource sections instead of being ignored."""

from __future__ import annotations

from syncd.config.load import load_config
from syncd.config.model import InstanceConfig

from .helpers import Write

CONFIGARR = """
    radarr:
      main:
        base_url: http://radarr:7878
        api_key: radarr-key-0123
        root_folders:
          - /data/movies
        delay_profiles:
          default:
            enableUsenet: true
            preferredProtocol: torrent
            torrentDelay: 0
            order: 5
          additional:
            - enableTorrent: true
              usenetDelay: 10
              tags: [Anime]
        download_clients:
          data:
            - name: qBit 4K
              type: qbittorrent
              enable: false
              priority: 2
              remove_failed_downloads: false
              tags: [4K, Anime, 7]
              fields:
                host: qbittorrent
                use_ssl: false
                url_base: /
                movie_imported_category: movies-4k
          update_password: false
          delete_unmanaged: {enabled: true, ignore: [Keep me]}
          remote_paths:
            - {host: qbittorrent, remote_path: /downloads, local_path: /data/downloads}
          delete_unmanaged_remote_paths: true
          config:
            enable_completed_download_handling: true
            check_for_finished_download_interval: 2
"""


def radarr(write: Write) -> InstanceConfig:
    (inst,) = load_config(write("config.yml", CONFIGARR), env={}).instances
    return inst


def values(inst: InstanceConfig, section: str) -> list[object]:
    return [e.value for e in inst.resources[section]]


def test_download_clients_become_provider_entries_with_the_api_spelling(write: Write) -> None:
    (client,) = values(radarr(write), "download_clients")
    assert client == {
        "name": "qBit 4K",
        "implementation": "QBittorrent",
        "enable": False,
        "fields": {
            "host": "qbittorrent",
            "useSsl": False,
            "urlBase": "/",
            "movieImportedCategory": "movies-4k",
        },
        "settings": {"priority": 2, "removeFailedDownloads": False},
        "tags": ["4k", "anime"],
    }


def test_their_tags_and_the_delay_profiles_tags_become_managed_tags(write: Write) -> None:
    assert values(radarr(write), "tags") == ["anime", "4k"]


def test_delay_profiles_default_and_additional_keep_configarr_meaning(write: Write) -> None:
    inst = radarr(write)
    assert values(inst, "delay_profiles") == [
        {"default": True, "enable_usenet": True, "preferred_protocol": "torrent", "torrent_delay": 0},
        {"enable_torrent": True, "usenet_delay": 10, "tags": ["anime"]},
    ]
    # `additional` is the whole set of tagged profiles in Configarr: the others go.
    assert inst.unmanaged_deletes["delay_profiles"] == ()


def test_remote_paths_config_and_delete_switches(write: Write) -> None:
    inst = radarr(write)
    assert values(inst, "root_folders") == ["/data/movies"]
    assert values(inst, "remote_path_mappings") == [
        {"host": "qbittorrent", "remote_path": "/downloads", "local_path": "/data/downloads"}
    ]
    assert values(inst, "download_client_config") == [
        {"enableCompletedDownloadHandling": True},
        {"checkForFinishedDownloadInterval": 2},
    ]
    assert inst.unmanaged_deletes == {
        "delay_profiles": (),
        "download_clients": ("Keep me",),
        "remote_path_mappings": (),
    }


def test_sonarr_drops_the_radarr_only_setting(write: Write) -> None:
    path = write("config.yml", CONFIGARR.replace("radarr:", "sonarr:", 1))
    (inst,) = load_config(path, env={}).instances
    assert values(inst, "download_client_config") == [{"enableCompletedDownloadHandling": True}]


def test_without_delete_switches_nothing_unmanaged_goes(write: Write) -> None:
    path = write(
        "config.yml",
        "radarr:\n  main:\n    base_url: http://r\n    api_key: k\n    download_clients:\n"
        "      data: [{name: q, type: transmission}]\n",
    )
    (inst,) = load_config(path, env={}).instances
    assert inst.unmanaged_deletes == {}
    assert values(inst, "download_clients") == [{"name": "q", "implementation": "Transmission"}]


PROFILES = """
    customFormatDefinitions:
      - {trash_id: global-cf, name: Global, specifications: []}
    sonarr:
      main:
        base_url: http://sonarr:8989
        api_key: sonarr-key-0123
        include:
          - template: 72dae194fc92bf828f32cde7744e51a1
            source: TRASH
            trash_cfgroup_include_unrequired: true
            trash_cfgroup_exclude_cfs: [{id: cf-b}]
        trash_cfgroup_config:
          include_optional: false
          include_cfs: [{id: cf-a}]
        customFormatDefinitions:
          - {trash_id: own-cf, name: Own, specifications: []}
        quality_profiles:
          - name: Old
            qualities: [{name: WEB 1080p}]
        custom_formats:
          - trash_ids: [own-cf]
            assign_scores_to: [{name: Old, score: 5}]
        renameQualityProfiles: [{from: Old, to: New}]
        cloneQualityProfiles: [{from: New, to: Copy}]
"""


def test_renames_and_clones_are_carried_in_order_to_the_desired_stage(write: Write) -> None:
    """They may name a guide profile by its guide name: `syncd.desired.renames` applies them."""
    (inst,) = load_config(write("config.yml", PROFILES), env={}).instances
    assert [p.name for p in inst.quality_profiles if p.trash_id is None] == ["Old"]
    assert [(r.old, r.new, r.origin.line) for r in inst.profile_renames] == [("Old", "New", 23)]
    assert [(r.old, r.new, r.origin.line) for r in inst.profile_clones] == [("New", "Copy", 24)]


def test_auto_group_selection_per_include_over_the_instance_default(write: Write) -> None:
    (inst,) = load_config(write("config.yml", PROFILES), env={}).instances
    selection = inst.custom_format_groups.auto_selection["72dae194fc92bf828f32cde7744e51a1"]
    assert (selection.include_optional, selection.include_unrequired) == (False, True)
    assert [r.trash_id for r in selection.include_cfs] == ["cf-a"]
    assert [r.trash_id for r in selection.exclude_cfs] == ["cf-b"]
    assert inst.custom_format_groups.unknown_warns


def test_custom_format_definitions_global_before_the_instances_own(write: Write) -> None:
    (inst,) = load_config(write("config.yml", PROFILES), env={}).instances
    assert [e.value["trash_id"] for e in inst.custom_format_definitions] == ["global-cf", "own-cf"]
    assert inst.custom_format_definitions[0].origin.line == 2
