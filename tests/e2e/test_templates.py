"""End to end: the four shared Recyclarr templates (include-style master and the v8 branch)
and a Configarr config go through plan -> apply -> plan against simulated servers.

The expected scores are computed here straight from the guide JSON, not from syncd's code:
every custom format a profile scores must carry the guide score of the profile's score set.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from syncd.simulator import SimulatedServarr
from tests.e2e.conftest import run, writes
from tests.shared import SHARED

GUIDE = SHARED / "trash-guides" / "docs" / "json"


def guide_cfs(service: str) -> dict[str, dict[str, Any]]:
    cfs = {}
    for path in (GUIDE / service / "cf").glob("*.json"):
        data = json.loads(path.read_text())
        cfs[data["trash_id"]] = data
    return cfs


def guide_profile(service: str, trash_id: str) -> dict[str, Any]:
    for path in (GUIDE / service / "quality-profiles").glob("*.json"):
        data = json.loads(path.read_text())
        if data["trash_id"] == trash_id:
            return data
    raise AssertionError(f"no guide profile {trash_id}")


def configure(template: Path, server: SimulatedServarr, key_env: str, dest: Path) -> Path:
    """The template as a user would fill it in: their URL, their key."""
    text = template.read_text()
    text = re.sub(r"base_url: .*", f"base_url: {server.url}", text)
    text = re.sub(r"api_key: .*", f"api_key: !env_var {key_env}", text)
    dest.write_text(text)
    return dest


def server_scores(server: SimulatedServarr, profile_name: str) -> dict[str, int]:
    names = {cf["id"]: cf["name"] for cf in server.state.custom_formats.values()}
    (profile,) = [p for p in server.state.quality_profiles.values() if p["name"] == profile_name]
    return {names[item["format"]]: item["score"] for item in profile["formatItems"]}


def plan_json(config: Path) -> dict[str, Any]:
    result = run("plan", "-c", str(config), "--json")
    assert result.code == 0, result.err
    return json.loads(result.out)


def created(document: dict[str, Any], kind: str) -> set[str]:
    return {
        rc["name"]
        for rc in document["resource_changes"]
        if rc["type"] == kind and rc["change"]["actions"] == ["create"]
    }


def converge(config: Path, server: SimulatedServarr) -> dict[str, Any]:
    """plan, apply, plan again: returns the first plan; asserts the second has no changes
    and that a second apply writes nothing."""
    first = plan_json(config)
    applied = run("apply", "-c", str(config))
    assert applied.code == 0, applied.out + applied.err
    assert "Apply complete." in applied.out
    again = run("plan", "-c", str(config), "--detailed-exitcode")
    assert again.code == 0, again.out + again.err
    assert "No changes." in again.out
    server.reset_requests()
    second_apply = run("apply", "-c", str(config))
    assert second_apply.code == 0
    assert writes(server) == []
    return first


MASTER_TEMPLATES = [
    ("sonarr", "sonarr/templates/web-1080p-v4.yml", "WEB-1080p"),
    ("sonarr", "sonarr/templates/web-2160p-v4.yml", "WEB-2160p"),
    ("radarr", "radarr/templates/hd-bluray-web.yml", "HD Bluray + WEB"),
    ("radarr", "radarr/templates/uhd-bluray-web.yml", "UHD Bluray + WEB"),
]


@pytest.mark.parametrize(("service", "template", "profile"), MASTER_TEMPLATES)
def test_include_style_template_converges_with_guide_scores(
    service: str,
    template: str,
    profile: str,
    env: Path,
    tmp_path: Path,
    request: pytest.FixtureRequest,
) -> None:
    server: SimulatedServarr = request.getfixturevalue(service)
    config = configure(
        SHARED / "recyclarr-templates" / template, server, f"{service.upper()}_KEY", tmp_path / "r.yml"
    )
    first = converge(config, server)

    instance = next(
        iter(yaml.safe_load((SHARED / "recyclarr-templates" / template).read_text())[service].values())
    )
    include_ids = [i["template"] for i in instance["include"]]
    cf_include = next(i for i in include_ids if "custom-formats" in i)
    includes = json.loads((SHARED / "recyclarr-templates" / "includes.json").read_text())[service]
    cf_file = SHARED / "recyclarr-templates" / next(e["template"] for e in includes if e["id"] == cf_include)
    entries = yaml.safe_load(cf_file.read_text())["custom_formats"] + (instance.get("custom_formats") or [])
    wanted = [tid for entry in entries for tid in entry.get("trash_ids") or []]
    cfs = guide_cfs(service)

    assert created(first, "custom_format") == {cfs[t]["name"] for t in wanted}
    assert profile in created(first, "quality_profile")
    scores = server_scores(server, profile)
    for trash_id in wanted:
        expected = cfs[trash_id].get("trash_scores", {}).get("default")
        if expected is not None:
            assert scores[cfs[trash_id]["name"]] == expected, cfs[trash_id]["name"]


V8_TEMPLATES = [
    ("sonarr", "sonarr/templates/web-1080p.yml"),
    ("sonarr", "sonarr/templates/web-2160p.yml"),
    ("radarr", "radarr/templates/hd-bluray-web.yml"),
    ("radarr", "radarr/templates/uhd-bluray-web.yml"),
]


@pytest.mark.parametrize(("service", "template"), V8_TEMPLATES)
def test_v8_template_converges_with_guide_profile_scores(
    service: str, template: str, env: Path, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    server: SimulatedServarr = request.getfixturevalue(service)
    source = SHARED / "recyclarr-templates-v8-branch" / template
    config = configure(source, server, f"{service.upper()}_KEY", tmp_path / "r8.yml")
    first = converge(config, server)

    instance = next(iter(yaml.safe_load(source.read_text())[service].values()))
    guide = guide_profile(service, instance["quality_profiles"][0]["trash_id"])
    score_set = guide.get("trash_score_set") or "default"
    cfs = guide_cfs(service)
    assert guide["name"] in created(first, "quality_profile")
    assert {cfs[t]["name"] for t in guide["formatItems"].values()} <= created(first, "custom_format")
    scores = server_scores(server, guide["name"])
    for trash_id in guide["formatItems"].values():
        trash_scores = cfs[trash_id].get("trash_scores", {})
        expected = trash_scores.get(score_set, trash_scores.get("default"))
        if expected is not None:
            assert scores[cfs[trash_id]["name"]] == expected, cfs[trash_id]["name"]
    profile = next(p for p in server.state.quality_profiles.values() if p["name"] == guide["name"])
    assert profile["minFormatScore"] == guide["minFormatScore"]
    assert profile["cutoffFormatScore"] == guide["cutoffFormatScore"]


CONFIGARR = """\
trashGuideUrl: {guides}
recyclarrConfigUrl: {templates}
sonarr:
  main:
    base_url: {url}
    api_key: !env SONARR_KEY
    include:
      - template: sonarr-quality-definition-series
      - template: 72dae194fc92bf828f32cde7744e51a1
        source: TRASH
    custom_formats:
      - trash_ids:
          - 32b367365729d530ca1c124a0b180c64  # Bad Dual Groups
        assign_scores_to:
          - name: WEB-1080p
            score: -5000
    quality_profiles:
      - name: WEB-1080p  # Configarr merges by name: this tweaks the TRaSH profile included above
        upgrade:
          until_score: 5000
    delete_unmanaged_custom_formats:
      enabled: false
"""


def test_configarr_config_converges(
    env: Path, tmp_path: Path, sonarr: SimulatedServarr, guides_url: str, templates_url: str
) -> None:
    config = tmp_path / "config.yml"
    config.write_text(CONFIGARR.format(guides=guides_url, templates=templates_url, url=sonarr.url))
    first = converge(config, sonarr)
    cfs = guide_cfs("sonarr")
    guide = guide_profile("sonarr", "72dae194fc92bf828f32cde7744e51a1")
    assert "WEB-1080p" in created(first, "quality_profile")
    scores = server_scores(sonarr, "WEB-1080p")
    assert scores["Bad Dual Groups"] == -5000
    profile = next(p for p in sonarr.state.quality_profiles.values() if p["name"] == "WEB-1080p")
    assert profile["cutoffFormatScore"] == 5000
    assert profile["minUpgradeFormatScore"] == guide["minUpgradeFormatScore"]
    for trash_id in guide["formatItems"].values():
        expected = cfs[trash_id].get("trash_scores", {}).get("default")
        if expected is not None:
            assert scores[cfs[trash_id]["name"]] == expected


def test_recyclarr_config_folder_converges(
    env: Path, tmp_path: Path, sonarr: SimulatedServarr, radarr: SimulatedServarr
) -> None:
    folder = tmp_path / "recyclarr"
    (folder / "configs").mkdir(parents=True)
    configure(
        SHARED / "recyclarr-templates-v8-branch" / "sonarr/templates/web-1080p.yml",
        sonarr,
        "SONARR_KEY",
        folder / "recyclarr.yml",
    )
    configure(
        SHARED / "recyclarr-templates-v8-branch" / "radarr/templates/hd-bluray-web.yml",
        radarr,
        "RADARR_KEY",
        folder / "configs" / "radarr.yml",
    )
    first = converge(folder, sonarr)
    assert {rc["instance"] for rc in first["resource_changes"]} == {
        "sonarr.web-1080p",
        "radarr.hd-bluray-web",
    }
    assert "No changes." in run("plan", "-c", str(folder)).out


ANIME = "20e0fc959f1f1704bed501f23bdae76f"
CONFIGARR_RENAMES = f"""\
trashGuideUrl: {{guides}}
recyclarrConfigUrl: {{templates}}
sonarr:
  main:
    base_url: {{url}}
    api_key: !env SONARR_KEY
    include:
      - template: {ANIME}  # [Anime] Remux-1080p
        source: TRASH
    custom_formats:
      - trash_ids:
          - 32b367365729d530ca1c124a0b180c64  # Bad Dual Groups
        assign_scores_to:
          - name: "[Anime] Remux-1080p"
            score: -5000
    renameQualityProfiles:
      - from: "[Anime] Remux-1080p"
        to: Anime
    cloneQualityProfiles:
      - from: Anime
        to: Anime (copy)
    delete_unmanaged_custom_formats:
      enabled: false
"""


def test_configarr_renames_and_clones_a_trash_profile_and_converges(
    env: Path, tmp_path: Path, sonarr: SimulatedServarr, guides_url: str, templates_url: str
) -> None:
    config = tmp_path / "config.yml"
    config.write_text(CONFIGARR_RENAMES.format(guides=guides_url, templates=templates_url, url=sonarr.url))
    first = converge(config, sonarr)
    assert {"Anime", "Anime (copy)"} <= created(first, "quality_profile")
    names = {p["name"] for p in sonarr.state.quality_profiles.values()}
    assert "[Anime] Remux-1080p" not in names
    cfs = guide_cfs("sonarr")
    guide = guide_profile("sonarr", ANIME)
    for name in ("Anime", "Anime (copy)"):
        scores = server_scores(sonarr, name)
        assert scores["Bad Dual Groups"] == -5000
        for trash_id in guide["formatItems"].values():
            expected = cfs[trash_id].get("trash_scores", {}).get(guide["trash_score_set"])
            if expected is not None and trash_id != "32b367365729d530ca1c124a0b180c64":
                assert scores[cfs[trash_id]["name"]] == expected, (name, cfs[trash_id]["name"])
        profile = next(p for p in sonarr.state.quality_profiles.values() if p["name"] == name)
        assert (profile["cutoffFormatScore"], profile["minFormatScore"]) == (
            guide["cutoffFormatScore"],
            guide["minFormatScore"],
        )


def test_renaming_then_cloning_a_synced_trash_profile_keeps_the_server_profile(
    env: Path, tmp_path: Path, sonarr: SimulatedServarr, guides_url: str, templates_url: str
) -> None:
    """Users add the keys to a config already synced: the rename renames the server's profile
    in place (same id), and the clone leaves it in place too."""
    config = tmp_path / "config.yml"
    text = CONFIGARR_RENAMES.format(guides=guides_url, templates=templates_url, url=sonarr.url)
    rename, clone = text.index("    renameQualityProfiles:"), text.index("    cloneQualityProfiles:")
    end = text.index("    delete_unmanaged_custom_formats:")
    steps = [
        (text[:rename] + text[end:], "[Anime] Remux-1080p", {"[Anime] Remux-1080p"}),
        (text[:clone] + text[end:], "Anime", set()),
        (text, "Anime", {"Anime (copy)"}),
    ]
    first_id = None
    for body, name, made in steps:
        config.write_text(body)
        assert created(converge(config, sonarr), "quality_profile") == made
        (profile_id,) = [p["id"] for p in sonarr.state.quality_profiles.values() if p["name"] == name]
        first_id = first_id or profile_id
        assert profile_id == first_id
    names = {p["name"] for p in sonarr.state.quality_profiles.values()}
    assert {"Anime", "Anime (copy)"} <= names and "[Anime] Remux-1080p" not in names
