"""Pure: what Prowlarr's applications and indexer proxies share, unlike every other provider:
they have no `enable`. An application is on unless its `syncLevel` is `disabled`; a proxy is on
exactly when it has a tag. Their resources refuse unknown keys, so `enable` is never sent."""

from __future__ import annotations

from collections.abc import Mapping

from syncd.config.model import ResourceEntry
from syncd.errors import Diagnostic
from syncd.kinds.base import Wanted, Wants


def without_enable(wants: Wants, entries: tuple[ResourceEntry, ...], *, section: str, instead: str) -> Wants:
    """`wants` with `enable` dropped from every object; an entry that sets it is an error that
    says what to write `instead`."""
    problems = [
        Diagnostic(str(entry.origin), f"{section}: Prowlarr has no `enable` here; {instead}")
        for entry in entries
        if isinstance(entry.value, Mapping) and "enable" in entry.value
    ]
    objects = tuple(
        Wanted(
            key=w.key,
            name=w.name,
            value={k: v for k, v in w.value.items() if k != "enable"},
            origin=w.origin,
            reason=w.reason,
        )
        for w in wants.objects
        if not any(p.location == w.origin for p in problems)
    )
    return Wants(objects=objects, diagnostics=wants.diagnostics + tuple(problems), delete=wants.delete)
