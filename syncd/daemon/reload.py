"""Reading the config for the daemon: at start and whenever its content changes on disk.

`fingerprint` hashes the config and the YAML files beside it (and in `includes/`, `configs/`), by
content, so a Kubernetes ConfigMap update (a symlink swap that keeps mtimes meaningless) is
seen. `load` accepts a config only when it loads, its schedule is usable and it validates
against the guides without errors; when the guides cannot be fetched at all, a config that
loads is accepted unvalidated (the sync cycle reports the problem per instance).
"""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import dataclass
from pathlib import Path

from apscheduler.triggers.base import BaseTrigger

from syncd import app
from syncd.config.model import Config
from syncd.daemon import schedule
from syncd.errors import GuideError, ValidationFailed
from syncd.logger import get_logger

log = get_logger()

YAML_SUFFIXES = (".yml", ".yaml")


@dataclass(frozen=True)
class Accepted:
    config: Config
    trigger: BaseTrigger
    fingerprint: str
    validated: bool


def fingerprint(path: Path) -> str:
    """Content hash of the config (a file, or a Recyclarr config folder) and the YAML files
    around it (`includes/`, `configs/`); raises `OSError` if the config is unreadable."""
    root = path if path.is_dir() else path.parent
    digest = hashlib.sha256(b"" if path.is_dir() else path.read_bytes())
    folders = (root, root / "includes", root / "configs")
    others = sorted(
        p for folder in folders if folder.is_dir() for p in folder.iterdir() if p.suffix in YAML_SUFFIXES
    )
    for other in others:
        if other == path or not other.is_file():
            continue
        digest.update(f"\0{other.relative_to(root)}\0".encode())
        digest.update(other.read_bytes())
    return digest.hexdigest()


async def load(path: Path, settings: app.Settings) -> Accepted:
    """Load and check the config at `path`; raises `SyncdError` (incl. `ValidationFailed`) if unusable.

    Refreshes the guide checkout: hold the state-dir lock while calling this.
    """
    print_ = await asyncio.to_thread(fingerprint, path)
    config = await asyncio.to_thread(app.load_config, path, settings)
    trigger = schedule.make_trigger(config.schedule)
    try:
        prepared = await app.prepare(path, settings, config=config)
    except GuideError as exc:
        log.warning("config.unvalidated", path=str(path), reason=str(exc))
        return Accepted(config=config, trigger=trigger, fingerprint=print_, validated=False)
    errors = [d for d in app.validate(prepared) if d.severity == "error"]
    if errors:
        raise ValidationFailed(errors)
    return Accepted(config=config, trigger=trigger, fingerprint=print_, validated=True)
