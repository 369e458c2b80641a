"""load_config: real Recyclarr templates, includes and merging, Configarr files, env overrides, uniqueness."""

from __future__ import annotations

from pathlib import Path

import pytest

from syncd.config.load import load_config, peek_guides
from syncd.config.model import Dialect
from syncd.errors import ConfigError

from .helpers import TEMPLATES_MASTER, TEMPLATES_V8, IncludesJsonLookup, Write

MASTER = IncludesJsonLookup(TEMPLATES_MASTER)


def test_master_template_resolves_includes_through_includes_json() -> None:
    path = TEMPLATES_MASTER / "sonarr" / "templates" / "web-1080p-v4.yml"
    config = load_config(path, env={}, templates=MASTER)
    assert config.dialect is Dialect.RECYCLARR
    (inst,) = config.instances
    assert inst.address == "sonarr.web-1080p-v4"
    # The include's CF list comes first, then the instance's own entries.
    include_cf = inst.custom_formats[0]
    assert "sonarr-v4-custom-formats-web-1080p.yml" in include_cf.origin.file
    assert "85c61753df5da1fb2aab6f2a47426b09" in [r.trash_id for r in include_cf.trash_ids]
    assert [t.name for t in include_cf.assign_scores_to] == ["WEB-1080p"]
    assert all(cf.origin.file == str(path) for cf in inst.custom_formats[1:])
    (profile,) = inst.quality_profiles
    assert (profile.name, profile.upgrade.until_quality, profile.upgrade.until_score) == (
        "WEB-1080p",
        "WEB 1080p",
        10000,
    )
    assert profile.reset_unmatched_scores.enabled
    assert inst.quality_definition is not None and inst.quality_definition.type == "series"
    assert "sonarr-quality-definition-series.yml" in inst.quality_definition.origin.file


@pytest.mark.parametrize("service", ["radarr", "sonarr"])
def test_every_master_template_loads_with_the_lookup(service: str) -> None:
    for path in sorted((TEMPLATES_MASTER / service / "templates").glob("*.yml")):
        (inst,) = load_config(path, env={}, templates=MASTER).instances
        assert inst.service == service
        assert inst.quality_profiles and inst.custom_formats and inst.quality_definition is not None


@pytest.mark.parametrize(
    ("template", "trash_id", "qd_type"),
    [
        ("sonarr/templates/web-1080p.yml", "72dae194fc92bf828f32cde7744e51a1", "series"),
        ("sonarr/templates/web-2160p.yml", "d1498e7d189fbe6c7110ceaabb7473e6", "series"),
        ("radarr/templates/hd-bluray-web.yml", "d1d67249d3890e49bc12e275d989a7e9", "movie"),
        ("radarr/templates/uhd-bluray-web.yml", "64fb5f9858489bdac2af690e27c8f42f", "movie"),
    ],
)
def test_v8_branch_templates_load_directly(template: str, trash_id: str, qd_type: str) -> None:
    (inst,) = load_config(TEMPLATES_V8 / template, env={}).instances
    (profile,) = inst.quality_profiles
    assert profile.trash_id is not None and profile.trash_id.trash_id == trash_id
    assert profile.reset_unmatched_scores.enabled
    assert inst.quality_definition is not None and inst.quality_definition.type == qd_type
    assert inst.custom_format_groups.add, "the templates add some optional groups"
    assert all(g.select for g in inst.custom_format_groups.add)


def test_template_include_without_templates_repo_names_file_line_and_id(write: Write) -> None:
    path = write(
        "r.yml", "sonarr:\n  s:\n    base_url: u\n    api_key: k\n    include:\n      - template: web\n"
    )
    with pytest.raises(
        ConfigError, match=rf"{path}:6: include template 'web' .*no templates repo is available"
    ):
        load_config(path, env={})


def test_unknown_template_id_names_file_line_and_id(write: Write) -> None:
    path = write(
        "r.yml", "sonarr:\n  s:\n    base_url: u\n    api_key: k\n    include:\n      - template: nope\n"
    )
    with pytest.raises(
        ConfigError, match=rf"{path}:6: include template 'nope' is not in the sonarr templates"
    ):
        load_config(path, env={}, templates=MASTER)


def test_config_includes_resolve_beside_the_config_then_in_includes_folder(write: Write) -> None:
    write("conf/local.yml", "custom_formats:\n  - trash_ids: [a]\n")
    write("conf/includes/shared.yml", "custom_formats:\n  - trash_ids: [b]\n")
    path = write(
        "conf/recyclarr.yml",
        """
        sonarr:
          s:
            base_url: u
            api_key: k
            include:
              - config: local.yml
              - config: shared.yml
            custom_formats:
              - trash_ids: [c]
        """,
    )
    (inst,) = load_config(path, env={}).instances
    assert [cf.trash_ids[0].trash_id for cf in inst.custom_formats] == ["a", "b", "c"]


def test_missing_config_include_is_an_error_with_position(write: Write) -> None:
    path = write(
        "r.yml", "sonarr:\n  s:\n    base_url: u\n    api_key: k\n    include:\n      - config: gone.yml\n"
    )
    with pytest.raises(ConfigError, match=rf"{path}:6: include config file 'gone.yml' not found"):
        load_config(path, env={})


@pytest.mark.parametrize("key", ["api_key", "base_url", "include"])
def test_includes_may_not_set_connection_or_nest(write: Write, key: str) -> None:
    include = write("inc.yml", f"quality_definition: {{type: series}}\n{key}: x\n")
    path = write(
        "r.yml", "sonarr:\n  s:\n    base_url: u\n    api_key: k\n    include:\n      - config: inc.yml\n"
    )
    with pytest.raises(ConfigError, match=rf"{include}:2: an included file may not set '{key}'"):
        load_config(path, env={})


def test_include_entry_takes_exactly_one_form(write: Write) -> None:
    path = write(
        "r.yml",
        "sonarr:\n  s:\n    base_url: u\n    api_key: k\n    include:\n      - {config: a.yml, template: b}\n",
    )
    with pytest.raises(ConfigError, match=rf"{path}:6: an include entry takes exactly one of"):
        load_config(path, env={})


def test_profiles_merge_by_trash_id_and_name_later_fields_win(write: Write) -> None:
    write(
        "inc.yml",
        """
        quality_profiles:
          - name: HD
            min_format_score: 5
            upgrade: {allowed: true, until_quality: Bluray-1080p}
          - trash_id: abc
        quality_definition: {type: movie, preferred_ratio: 0.2}
        media_naming: {folder: default, movie: {rename: true, standard: standard}}
        """,
    )
    path = write(
        "r.yml",
        """
        radarr:
          r:
            base_url: u
            api_key: k
            include: [{config: inc.yml}]
            quality_profiles:
              - name: HD
                upgrade: {until_quality: WEB-1080p}
              - trash_id: abc
                name: Renamed
            quality_definition: {preferred_ratio: 0.7}
            media_naming: {movie: {standard: plex-tmdb}}
        """,
    )
    (inst,) = load_config(path, env={}).instances
    hd, guide, renamed = inst.quality_profiles
    assert (hd.name, hd.min_format_score, hd.upgrade.allowed, hd.upgrade.until_quality) == (
        "HD",
        5,
        True,
        "WEB-1080p",
    )
    assert (guide.name, renamed.name) == (None, "Renamed")
    assert inst.quality_definition is not None
    assert (inst.quality_definition.type, inst.quality_definition.preferred_ratio) == ("movie", 0.7)
    assert inst.media_naming is not None
    assert (inst.media_naming.folder, inst.media_naming.movie_rename, inst.media_naming.movie_standard) == (
        "default",
        True,
        "plex-tmdb",
    )


def test_cf_group_adds_concatenate_and_later_add_of_same_group_replaces(write: Write) -> None:
    write("inc.yml", "custom_format_groups:\n  skip: [s1]\n  add:\n    - trash_id: g1\n    - trash_id: g2\n")
    path = write(
        "r.yml",
        """
        sonarr:
          s:
            base_url: u
            api_key: k
            include: [{config: inc.yml}]
            custom_format_groups:
              skip: [s2]
              add:
                - trash_id: g2
                  select: [x]
        """,
    )
    groups = load_config(path, env={}).instances[0].custom_format_groups
    assert [s.trash_id for s in groups.skip] == ["s1", "s2"]
    assert [(g.trash_id.trash_id, g.select is not None) for g in groups.add] == [("g1", False), ("g2", True)]


def test_recyclarr_rejects_duplicate_instance_names_naming_both(write: Write) -> None:
    path = write(
        "r.yml",
        "sonarr:\n  main: {base_url: http://s, api_key: k}\nradarr:\n  Main: {base_url: http://r, api_key: k}\n",
    )
    with pytest.raises(
        ConfigError, match=rf"{path}:4: instance name 'Main' is also used by sonarr.main at {path}:2"
    ):
        load_config(path, env={})


def test_recyclarr_rejects_split_instances_on_one_base_url_naming_both(write: Write) -> None:
    path = write(
        "r.yml", "sonarr:\n  a: {base_url: http://s/, api_key: k}\n  b: {base_url: http://s, api_key: k}\n"
    )
    with pytest.raises(
        ConfigError, match=rf"{path}:3: sonarr.b and sonarr.a \(at {path}:2\) use the same base_url"
    ):
        load_config(path, env={})


def test_configarr_allows_two_instances_on_one_base_url(write: Write) -> None:
    path = write(
        "c.yml",
        "sonarr:\n  a: {base_url: http://s, api_key: k, enabled: true}\n  b: {base_url: http://s, api_key: k}\n",
    )
    assert len(load_config(path, env={}).instances) == 2


def test_configarr_config_with_local_repo_and_trash_includes(write: Write, tmp_path: Path) -> None:
    write(
        "templates/my-extras.yml",
        "custom_formats:\n  - trash_ids: [local1]\n    assign_scores_to: [{name: WEB-1080p}]\n",
    )
    write("secrets.yml", "SONARR_KEY: from-secret\n")
    path = write(
        "config.yml",
        """
        trashGuideUrl: https://example.org/trash.git
        trashRevision: abc123
        recyclarrConfigUrl: https://example.org/templates.git
        localConfigTemplatesPath: templates
        localCustomFormatsPath: /data/cfs
        sonarr:
          main:
            base_url: http://sonarr:8989
            api_key: !secret SONARR_KEY
            include:
              - template: sonarr-v4-custom-formats-web-1080p
              - template: 72dae194fc92bf828f32cde7744e51a1
                source: TRASH
              - template: bef99584217af744e404ed44a33af589
                source: TRASH
              - template: my-extras
              - template: https://example.org/remote.yml
            custom_format_groups:
              - trash_guide: [{id: grp}]
                assign_scores_to: [{name: WEB-1080p}]
            quality_profiles:
              - name: Mine
                upgrade: {allowed: false, until_quality: WEB 1080p, until_score: 0, min_format_score: 3}
                qualities: [{name: WEB 1080p}]
        """,
    )
    config = load_config(path, env={}, templates=MASTER)
    assert config.dialect is Dialect.CONFIGARR
    assert (config.guides.trash.url, config.guides.trash.ref) == ("https://example.org/trash.git", "abc123")
    assert config.guides.templates.url == "https://example.org/templates.git"
    assert config.guides.local_templates == tmp_path / "templates"
    assert config.guides.local_custom_formats == (Path("/data/cfs"),)
    (inst,) = config.instances
    assert inst.api_key.get_secret_value() == "from-secret"
    assert [cf.trash_ids[0].trash_id for cf in inst.custom_formats][-1] == "local1"
    assert len(inst.custom_formats) == 2
    guide, mine = inst.quality_profiles
    assert guide.trash_id is not None and guide.trash_id.trash_id == "72dae194fc92bf828f32cde7744e51a1"
    assert (mine.name, mine.min_upgrade_format_score) == ("Mine", 3)
    assert inst.quality_definition is not None
    assert (inst.quality_definition.type, inst.quality_definition.ratio_mode) == ("series", "piecewise")
    assert [g.trash_id.trash_id for g in inst.custom_format_groups.add] == ["grp"]


def test_configarr_source_recyclarr_skips_local_templates(write: Write) -> None:
    write("templates/sonarr-quality-definition-series.yml", "quality_definition: {type: local}\n")
    path = write(
        "config.yml",
        """
        localConfigTemplatesPath: templates
        sonarr:
          s:
            base_url: u
            api_key: k
            include: [{template: sonarr-quality-definition-series, source: RECYCLARR}]
        """,
    )
    inst = load_config(path, env={}, templates=MASTER).instances[0]
    assert inst.quality_definition is not None and inst.quality_definition.type == "series"


def test_syncd_preset_include_and_instance_overrides(write: Write) -> None:
    path = write(
        "syncd.yml",
        """
        syncd: 1
        radarr:
          movies:
            base_url: http://radarr:7878
            api_key: !env RADARR_KEY
            include:
              - preset: radarr-hd-bluray-web
            media_naming:
              folder: plex-tmdb
        """,
    )
    (inst,) = load_config(path, env={"RADARR_KEY": "k"}).instances
    assert inst.quality_profiles[0].trash_id is not None
    assert inst.quality_profiles[0].trash_id.trash_id == "d1d67249d3890e49bc12e275d989a7e9"
    assert inst.media_naming is not None
    assert (inst.media_naming.folder, inst.media_naming.movie_standard) == ("plex-tmdb", "standard")


def test_unknown_preset_names_position_and_lists_available(write: Write) -> None:
    path = write(
        "s.yml",
        "syncd: 1\nsonarr:\n  s:\n    base_url: u\n    api_key: k\n    include:\n      - preset: nope\n",
    )
    with pytest.raises(
        ConfigError, match=rf"{path}:7: unknown preset 'nope'; available presets: .*sonarr-web-1080p"
    ):
        load_config(path, env={})


def test_env_overrides_guides_and_state_dir_for_every_dialect(write: Write, tmp_path: Path) -> None:
    env = {
        "SYNCD_TRASH_GUIDES_URL": "https://mirror/trash.git",
        "SYNCD_TRASH_GUIDES_REF": "v1",
        "SYNCD_TEMPLATES_URL": "https://mirror/templates.git",
        "SYNCD_TEMPLATES_REF": "v8",
        "SYNCD_STATE_DIR": "/var/lib/syncd",
    }
    for text in ("trashGuideUrl: https://x\n", "syncd: 1\nstate_dir: st\n", "sonarr: {}\n"):
        config = load_config(write("c.yml", text), env=env)
        assert (config.guides.trash.url, config.guides.trash.ref) == ("https://mirror/trash.git", "v1")
        assert (config.guides.templates.url, config.guides.templates.ref) == (
            "https://mirror/templates.git",
            "v8",
        )
        assert config.state_dir == Path("/var/lib/syncd")


@pytest.mark.parametrize(
    ("text", "state_dir"),
    [
        ("sonarr: {}\n", ".syncd"),
        ("trashRevision: x\n", ".syncd"),
        ("syncd: 1\n", ".syncd"),
        ("syncd: 1\nstate_dir: st\n", "st"),
    ],
)
def test_default_state_dir_is_beside_the_config_file(
    write: Write, tmp_path: Path, text: str, state_dir: str
) -> None:
    assert load_config(write("c.yml", text), env={}).state_dir == tmp_path / state_dir


def test_dialect_override_wins(write: Write) -> None:
    path = write("c.yml", "sonarr:\n  s:\n    base_url: u\n    api_key: k\n    custom_format_groups: []\n")
    assert load_config(path, env={}).dialect is Dialect.CONFIGARR
    with pytest.raises(ConfigError, match="custom_format_groups must be a mapping"):
        load_config(path, env={}, dialect=Dialect.RECYCLARR)


def test_empty_file_has_no_instances_and_a_list_is_an_error(write: Write) -> None:
    assert load_config(write("c.yml", ""), env={}).instances == ()
    path = write("d.yml", "- a\n")
    with pytest.raises(ConfigError, match=rf"{path}:1: a config file must be a mapping"):
        load_config(path, env={})


def test_peek_guides_reads_sources_and_state_dir_without_resolving_includes(
    write: Write, tmp_path: Path
) -> None:
    path = write(
        "config.yml",
        """
        recyclarrConfigUrl: https://example.org/templates.git
        sonarr:
          s:
            base_url: u
            api_key: k
            include: [{template: only-in-the-repo}]
        """,
    )
    peeked = peek_guides(path, env={"SYNCD_TEMPLATES_REF": "v8"})
    assert peeked.dialect is Dialect.CONFIGARR
    assert (peeked.guides.templates.url, peeked.guides.templates.ref) == (
        "https://example.org/templates.git",
        "v8",
    )
    assert peeked.state_dir == tmp_path / ".syncd"


def test_a_recyclarr_config_folder_reads_recyclarr_yml_then_configs(write: Write) -> None:
    write(
        "recyclarr.yml",
        "sonarr:\n  series:\n    base_url: http://sonarr:8989\n    api_key: !secret sonarr_key\n",
    )
    write("secrets.yml", "sonarr_key: s-key\nradarr_key: r-key\n")
    write(
        "configs/radarr.yml",
        "radarr:\n  movies:\n    base_url: http://radarr:7878\n    api_key: !secret radarr_key\n"
        "    include:\n      - config: shared.yml\n",
    )
    write("includes/shared.yml", "quality_definition:\n  type: movie\n")
    folder = write(
        "configs/zz-other.yaml", "sonarr:\n  anime:\n    base_url: http://anime:8989\n    api_key: k\n"
    ).parents[1]
    config = load_config(folder, env={})
    assert config.dialect is Dialect.RECYCLARR
    assert [i.address for i in config.instances] == ["sonarr.series", "radarr.movies", "sonarr.anime"]
    assert [i.api_key.get_secret_value() for i in config.instances] == ["s-key", "r-key", "k"]
    radarr = config.instances[1]
    assert radarr.quality_definition is not None and radarr.quality_definition.type == "movie"
    assert config.state_dir == folder / ".syncd"


def test_instance_names_are_unique_across_the_files_of_a_folder(write: Write) -> None:
    write("recyclarr.yml", "sonarr:\n  main:\n    base_url: http://a:8989\n    api_key: k\n")
    folder = write(
        "configs/b.yml", "radarr:\n  main:\n    base_url: http://b:7878\n    api_key: k\n"
    ).parents[1]
    with pytest.raises(
        ConfigError, match=r"configs/b\.yml:3: instance name 'main' is also used by sonarr\.main"
    ):
        load_config(folder, env={})


def test_a_folder_without_config_files_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"needs recyclarr\.yml or configs/"):
        load_config(tmp_path, env={})


def test_a_config_folder_holds_one_format(write: Write) -> None:
    write("recyclarr.yml", "sonarr:\n  main:\n    base_url: http://a:8989\n    api_key: k\n")
    folder = write(
        "configs/c.yml", "syncd: 1\nradarr:\n  m:\n    base_url: http://b:7878\n    api_key: k\n"
    ).parents[1]
    with pytest.raises(ConfigError, match="reads as a syncd file"):
        load_config(folder, env={})
