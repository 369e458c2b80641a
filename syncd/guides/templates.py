"""Index of a Recyclarr config-templates checkout: template and include ids → YAML files.

`templates.json` and `includes.json` at the root map ids to paths, per service
(`{"sonarr": [{"id": ..., "template": "sonarr/templates/x.yml"}], ...}`). Include ids missing
from `includes.json` (it is empty on the v8 branch) fall back to Configarr's rule: a file named
`<id>.yml` or `<id>.yaml` anywhere under `<root>/<service>/includes/`. Only files that exist and
lie inside the checkout are indexed, so a lookup never returns a dangling path. All file reads
happen in `TemplateIndex.load`; lookups are pure.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from syncd.errors import GuideError

_YAML_SUFFIXES = (".yml", ".yaml")


@dataclass(frozen=True)
class TemplateIndex:
    """`(service, id) → path` for templates and includes of one checkout."""

    root: Path
    templates: Mapping[tuple[str, str], Path]
    includes: Mapping[tuple[str, str], Path]

    @classmethod
    def load(cls, root: Path) -> TemplateIndex:
        root = root.resolve()
        includes = _scan_include_folders(root)
        includes.update(_read_index(root, "includes.json"))
        return cls(root=root, templates=_read_index(root, "templates.json"), includes=includes)

    def template_path(self, service: str, template_id: str) -> Path | None:
        """The file of a `templates.json` entry, or None if unknown."""
        return self.templates.get((service, template_id))

    def include_path(self, service: str, template_id: str) -> Path | None:
        """The file of an include id: `includes.json` first, then `<service>/includes/**/<id>.yml`."""
        return self.includes.get((service, template_id))


def _read_index(root: Path, name: str) -> dict[tuple[str, str], Path]:
    path = root / name
    if not path.is_file():
        return {}
    try:
        data: Any = json.loads(path.read_bytes())
    except (OSError, ValueError) as exc:
        raise GuideError(f"{path}: cannot read template index: {exc}") from exc
    if not isinstance(data, dict):
        raise GuideError(f"{path}: expected an object keyed by service")
    result: dict[tuple[str, str], Path] = {}
    for service, entries in data.items():
        if not isinstance(entries, list):
            raise GuideError(f"{path}: `{service}` must be a list of {{id, template}} entries")
        for entry in entries:
            if not (isinstance(entry, dict) and isinstance(entry.get("id"), str)):
                raise GuideError(f"{path}: `{service}` entry without a string `id`: {entry!r}")
            target = _inside(root, entry.get("template"))
            if target is not None:
                result[(service, entry["id"])] = target
    return result


def _scan_include_folders(root: Path) -> dict[tuple[str, str], Path]:
    """Configarr's fallback: include files by file name under each `<service>/includes/`."""
    result: dict[tuple[str, str], Path] = {}
    for folder in sorted(root.glob("*/includes")):
        service = folder.parent.name
        for path in sorted(folder.rglob("*")):
            if path.suffix in _YAML_SUFFIXES and path.is_file():
                result.setdefault((service, path.stem), path)
    return result


def _inside(root: Path, relative: object) -> Path | None:
    """`root / relative` if it is an existing file inside root, else None."""
    if not isinstance(relative, str):
        return None
    target = (root / relative).resolve()
    return target if target.is_relative_to(root) and target.is_file() else None
