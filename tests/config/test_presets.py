"""Built-in presets: every shipped preset loads in syncd's format and names a real TRaSH profile."""

from __future__ import annotations

import json

import pytest

from syncd.config.load import load_config
from syncd.config.presets import available_presets, preset_path
from syncd.errors import ConfigError

from .helpers import TRASH_JSON, Write

EXPECTED = {"sonarr-web-1080p", "sonarr-web-2160p", "radarr-hd-bluray-web", "radarr-uhd-bluray-web"}


def test_the_promised_presets_are_shipped() -> None:
    assert set(available_presets()) >= EXPECTED


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_preset_loads_and_names_a_trash_profile_and_size_type(write: Write, name: str) -> None:
    service = name.split("-", 1)[0]
    path = write(
        "syncd.yml",
        f"syncd: 1\n{service}:\n  main:\n    base_url: http://x\n    api_key: k\n    include:\n      - preset: {name}\n",
    )
    (inst,) = load_config(path, env={}).instances
    guide_profiles = {
        json.loads(p.read_text(encoding="utf-8"))["trash_id"]
        for p in (TRASH_JSON / service / "quality-profiles").glob("*.json")
    }
    size_types = {
        json.loads(p.read_text(encoding="utf-8"))["type"]
        for p in (TRASH_JSON / service / "quality-size").glob("*.json")
    }
    assert inst.quality_profiles, f"{name} sets a quality profile"
    for profile in inst.quality_profiles:
        assert profile.trash_id is not None and profile.trash_id.trash_id in guide_profiles
        assert profile.reset_unmatched_scores.enabled
        assert str(preset_path(name)) == profile.origin.file
    assert inst.quality_definition is not None and inst.quality_definition.type in size_types
    assert inst.media_naming is not None


def test_unknown_preset_lists_the_available_ones() -> None:
    with pytest.raises(ConfigError, match="unknown preset 'nope'; available presets: radarr-hd-bluray-web, "):
        preset_path("nope")
