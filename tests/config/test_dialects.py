"""Each dialect maps its own keys to the normalized model with that tool's meaning."""

from __future__ import annotations

from pathlib import Path

import pytest
from structlog.testing import capture_logs

from syncd.config.dialects import configarr, recyclarr
from syncd.config.dialects import syncd as syncd_dialect
from syncd.config.model import Dialect, InstanceConfig, ScoreTarget
from syncd.config.yamlfile import Secrets, YamlMap, read_yaml
from syncd.errors import ConfigError

from .helpers import Write


def parse(path: Path) -> YamlMap:
    data = read_yaml(path, env={}, secrets=Secrets.for_config(path, {}))
    assert isinstance(data, YamlMap)
    return data


def no_secret(name: str) -> str | None:
    return None


def instances(
    dialect: Dialect, path: Path, secret: recyclarr.SecretLookup = no_secret
) -> list[InstanceConfig]:
    doc = parse(path)
    if dialect is Dialect.RECYCLARR:
        return [recyclarr.parse_instance(i, secret=secret) for i in recyclarr.read_document(doc).instances]
    if dialect is Dialect.CONFIGARR:
        return [
            configarr.parse_instance(i)
            for i in configarr.read_document(doc, config_dir=path.parent).instances
        ]
    return [
        syncd_dialect.parse_instance(i, secret=secret)
        for i in syncd_dialect.read_document(doc, config_dir=path.parent).instances
    ]


RECYCLARR_RADARR = """
radarr:
  movies:
    base_url: http://radarr:7878/
    api_key: key1
    delete_old_custom_formats: true
    custom_formats:
      - trash_ids: [aaa, bbb]
        score: 50
        assign_scores_to:
          - name: HD
          - trash_id: d1d67249d3890e49bc12e275d989a7e9
            score: -10
    custom_format_groups:
      skip: [g1]
      add:
        - trash_id: g2
          select_all: true
          exclude: [c1]
        - trash_id: g3
          select: [c2]
          assign_scores_to:
            - name: HD
    quality_profiles:
      - trash_id: d1d67249d3890e49bc12e275d989a7e9
        name: HD Custom
        min_upgrade_format_score: 10
        reset_unmatched_scores:
          enabled: true
          except: [Keep]
          except_patterns: ["^x"]
        upgrade: {allowed: true, until_quality: Bluray-1080p, until_score: 1000}
        quality_sort: bottom
        qualities:
          - name: Bluray-1080p
          - name: WEB 1080p
            enabled: false
            qualities: [WEBDL-1080p, WEBRip-1080p]
    quality_definition:
      type: movie
      preferred_ratio: 0.5
      qualities:
        - name: Bluray-1080p
          min: 5
          preferred: unlimited
          max: 400
    media_naming:
      folder: plex-tmdb
      movie: {rename: true, standard: plex-tmdb}
    media_management:
      propers_and_repacks: do_not_prefer
"""


def test_recyclarr_instance_maps_every_key(write: Write) -> None:
    (inst,) = instances(Dialect.RECYCLARR, write("recyclarr.yml", RECYCLARR_RADARR))
    assert (inst.address, inst.base_url, inst.api_key.get_secret_value()) == (
        "radarr.movies",
        "http://radarr:7878",
        "key1",
    )
    assert inst.delete.custom_formats and not inst.delete.unmanaged_custom_formats
    cf = inst.custom_formats[0]
    assert [r.trash_id for r in cf.trash_ids] == ["aaa", "bbb"]
    assert cf.score == 50
    assert [(t.name, t.profile_trash_id, t.score) for t in cf.assign_scores_to] == [
        ("HD", None, None),
        (None, "d1d67249d3890e49bc12e275d989a7e9", -10),
    ]
    groups = inst.custom_format_groups
    assert [s.trash_id for s in groups.skip] == ["g1"]
    g2, g3 = groups.add
    assert (g2.select_all, g2.select, [e.trash_id for e in g2.exclude]) == (True, None, ["c1"])
    assert [s.trash_id for s in g3.select or ()] == ["c2"]
    assert g3.assign_scores_to[0].name == "HD"
    profile = inst.quality_profiles[0]
    assert profile.trash_id is not None and profile.trash_id.trash_id == "d1d67249d3890e49bc12e275d989a7e9"
    assert (profile.name, profile.min_upgrade_format_score, profile.quality_sort) == (
        "HD Custom",
        10,
        "bottom",
    )
    assert profile.reset_unmatched_scores.except_names == ("Keep",)
    assert profile.reset_unmatched_scores.except_patterns == ("^x",)
    assert (profile.upgrade.allowed, profile.upgrade.until_quality, profile.upgrade.until_score) == (
        True,
        "Bluray-1080p",
        1000,
    )
    assert profile.qualities is not None
    assert [(q.name, q.enabled, q.qualities) for q in profile.qualities] == [
        ("Bluray-1080p", True, ()),
        ("WEB 1080p", False, ("WEBDL-1080p", "WEBRip-1080p")),
    ]
    definition = inst.quality_definition
    assert definition is not None
    assert (definition.type, definition.preferred_ratio, definition.ratio_mode) == ("movie", 0.5, "linear")
    size = definition.qualities[0]
    assert (size.name, size.min, size.preferred, size.max) == ("Bluray-1080p", 5.0, "unlimited", 400.0)
    assert inst.media_naming is not None
    assert (inst.media_naming.folder, inst.media_naming.movie_rename, inst.media_naming.movie_standard) == (
        "plex-tmdb",
        True,
        "plex-tmdb",
    )
    assert inst.media_management is not None
    assert inst.media_management.propers_and_repacks == "do_not_prefer"


def test_recyclarr_origins_point_at_the_written_lines(write: Write) -> None:
    path = write("recyclarr.yml", RECYCLARR_RADARR)
    (inst,) = instances(Dialect.RECYCLARR, path)
    assert str(inst.custom_formats[0].trash_ids[1].origin) == f"{path}:7"
    assert inst.quality_profiles[0].origin.line == 24


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("sonarr:\n  s:\n    base_url: u\n    api_key: k\n    bogus: 1\n", 5, "unknown key 'bogus'"),
        (
            "sonarr:\n  s:\n    base_url: u\n    api_key: k\n    media_naming:\n      folder: x\n",
            6,
            "unknown key 'folder'",
        ),
        (
            "sonarr:\n  s:\n    base_url: u\n    api_key: k\n    quality_profiles:\n      - language: Any\n",
            6,
            "'language'",
        ),
        (
            "radarr:\n  r:\n    base_url: u\n    api_key: k\n    media_management:\n      propers_and_repacks: yes_please\n",
            6,
            "propers_and_repacks must be one of",
        ),
        (
            "radarr:\n  r:\n    base_url: u\n    api_key: k\n    quality_profiles:\n      - min_format_score: 1\n",
            6,
            "needs 'name' or 'trash_id'",
        ),
        (
            "radarr:\n  r:\n    base_url: u\n    api_key: k\n    quality_profiles:\n      - name: p\n        quality_sort: middle\n",
            7,
            "quality_sort",
        ),
        (
            "radarr:\n  r:\n    base_url: u\n    api_key: k\n    custom_formats: {trash_ids: [a]}\n",
            5,
            "custom_formats must be a list",
        ),
        (
            "radarr:\n  r:\n    base_url: u\n    api_key: k\n    delete_old_custom_formats: sometimes\n",
            5,
            "must be true or false",
        ),
        (
            "radarr:\n  r:\n    base_url: u\n    api_key: k\n    custom_formats:\n      - trash_ids: [a]\n        assign_scores_to: [{score: 1}]\n",
            7,
            "exactly one of 'name' or 'trash_id'",
        ),
        ("settings:\n  x: 1\n", 1, "unknown key 'settings' in the top level"),
    ],
)
def test_recyclarr_is_strict_and_errors_name_file_and_line(
    write: Write, text: str, line: int, message: str
) -> None:
    path = write("recyclarr.yml", text)
    with pytest.raises(ConfigError, match=rf"{path}:{line}: .*{message}"):
        instances(Dialect.RECYCLARR, path)


def test_recyclarr_reads_omitted_url_and_key_from_implicit_secrets(write: Write) -> None:
    secrets = {"tv_base_url": "http://sonarr:8989", "tv_api_key": "implicit"}
    (inst,) = instances(
        Dialect.RECYCLARR,
        write("r.yml", "sonarr:\n  tv:\n    quality_definition: {type: series}\n"),
        secrets.get,
    )
    assert (inst.base_url, inst.api_key.get_secret_value()) == ("http://sonarr:8989", "implicit")


def test_recyclarr_missing_api_key_names_the_implicit_secret(write: Write) -> None:
    path = write("r.yml", "sonarr:\n  tv:\n    base_url: http://s\n")
    with pytest.raises(
        ConfigError,
        match=rf"{path}:3: sonarr instance 'tv' needs 'api_key' \(or a secret named 'tv_api_key'\)",
    ):
        instances(Dialect.RECYCLARR, path)


def test_recyclarr_warns_and_skips_unsupported_services(write: Write) -> None:
    path = write(
        "r.yml",
        "whisparr:\n  w:\n    base_url: u\n    api_key: k\nsonarr:\n  s:\n    base_url: u\n    api_key: k\n",
    )
    with capture_logs() as logs:
        found = instances(Dialect.RECYCLARR, path)
    assert [i.address for i in found] == ["sonarr.s"]
    assert any(e["event"] == "config.service.unsupported" and e["service"] == "whisparr" for e in logs)


def test_recyclarr_empty_lists_written_as_bare_keys_are_empty(write: Write) -> None:
    path = write(
        "r.yml",
        "sonarr:\n  s:\n    base_url: u\n    api_key: k\n    custom_format_groups:\n      skip:\n      add:\n",
    )
    (inst,) = instances(Dialect.RECYCLARR, path)
    assert inst.custom_format_groups.skip == () and inst.custom_format_groups.add == ()


CONFIGARR_SONARR = """
trashGuideUrl: https://example.org/guides.git
sonarr:
  main:
    base_url: http://sonarr:8989
    api_key: k
    custom_formats:
      - trash_ids: [cf1]
        assign_scores_to:
          - name: WEB
            score: 5
          - name: Other
            use_default_score: true
      - trash_ids: [cf2]
        quality_profiles:
          - name: WEB
    custom_format_groups:
      - trash_guide:
          - id: grp1
            include_unrequired: true
            exclude: [{id: cfx}]
          - id: grp2
            include: [{id: cfy}]
        assign_scores_to:
          - name: WEB
    quality_profiles:
      - name: WEB
        language: Original
        min_format_score: 1
        upgrade:
          allowed: true
          until_quality: WEB 1080p
          until_score: 500
          min_format_score: 20
        reset_unmatched_scores:
          enabled: true
          except: [Keep]
        qualities:
          - name: WEB 1080p
            enabled: false
            qualities: [WEBDL-1080p]
    quality_definition:
      type: series
      preferred_ratio: 0.3
      qualities:
        - quality: HDTV-720p
          title: HDTV 720
          min: 2
          preferred: 50
          max: 100
    delete_unmanaged_custom_formats:
      enabled: true
      ignore: [Mine]
    delete_unmanaged_quality_profiles:
      enabled: true
      ignore: [Any]
    media_naming:
      series: plex-tvdb
      episodes: {rename: true, standard: default}
    media_naming_api:
      colonReplacementFormat: dash
    media_management:
      downloadPropersAndRepacks: doNotPrefer
      recycleBin: /trash
"""


def test_configarr_instance_maps_every_key_with_configarr_meaning(write: Write) -> None:
    (inst,) = instances(Dialect.CONFIGARR, write("config.yml", CONFIGARR_SONARR))
    first, aliased = inst.custom_formats
    assert first.assign_scores_to == (
        ScoreTarget(name="WEB", score=5, origin=first.assign_scores_to[0].origin),
        ScoreTarget(name="Other", use_default_score=True, origin=first.assign_scores_to[1].origin),
    )
    assert [t.name for t in aliased.assign_scores_to] == ["WEB"]
    grp1, grp2 = inst.custom_format_groups.add
    assert (grp1.trash_id.trash_id, grp1.select_all, grp1.select) == ("grp1", True, None)
    assert [e.trash_id for e in grp1.exclude] == ["cfx"]
    assert [s.trash_id for s in grp2.select or ()] == ["cfy"]
    assert [t.name for t in grp2.assign_scores_to] == ["WEB"]
    profile = inst.quality_profiles[0]
    assert (profile.language, profile.min_format_score, profile.min_upgrade_format_score) == (
        "Original",
        1,
        20,
    )
    assert profile.upgrade.until_score == 500
    assert profile.reset_unmatched_scores.except_names == ("Keep",)
    assert profile.qualities is not None and profile.qualities[0].enabled is False
    definition = inst.quality_definition
    assert definition is not None
    assert (definition.ratio_mode, definition.preferred_ratio) == ("piecewise", 0.3)
    size = definition.qualities[0]
    assert (size.name, size.title, size.min, size.preferred, size.max) == (
        "HDTV-720p",
        "HDTV 720",
        2.0,
        50.0,
        100.0,
    )
    assert inst.delete.unmanaged_custom_formats and inst.delete.unmanaged_custom_formats_ignore == ("Mine",)
    assert inst.delete.unmanaged_quality_profiles and inst.delete.unmanaged_quality_profiles_ignore == (
        "Any",
    )
    assert not inst.delete.custom_formats
    assert inst.media_naming is not None
    assert (
        inst.media_naming.series,
        inst.media_naming.episodes_rename,
        inst.media_naming.episodes_standard,
    ) == (
        "plex-tvdb",
        True,
        "default",
    )
    assert inst.media_naming.api == {"colonReplacementFormat": "dash"}
    assert inst.media_management is not None
    assert inst.media_management.api == {"downloadPropersAndRepacks": "doNotPrefer", "recycleBin": "/trash"}
    assert inst.media_management.propers_and_repacks is None


def test_configarr_warns_about_deprecated_quality_profiles_alias(write: Write) -> None:
    with capture_logs() as logs:
        instances(Dialect.CONFIGARR, write("config.yml", CONFIGARR_SONARR))
    assert any(e["event"] == "config.key.deprecated" and e["key"] == "quality_profiles" for e in logs)


def test_configarr_ignores_unmanaged_and_unknown_keys_with_a_warning_naming_each(write: Write) -> None:
    path = write(
        "config.yml",
        """
        telemetry: true
        enableFullGitClone: true
        customFormatDefinitions: []
        radarr:
          r:
            base_url: http://r
            api_key: k
            root_folders: [/movies]
            delay_profiles: {default: {}}
            download_clients: {data: []}
            ui_config: {theme: dark}
            renameQualityProfiles: [{from: a, to: b}]
            somethingNew: 1
        """,
    )
    with capture_logs() as logs:
        (inst,) = instances(Dialect.CONFIGARR, path)
    assert inst.address == "radarr.r"
    warned = {e["key"] for e in logs if e["event"] in ("config.key.unmanaged", "config.key.ignored")}
    assert warned == {
        "telemetry",
        "enableFullGitClone",
        "ui_config",
        "somethingNew",
    }
    assert inst.resources["root_folders"][0].value == "/movies"


def test_configarr_skips_disabled_instances_and_services(write: Write) -> None:
    path = write(
        "config.yml",
        """
        sonarrEnabled: false
        sonarr:
          s: {base_url: http://s, api_key: k}
        radarr:
          on: {base_url: http://r1, api_key: k}
          off: {base_url: http://r2, api_key: k, enabled: false}
        """,
    )
    assert [i.address for i in instances(Dialect.CONFIGARR, path)] == ["radarr.on"]


def test_configarr_requires_api_key(write: Write) -> None:
    path = write("config.yml", "sonarr:\n  s:\n    base_url: http://s\n")
    with pytest.raises(ConfigError, match=rf"{path}:3: sonarr instance 's' needs 'api_key'"):
        instances(Dialect.CONFIGARR, path)


@pytest.mark.parametrize(
    ("service", "template", "expected_profile", "expected_type"),
    [
        ("sonarr", "72dae194fc92bf828f32cde7744e51a1", "72dae194fc92bf828f32cde7744e51a1", None),
        ("sonarr", "bef99584217af744e404ed44a33af589", None, "series"),
        ("radarr", "aed34b9f60ee115dfa7918b742336277", None, "movie"),
        ("radarr", "sqp-uhd", None, "sqp-uhd"),
    ],
)
def test_configarr_trash_include_is_a_guide_profile_or_a_quality_size_type(
    write: Write, service: str, template: str, expected_profile: str | None, expected_type: str | None
) -> None:
    path = write(
        "c.yml", f"include:\n  - template: {template}\n    source: TRASH\n    preferred_ratio: 0.4\n"
    )
    entry = parse(path)["include"][0]
    fragment = configarr.trash_include_fragment(entry, "sonarr" if service == "sonarr" else "radarr")
    if expected_profile is not None:
        assert [p["trash_id"] for p in fragment["quality_profiles"]] == [expected_profile]
        assert fragment["quality_profiles"][0].origin_of("trash_id").line == 2
    else:
        assert fragment["quality_definition"] == {"type": expected_type, "preferred_ratio": 0.4}


SYNCD_RADARR = """
syncd: 1
radarr:
  r:
    base_url: http://r
    api_key: k
    quality_profiles:
      - trash_id: d1d67249d3890e49bc12e275d989a7e9
        language: Original
        min_upgrade_format_score: 5
    quality_definition:
      type: movie
      preferred_ratio: 0.5
      ratio_mode: piecewise
    media_naming:
      folder: default
      api: {colonReplacementFormat: dash}
    media_management:
      propers_and_repacks: do_not_upgrade
      api: {recycleBin: /trash}
    delete:
      custom_formats: true
      unmanaged_custom_formats: {enabled: true, ignore: [Mine]}
      quality_profiles: true
      unmanaged_quality_profiles: {enabled: true, ignore: [Any]}
"""


def test_syncd_instance_maps_extras_over_recyclarr_shape(write: Write) -> None:
    (inst,) = instances(Dialect.SYNCD, write("syncd.yml", SYNCD_RADARR))
    profile = inst.quality_profiles[0]
    assert (profile.language, profile.min_upgrade_format_score) == ("Original", 5)
    assert inst.quality_definition is not None and inst.quality_definition.ratio_mode == "piecewise"
    assert inst.media_naming is not None
    assert (inst.media_naming.folder, inst.media_naming.api) == (
        "default",
        {"colonReplacementFormat": "dash"},
    )
    assert inst.media_management is not None
    assert inst.media_management.propers_and_repacks == "do_not_upgrade"
    assert inst.media_management.api == {"recycleBin": "/trash"}
    delete = inst.delete
    assert (
        delete.custom_formats,
        delete.unmanaged_custom_formats,
        delete.unmanaged_custom_formats_ignore,
    ) == (
        True,
        True,
        ("Mine",),
    )
    assert (delete.quality_profiles, delete.unmanaged_quality_profiles_ignore) == (True, ("Any",))


def test_syncd_ratio_mode_defaults_to_linear(write: Write) -> None:
    path = write(
        "s.yml",
        "syncd: 1\nsonarr:\n  s:\n    base_url: u\n    api_key: k\n    quality_definition: {type: series}\n",
    )
    (inst,) = instances(Dialect.SYNCD, path)
    assert inst.quality_definition is not None and inst.quality_definition.ratio_mode == "linear"


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("syncd: 2\n", 1, "unsupported config version 2"),
        ("syncd: 1\nextra: 1\n", 2, "unknown key 'extra' in the top level"),
        ("syncd: 1\nguides:\n  trash: {url: x, branch: y}\n", 3, "unknown key 'branch' in guides.trash"),
        ("syncd: 1\nschedule:\n  interval: soon\n", 3, "interval must be a duration"),
        ("syncd: 1\nschedule:\n  cron: '0 * * * *'\n  interval: 1h\n", 3, "either 'cron' or 'interval'"),
        (
            "syncd: 1\nsonarr:\n  s:\n    base_url: u\n    api_key: k\n    delete_old_custom_formats: true\n",
            6,
            "unknown key 'delete_old_custom_formats'",
        ),
        (
            "syncd: 1\nsonarr:\n  s:\n    base_url: u\n    api_key: k\n    quality_profiles:\n      - name: p\n        language: Any\n",
            8,
            "unknown key 'language'",
        ),
        (
            "syncd: 1\nsonarr:\n  s:\n    base_url: u\n    api_key: k\n    delete:\n      unmanaged_custom_formats: {enable: true}\n",
            7,
            "unknown key 'enable'",
        ),
        (
            "syncd: 1\nsonarr:\n  s:\n    base_url: u\n    api_key: k\n    quality_definition:\n      ratio_mode: curvy\n",
            7,
            "ratio_mode must be",
        ),
    ],
)
def test_syncd_unknown_keys_and_bad_values_are_errors_with_file_and_line(
    write: Write, text: str, line: int, message: str
) -> None:
    path = write("syncd.yml", text)
    with pytest.raises(ConfigError, match=rf"{path}:{line}: .*{message}"):
        instances(Dialect.SYNCD, path)


@pytest.mark.parametrize(
    ("schedule", "cron", "interval", "jitter"),
    [
        ("interval: 1h", None, 3600, 30),
        ("interval: 30m\n  jitter: 10s", None, 1800, 10),
        ("interval: 3600s\n  jitter: 0", None, 3600, 0),
        ("interval: 90", None, 90, 30),
        ("cron: '0 */6 * * *'", "0 */6 * * *", None, 30),
    ],
)
def test_syncd_schedule_accepts_cron_or_interval_durations(
    write: Write, schedule: str, cron: str | None, interval: int | None, jitter: int
) -> None:
    path = write("syncd.yml", f"syncd: 1\nschedule:\n  {schedule}\n")
    result = syncd_dialect.read_document(parse(path), config_dir=path.parent).schedule
    assert (result.cron, result.interval_seconds, result.jitter_seconds) == (cron, interval, jitter)


def test_syncd_guides_and_state_dir_are_relative_to_the_config_file(write: Write, tmp_path: Path) -> None:
    path = write(
        "conf/syncd.yml",
        """
        syncd: 1
        state_dir: state
        guides:
          trash: {url: https://example.org/fork.git, ref: pinned}
          local_custom_formats: [cfs, /abs/cfs]
        """,
    )
    doc = syncd_dialect.read_document(parse(path), config_dir=path.parent)
    assert doc.state_dir == tmp_path / "conf" / "state"
    assert (doc.guides.trash.url, doc.guides.trash.ref) == ("https://example.org/fork.git", "pinned")
    assert doc.guides.templates.url == "https://github.com/recyclarr/config-templates.git"
    assert doc.guides.local_custom_formats == (tmp_path / "conf" / "cfs", Path("/abs/cfs"))
