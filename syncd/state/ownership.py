"""Ownership state on disk: which server ids syncd manages for one instance.

One JSON file per instance under `<state_dir>/ownership/<service>-<name>.json`, written
atomically (temp file + rename) so a crash never leaves half a file. The file records the
server its ids belong to (`server`: base URL and the identity the server reports); ids of
another server are never used (see `for_server`). When no syncd file
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

from syncd.domain.state import Ownership
from syncd.errors import ConfigError
from syncd.logger import get_logger
from syncd.redact import redact_url, url_secrets

log = get_logger()

FORMAT_VERSION = 3
# Top-level tables of format 2, read into `objects` under their kind's name.
_LEGACY_TABLES = {"custom_formats": "custom_format", "quality_profiles": "quality_profile"}


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
            # A name stands for the id of an object the server keys by name (a category).
            objects: dict[str, dict[str, int | str]] = {
                kind: {k: v if isinstance(v, str) else int(v) for k, v in table.items()}
                for kind, table in data.get("objects", {}).items()
            }
            for legacy, kind in _LEGACY_TABLES.items():
                if data.get(legacy):
                    legacy_ids: dict[str, int | str] = {k: int(v) for k, v in data[legacy].items()}
                    objects[kind] = legacy_ids | objects.get(kind, {})
            return Ownership(
                objects=objects,
                secrets={
                    kind: {key: {f: str(h) for f, h in fields.items()} for key, fields in table.items()}
                    for kind, table in data.get("secrets", {}).items()
                },
                server=str(data.get("server", "")),
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
        "objects": {kind: dict(sorted(table.items())) for kind, table in sorted(ownership.objects.items())},
        "secrets": {kind: dict(table) for kind, table in sorted(ownership.secrets.items())},
        "server": ownership.server,
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


def server_key(base_url: str, identity: str) -> str:
    """How state names a server: its base URL (trailing slash trimmed, credentials redacted:
    the key is stored and shown) and reported identity."""
    shown = redact_url(base_url) if url_secrets(base_url) else base_url
    return f"{shown.rstrip('/')} {identity}".strip()


def for_server(ownership: Ownership, server: str) -> tuple[Ownership, str | None]:
    """The ownership to use against `server`, and a warning when the state belonged to another
    server: then syncd starts fresh (adopting objects by name only) rather than rewrite
    unrelated objects that happen to carry the stored ids."""
    if not ownership.server or ownership.server == server:
        return ownership.model_copy(update={"server": server}), None
    warning = (
        f"the ownership state was recorded for another server ({ownership.server}); "
        f"this is {server}, so syncd starts fresh and adopts existing objects by name only"
    )
    return Ownership(server=server), warning


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
    tables = {"custom_format": cfs or {}, "quality_profile": profiles or {}}
    return Ownership(objects={kind: table for kind, table in tables.items() if table})


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
