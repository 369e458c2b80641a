"""Pure field-level diff of two JSON-like values (kopf's `diffs.diff`, flattened to paths).

Mappings are compared key by key and reported as `parent.key` paths; lists and scalars
are compared whole (keys that are not identifiers read `scores["DD+"]`), since for syncd's resources a list (qualities, specifications) is
one attribute whose order matters.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from syncd.plan.model import FieldChange


def diff(before: Any, after: Any, *, path: str = "") -> tuple[FieldChange, ...]:
    """Every leaf that differs between `before` and `after`, sorted by path."""
    if isinstance(before, Mapping) and isinstance(after, Mapping):
        changes: list[FieldChange] = []
        for key in sorted(set(before) | set(after), key=str):
            child = _child_path(path, str(key))
            changes.extend(diff(before.get(key), after.get(key), path=child))
        return tuple(changes)
    if before == after:
        return ()
    return (FieldChange(path=path, before=before, after=after),)


def _child_path(parent: str, key: str) -> str:
    if not key.isidentifier():
        return f'{parent}["{key}"]'
    return f"{parent}.{key}" if parent else key
