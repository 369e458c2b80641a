"""Pure: the one place that decides in which order things are written.

Two orders, both derived from declared dependencies rather than written out by hand:

* inside an instance, `kind_order` sorts resource kinds topologically over their
  `depends_on` (a kind comes after every kind it depends on; ties keep registry order), and
  deletes run in the reverse order (a profile stops scoring a custom format before the
  format goes);
* across instances, `waves` groups instance addresses: an instance runs in a later wave than
  every instance of a service its service depends on (`SERVICE_DEPENDS`) and every instance it
  references. The instances of one wave run concurrently.

A cycle is a programming or config error and raises `OrderingError` naming its members.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

# Which services must be written before a service's instances: the stack's wiring order
# (qBittorrent -> Plex -> Sonarr/Radarr -> Prowlarr). A service absent here depends on nothing.
SERVICE_DEPENDS: Mapping[str, frozenset[str]] = {
    "plex": frozenset({"qbittorrent"}),
    "sonarr": frozenset({"qbittorrent", "plex"}),
    "radarr": frozenset({"qbittorrent", "plex"}),
    "prowlarr": frozenset({"qbittorrent", "plex", "sonarr", "radarr"}),
}


class OrderingError(ValueError):
    """The declared dependencies form a cycle."""


def topological(nodes: Sequence[str], depends_on: Mapping[str, Iterable[str]]) -> tuple[str, ...]:
    """`nodes` with every node after the nodes it depends on; among free nodes the input order
    wins. Dependencies on nodes outside `nodes` are ignored."""
    present = set(nodes)
    pending = {n: {d for d in depends_on.get(n, ()) if d in present and d != n} for n in nodes}
    done: list[str] = []
    while pending:
        ready = [n for n in nodes if n in pending and not pending[n]]
        if not ready:
            raise OrderingError(f"circular dependency between {', '.join(sorted(pending))}")
        node = ready[0]
        done.append(node)
        del pending[node]
        for needs in pending.values():
            needs.discard(node)
    return tuple(done)


def kind_order(kinds: Sequence[str], depends_on: Mapping[str, Iterable[str]]) -> dict[str, int]:
    """Kind name -> rank for creates and updates; deletes use the negated rank."""
    return {kind: rank for rank, kind in enumerate(topological(kinds, depends_on))}


def waves(
    instances: Sequence[tuple[str, str]],
    references: Mapping[str, Iterable[str]] | None = None,
    *,
    service_depends: Mapping[str, frozenset[str]] = SERVICE_DEPENDS,
) -> tuple[tuple[str, ...], ...]:
    """Group `(address, service)` pairs into waves. `references` maps an address to the
    addresses it refers to (they must be written first)."""
    services = dict(instances)
    edges: dict[str, set[str]] = {address: set() for address in services}
    for address, service in services.items():
        wanted = service_depends.get(service, frozenset())
        edges[address] |= {other for other, kind in services.items() if kind in wanted}
        edges[address] |= {r for r in (references or {}).get(address, ()) if r in services}
    level: dict[str, int] = {}
    for address in topological(list(services), edges):
        level[address] = 1 + max((level[d] for d in edges[address]), default=-1)
    grouped: dict[int, list[str]] = {}
    for address in services:
        grouped.setdefault(level[address], []).append(address)
    return tuple(tuple(grouped[i]) for i in sorted(grouped))


def blocked_by(
    address: str, failed: Iterable[str], references: Mapping[str, Iterable[str]] | None
) -> str | None:
    """The first failed instance `address` references (directly), or None."""
    refs = set((references or {}).get(address, ()))
    return next((f for f in failed if f in refs), None)
