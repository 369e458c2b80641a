"""Helpers for config tests: fixture paths and a template lookup over a templates checkout."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
FIXTURES = SHARED / "fixtures"
TEMPLATES_MASTER = FIXTURES / "recyclarr-templates"
TEMPLATES_V8 = FIXTURES / "recyclarr-templates-v8-branch"
TRASH_JSON = FIXTURES / "trash-guides" / "docs" / "json"

# The `write` fixture: (file name, YAML text) -> path of the written file.
Write = Callable[[str, str], Path]


class IncludesJsonLookup:
    """A TemplateLookup over a config-templates checkout, by includes.json id.

    On `master` the ids equal the file names, which is how Configarr names templates.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        index = json.loads((root / "includes.json").read_text(encoding="utf-8"))
        self.by_id = {
            service: {e["id"]: root / e["template"] for e in entries} for service, entries in index.items()
        }

    def include_path(self, service: str, template_id: str) -> Path | None:
        path = self.by_id.get(service, {}).get(template_id)
        return path if path is not None and path.is_file() else None
