"""Ownership state on disk: which server ids syncd manages for one instance.

One JSON file per instance under `<state_dir>/ownership/<service>-<name>.json`, written
atomically (temp file + rename) so a crash never leaves half a file. When no syncd file
exists yet, Recyclarr's state files for the same server are imported
(`<recyclarr dir>/state/<service>/<fnv1a64(base_url) hex>/custom-format-mappings.json` and
`quality-profile-mappings.json`, format `{"mappings": [{"trash_id", "name", "service_id"}]}`).
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import structlog

from syncd.domain.state import Ownership
from syncd.errors import ConfigError

log = structlog.get_logger()

FORMAT_VERSION = 1


def ownership_path(state_dir: Path, instance: str) -> Path:
    return state_dir / "ownership" / f"{instance.replace('.', '-')}.json"


def load(
    state_dir: Path, instance: str, *, recyclarr_dir: Path | None = None, base_url: str = ""
) -> Ownership:
    """Read the instance's ownership; fall back to Recyclarr's state, then to empty."""
    path = ownership_path(state_dir, instance)
    if path.exists():
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return Ownership(
                custom_formats={k: int(v) for k, v in data.get("custom_formats", {}).items()},
                quality_profiles={k: int(v) for k, v in data.get("quality_profiles", {}).items()},
            )
        except (ValueError, AttributeError, TypeError) as exc:
            raise ConfigError(
                f"{path}: unreadable ownership state ({exc}); move it away to start fresh"
            ) from exc
    if recyclarr_dir is not None and base_url:
        imported = _import_recyclarr(recyclarr_dir, instance.split(".", 1)[0], base_url)
        if imported is not None:
            log.info("ownership.imported", instance=instance, source="recyclarr")
            return imported
    return Ownership()


def save(state_dir: Path, instance: str, ownership: Ownership) -> None:
    path = ownership_path(state_dir, instance)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload: dict[str, Any] = {
        "format_version": FORMAT_VERSION,
        "custom_formats": dict(sorted(ownership.custom_formats.items())),
        "quality_profiles": dict(sorted(ownership.quality_profiles.items())),
    }
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".ownership-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(payload, fh, indent=2, sort_keys=True)
            fh.write("\n")
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def fnv1a64(text: str) -> str:
    """FNV-1a 64-bit hash as lowercase hex: how Recyclarr names its per-URL state folders."""
    value = 0xCBF29CE484222325
    for byte in text.encode("utf-8"):
        value ^= byte
        value = (value * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return f"{value:016x}"


def _import_recyclarr(recyclarr_dir: Path, service: str, base_url: str) -> Ownership | None:
    folder = recyclarr_dir / "state" / service / fnv1a64(base_url)
    cfs = _read_mappings(folder / "custom-format-mappings.json")
    profiles = _read_mappings(folder / "quality-profile-mappings.json")
    if cfs is None and profiles is None:
        return None
    return Ownership(custom_formats=cfs or {}, quality_profiles=profiles or {})


def _read_mappings(path: Path) -> dict[str, int] | None:
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {
            str(m.get("trash_id") or m.get("name")): int(m["service_id"])
            for m in data.get("mappings", [])
            if m.get("service_id") is not None
        }
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        log.warning("ownership.import_failed", path=str(path), error=str(exc))
        return None
