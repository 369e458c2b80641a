"""Configarr's `renameQualityProfiles` / `cloneQualityProfiles` with Configarr's meaning
(`src/config.ts` `mergeConfigsAndTemplates`): a `source: TRASH` profile is named by the guide
before renames and clones run, so both work on guide profiles by their guide name."""

from __future__ import annotations

import textwrap
from pathlib import Path

from syncd.config.load import load_config
from syncd.desired.resolve import resolve_instance
from syncd.desired.scores import guide_score
from syncd.domain.state import DesiredInstance, DesiredProfile
from syncd.guides.model import GuideCatalog

ANIME = "20e0fc959f1f1704bed501f23bdae76f"  # [Anime] Remux-1080p, score set anime-sonarr
ANIME_NAME = "[Anime] Remux-1080p"
BAD_DUAL_GROUPS = "32b367365729d530ca1c124a0b180c64"
SEASON_PACKS_GROUP = "d920fd959d220306888f40b6f38e1578"  # one CF, in no group the profile brings
HEADER = f"""
sonarr:
  main:
    base_url: http://sonarr:8989
    api_key: k
    include:
      - template: {ANIME}
        source: TRASH
"""


def resolve(tmp_path: Path, catalog: GuideCatalog, body: str) -> DesiredInstance:
    path = tmp_path / "config.yml"
    path.write_text(textwrap.dedent(HEADER).lstrip() + textwrap.indent(textwrap.dedent(body), "    "))
    (instance,) = load_config(path, env={}).instances
    return resolve_instance(instance, catalog)


def by_name(desired: DesiredInstance) -> dict[str, DesiredProfile]:
    return {p.name: p for p in desired.quality_profiles}


def errors(desired: DesiredInstance) -> list[str]:
    return [d.message for d in desired.diagnostics if d.severity == "error"]


def assert_guide_backed(profile: DesiredProfile, catalog: GuideCatalog) -> None:
    """The guide profile's qualities, cutoff and scores from its score set (not `default`)."""
    guide = catalog.quality_profiles[ANIME]
    assert profile.create and profile.cutoff == guide.cutoff
    assert profile.min_format_score == guide.min_format_score
    assert [i.name for i in profile.items or ()] == [i.name for i in guide.items]
    expected = {
        tid: score
        for tid in guide.format_items.values()
        if (score := guide_score(catalog.custom_formats[tid], "anime-sonarr")) is not None
    }
    assert {tid: profile.scores[tid] for tid in expected} == expected
    assert any(
        catalog.custom_formats[tid].trash_scores.get("default") != score for tid, score in expected.items()
    ), "the fixture's score set must differ from the defaults for this test to mean something"


def test_renaming_a_guide_profile_by_its_guide_name_keeps_its_guide_backing(
    tmp_path: Path, sonarr: GuideCatalog
) -> None:
    desired = resolve(tmp_path, sonarr, f"renameQualityProfiles: [{{from: '{ANIME_NAME}', to: Anime}}]\n")
    assert errors(desired) == [] and not [d for d in desired.diagnostics if "rename" in d.message]
    profiles = by_name(desired)
    assert list(profiles) == ["Anime"]
    assert profiles["Anime"].key == ANIME, "the ownership key stays the trash_id: a rename updates in place"
    assert_guide_backed(profiles["Anime"], sonarr)


def test_cloning_a_guide_profile_makes_a_second_guide_backed_profile(
    tmp_path: Path, sonarr: GuideCatalog
) -> None:
    desired = resolve(tmp_path, sonarr, f"cloneQualityProfiles: [{{from: '{ANIME_NAME}', to: Copy}}]\n")
    assert errors(desired) == []
    profiles = by_name(desired)
    assert list(profiles) == [ANIME_NAME, "Copy"]
    assert [p.key for p in profiles.values()] == [f"{ANIME}:{ANIME_NAME}", f"{ANIME}:Copy"]
    for profile in profiles.values():
        assert_guide_backed(profile, sonarr)
    assert profiles[ANIME_NAME].scores == profiles["Copy"].scores


def test_rename_then_clone_carry_score_assignments_and_the_name_only_tweak(
    tmp_path: Path, sonarr: GuideCatalog
) -> None:
    body = f"""
    custom_formats:
      - trash_ids: [{BAD_DUAL_GROUPS}]
        assign_scores_to: [{{name: '{ANIME_NAME}', score: -1234}}]
    custom_format_groups:
      - trash_guide: [{{id: {SEASON_PACKS_GROUP}, include_unrequired: true}}]
        assign_scores_to: [{{name: '{ANIME_NAME}', score: 7}}]
    quality_profiles:
      - name: '{ANIME_NAME}'  # Configarr merges by name: tweaks the included guide profile
        min_format_score: 50
      - name: Copy  # ... and, after the clone, the copy only
        upgrade: {{until_score: 4321}}
    renameQualityProfiles: [{{from: '{ANIME_NAME}', to: Anime}}]
    cloneQualityProfiles: [{{from: Anime, to: Copy}}]
    """
    desired = resolve(tmp_path, sonarr, body)
    assert errors(desired) == []
    profiles = by_name(desired)
    assert list(profiles) == ["Anime", "Copy"]
    (season_packs,) = sonarr.cf_groups[SEASON_PACKS_GROUP].custom_formats
    for profile in profiles.values():
        assert profile.create and profile.min_format_score == 50
        assert (profile.scores[BAD_DUAL_GROUPS], profile.scores[season_packs.trash_id]) == (-1234, 7)
    assert profiles["Anime"].scores == profiles["Copy"].scores
    assert profiles["Copy"].cutoff_format_score == 4321
    assert profiles["Anime"].cutoff_format_score == sonarr.quality_profiles[ANIME].cutoff_format_score


def test_profiles_named_by_the_config_are_renamed_and_cloned_too(
    tmp_path: Path, sonarr: GuideCatalog
) -> None:
    body = f"""
    quality_profiles:
      - name: Old
        qualities: [{{name: WEB 1080p}}]
    custom_formats:
      - trash_ids: [{BAD_DUAL_GROUPS}]
        assign_scores_to: [{{name: Old, score: 5}}]
    renameQualityProfiles: [{{from: Old, to: New}}]
    cloneQualityProfiles: [{{from: New, to: Copy}}]
    """
    profiles = by_name(resolve(tmp_path, sonarr, body))
    assert list(profiles) == [ANIME_NAME, "New", "Copy"]
    assert [profiles[n].key for n in ("New", "Copy")] == ["New", "Copy"]
    assert profiles["New"].scores == profiles["Copy"].scores == {BAD_DUAL_GROUPS: 5}


def test_a_from_no_profile_has_is_a_warning_at_its_line(tmp_path: Path, sonarr: GuideCatalog) -> None:
    body = f"""
    renameQualityProfiles:
      - {{from: Nope, to: X}}
    cloneQualityProfiles:
      - {{from: '{ANIME_NAME}', to: Copy}}
      - {{from: Copy, to: Copy of copy}}  # Configarr clones the profiles as the renames left them
    """
    desired = resolve(tmp_path, sonarr, body)
    warnings = [(d.location, d.message) for d in desired.diagnostics if d.severity == "warning"]
    assert [(loc, msg.split(": ", 2)[1]) for loc, msg in warnings if "is named" in msg] == [
        (f"{tmp_path / 'config.yml'}:10", "renameQualityProfiles"),
        (f"{tmp_path / 'config.yml'}:13", "cloneQualityProfiles"),
    ]
    assert list(by_name(desired)) == [ANIME_NAME, "Copy"]
