"""syncd's built-in presets: YAML fragments shipped in the `syncd_profiles` package (`profiles/`).

A preset is included with `include: [{preset: NAME}]` in syncd's format. This module only finds
the files; `syncd.config.load` reads them like any other include.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from syncd.errors import ConfigError

PRESETS_PACKAGE = "syncd_profiles"
PRESET_SUFFIX = ".yml"


def available_presets() -> list[str]:
    """Names of every shipped preset, sorted."""
    return sorted(
        entry.name.removesuffix(PRESET_SUFFIX)
        for entry in resources.files(PRESETS_PACKAGE).iterdir()
        if entry.is_file() and entry.name.endswith(PRESET_SUFFIX)
    )


def preset_path(name: str) -> Path:
    """The file of preset `name`; a `ConfigError` listing the available names when unknown."""
    if name in available_presets():
        return Path(str(resources.files(PRESETS_PACKAGE) / f"{name}{PRESET_SUFFIX}"))
    raise ConfigError(f"unknown preset {name!r}; available presets: {', '.join(available_presets())}")


def describe_preset(name: str) -> str:
    """The preset's title, from its first line (`# syncd preset: <title>`)."""
    first = preset_path(name).read_text(encoding="utf-8").partition("\n")[0]
    return first.removeprefix("#").strip().removeprefix("syncd preset:").strip()


def preset_service(name: str) -> str:
    """The service a preset is for: its name starts with `sonarr-` or `radarr-`."""
    return name.partition("-")[0]
