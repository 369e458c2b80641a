"""Pure: references between instances (`target: qbittorrent.main` in a resource entry).

An entry of any resource section may name another instance of the config by address instead
of repeating its URL and credentials; the kind fills them in from that instance (see
`syncd.kinds.provider`). Here the config as a whole is checked, before any server is
contacted: every target must be an instance of this config, no instance may target itself,
and the references may not go round in a circle (A's entry targets B and B's targets A,
through any kinds). The edges (referrer -> targets) order the apply: a target is written
before the instances that reference it, and a failed target skips them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from syncd.config.model import Config, Origin, ResourceEntry
from syncd.errors import ConfigError

TARGET_KEY = "target"


@dataclass(frozen=True)
class Reference:
    """One entry's `target:`: the instance it is written in, the section, where, and whom it names."""

    source: str
    section: str
    target: str
    origin: Origin


@runtime_checkable
class Addressed(Protocol):
    """An instance of any service: its address and how the other services reach it."""

    @property
    def address(self) -> str: ...

    @property
    def url_for_peers(self) -> str: ...


def instances(config: Config) -> Iterator[Addressed]:
    """Every instance of the config, of every service (a new service's instances included
    without a list to keep)."""
    for name in type(config).model_fields:
        value = getattr(config, name)
        if isinstance(value, tuple):
            yield from (item for item in value if isinstance(item, Addressed))


def holders(config: Config) -> Iterator[tuple[str, Mapping[str, tuple[ResourceEntry, ...]]]]:
    """(address, resource sections) of every instance of the config that has resource sections."""
    for name in type(config).model_fields:
        value = getattr(config, name)
        if not isinstance(value, tuple):
            continue
        for instance in value:
            resources = getattr(instance, "resources", None)
            address = getattr(instance, "address", None)
            if isinstance(resources, Mapping) and isinstance(address, str):
                yield address, resources


def references(config: Config) -> tuple[Reference, ...]:
    """Every `target:` written in the config, in file order."""
    found: list[Reference] = []
    for address, sections in holders(config):
        for section, entries in sections.items():
            for entry in entries:
                value = entry.value
                if isinstance(value, Mapping) and TARGET_KEY in value:
                    found.append(Reference(address, section, _text(value[TARGET_KEY]), entry.origin))
    return tuple(found)


def edges(config: Config) -> dict[str, frozenset[str]]:
    """Instance address -> the addresses its entries target (only instances that target any)."""
    grouped: dict[str, set[str]] = {}
    for ref in references(config):
        grouped.setdefault(ref.source, set()).add(ref.target)
    return {source: frozenset(targets) for source, targets in grouped.items()}


def problems(config: Config) -> list[str]:
    """Every bad reference as `file:line: message`: unknown, self-referencing or circular."""
    known = config.addresses
    refs = references(config)
    found: list[str] = []
    for ref in refs:
        if ref.target == ref.source:
            found.append(f"{ref.origin}: {ref.section}: target {ref.target!r} is this instance itself")
        elif ref.target not in known:
            choices = ", ".join(a for a in known if a != ref.source) or "none"
            found.append(
                f"{ref.origin}: {ref.section}: target {ref.target!r} is no instance of this config "
                f"(known: {choices})"
            )
    valid = [r for r in refs if r.target in known and r.target != r.source]
    for cycle in _cycles(valid):
        path = " -> ".join([*(r.source for r in cycle), cycle[0].source])
        where = "; ".join(f"{r.origin} ({r.source} targets {r.target})" for r in cycle)
        found.append(f"{cycle[0].origin}: circular reference {path}: {where}")
    return found


def check(config: Config) -> None:
    """Raise `ConfigError` naming every bad reference, before anything is planned or sent."""
    found = problems(config)
    if found:
        raise ConfigError("\n".join(found))


def _text(value: object) -> str:
    return value if isinstance(value, str) else repr(value)


def _cycles(refs: Iterable[Reference]) -> list[list[Reference]]:
    """Each circle of references once (as the chain of references that closes it)."""
    out: dict[str, list[Reference]] = {}
    for ref in refs:
        out.setdefault(ref.source, []).append(ref)
    seen: set[frozenset[str]] = set()
    cycles: list[list[Reference]] = []

    def walk(node: str, chain: list[Reference], on_path: list[str]) -> None:
        for ref in out.get(node, ()):
            if ref.target in on_path:
                start = on_path.index(ref.target)
                cycle = [*chain[start:], ref]
                members = frozenset(r.source for r in cycle)
                if members not in seen:
                    seen.add(members)
                    cycles.append(cycle)
                continue
            walk(ref.target, [*chain, ref], [*on_path, ref.target])

    for start in sorted(out):
        walk(start, [], [start])
    return cycles
