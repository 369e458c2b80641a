"""Pure: the generic planner every resource kind shares.

For one kind on one instance it matches what the config wants to what the server holds
(the stored id first; else a single case-insensitive name match is adopted; two matches are
an error for that object; no match means create), diffs the kind's essence of the live object
against the desired one, and picks the action: no-op, create, update, replace (a change of a
`replace_on` field) or delete (only what the kind's `DeleteRule` allows). Damage the server
left on objects it edits itself is planned as a repair (`base.repairs`). Changes come out in
the order `syncd.plan.ordering` derives from `depends_on`, deletes last and in reverse.

Secrets: a `sensitive` field is write-only. Servers answer `"********"` for it, which is
never a difference; whether it changed is decided by a hash of the value syncd last wrote,
kept in ownership state (`secret_hash`). In the plan a sensitive value is always the mask.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from syncd.domain.policy import DeletePolicy
from syncd.domain.state import Ownership
from syncd.errors import Diagnostic
from syncd.kinds import base
from syncd.kinds.base import DeleteRule, Found, Kind, Wanted, Wants
from syncd.plan import diff as diffing
from syncd.plan import ordering
from syncd.plan.model import Action, Change, FieldChange
from syncd.plan.sensitive import MASK


@dataclass(frozen=True)
class KindState:
    """What planning one kind knew; apply builds its requests from it (plain secrets
    included, which is why it never leaves the process)."""

    kind: Kind
    wants: Wants
    found: tuple[Found, ...] = ()
    reads: Mapping[str, Any] = field(default_factory=dict)

    @property
    def sensitive(self) -> frozenset[str]:
        return self.kind.sensitive | self.kind.sensitive_in(self.reads)

    def wanted_by_key(self, key: str) -> Wanted | None:
        return next((w for w in self.wants.objects if w.key == key), None)

    def wanted_for(self, change: Change) -> Wanted | None:
        """The wanted object `change` was planned from (by key; objects of a fixed kind, which
        syncd does not own, by name)."""
        if change.key:
            return self.wanted_by_key(change.key)
        return next((w for w in self.wants.objects if w.name == change.name), None)

    def found_by_id(self, object_id: int | None) -> Found | None:
        return next((f for f in self.found if f.id == object_id), None)

    def found_for(self, change: Change) -> Found | None:
        """The live object `change` was planned against: by id, or by exact name for an
        object without one (a singleton, or one the server keys by name)."""
        if change.live_id is not None:
            return self.found_by_id(change.live_id)
        return next((f for f in self.found if f.id is None and f.name == change.name), None)


def identity(found: Found) -> int | str | None:
    """How ownership names a live object: its id, or its name when the server keys it by name;
    None for one that cannot be addressed (a singleton), which is never owned or deleted."""
    if found.id is not None:
        return found.id
    return found.name if found.keyed_by_name else None


@dataclass
class KindPlan:
    changes: list[Change] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    # The kinds' states with their wanted objects settled (what apply writes from).
    states: list[KindState] = field(default_factory=list)


def secret_hash(value: Any) -> str:
    return hashlib.sha256(repr(value).encode()).hexdigest()


def plan_kinds(states: Sequence[KindState], ownership: Ownership, *, instance: str) -> KindPlan:
    """Every kind of one instance, changes in apply order. Kinds are planned in dependency
    order, each seeing the changes planned for the kinds it depends on."""
    result = KindPlan()
    rank = _kind_rank(states)
    planned: dict[str, tuple[base.Planned, ...]] = {}
    for state in sorted(states, key=lambda s: rank[s.kind.name]):
        one = plan_kind(state, ownership, instance=instance, planned=planned)
        planned[state.kind.name] = _planned(one.changes)
        result.changes.extend(one.changes)
        result.diagnostics.extend(one.diagnostics)
        result.states.extend(one.states)
    result.changes.extend(_repairs(result.states, result.changes, planned, instance))
    result.changes.sort(key=lambda c: _apply_rank(c, rank))
    return result


def _kind_rank(states: Iterable[KindState]) -> Mapping[str, int]:
    """Each kind's place in dependency order (`ordering.kind_order`)."""
    kinds = [s.kind for s in states]
    return ordering.kind_order([k.name for k in kinds], {k.name: k.depends_on for k in kinds})


def _planned(changes: Sequence[Change]) -> tuple[base.Planned, ...]:
    return tuple(
        base.Planned(key=c.key, name=c.name, live_id=c.live_id, action=c.action.value) for c in changes
    )


def _repairs(
    states: Sequence[KindState],
    changes: Sequence[Change],
    planned: Mapping[str, tuple[base.Planned, ...]],
    instance: str,
) -> list[Change]:
    """The damage the server holds now that its kinds' `repairs` find (given what they plan
    themselves), each an update of the kind repaired, except of the objects a change of that
    kind writes or deletes anyway."""
    present = {s.kind.name for s in states}
    found: list[Change] = []
    for state in states:
        target = base.repairs_kind(state.kind)
        if target is None or target not in present:
            continue
        written = {c.live_id for c in changes if c.type == target and c.action is not Action.NOOP}
        for repair in base.repairs(state.kind, state.reads, planned.get(state.kind.name, ())):
            if repair.object_id in written:
                continue
            found.append(
                Change(
                    instance=instance,
                    type=target,
                    name=repair.name,
                    action=Action.UPDATE,
                    live_id=repair.object_id,
                    before=repair.before,
                    after=repair.after,
                    diff=diffing.diff(repair.before, repair.after),
                    reason=repair.reason,
                    repair=True,
                )
            )
    return found


def _apply_rank(change: Change, rank: Mapping[str, int]) -> tuple[int, int, str]:
    if change.action is Action.DELETE:
        return (1, -rank[change.type], change.name.lower())
    return (0, rank[change.type], change.name.lower())


def plan_kind(
    state: KindState,
    ownership: Ownership,
    *,
    instance: str,
    planned: Mapping[str, tuple[base.Planned, ...]] | None = None,
) -> KindPlan:
    kind, result = state.kind, KindPlan(diagnostics=list(state.wants.diagnostics))
    settled_objects: list[Wanted] = []
    fixed = base.is_fixed(kind)
    owned = {} if fixed else ownership.objects.get(kind.name, {})
    by_id = {key: f for f in state.found if (key := identity(f)) is not None}
    claimed: set[int | str] = set()
    for wanted in sorted(state.wants.objects, key=lambda w: w.name.lower()):
        address = _address(kind, instance, wanted.name)
        match: Found | None = None
        owned_id = owned.get(wanted.key)
        if owned_id is not None and owned_id in by_id and owned_id not in claimed:
            match = by_id[owned_id]
        elif wanted.name in by_id and by_id[wanted.name].keyed_by_name:
            match = None if wanted.name in claimed else by_id[wanted.name]
        else:
            hits = [
                f
                for f in state.found
                if not f.keyed_by_name and f.name.lower() == wanted.name.lower() and f.id not in claimed
            ]
            if len(hits) > 1 and not fixed:
                result.diagnostics.append(
                    Diagnostic(
                        location=address,
                        message=f"several {_human(kind)}s on the server have this name (case-insensitive); "
                        "rename or delete the duplicates by hand",
                    )
                )
                continue
            match = hits[0] if hits else None
        if match is None and fixed:
            result.diagnostics.append(
                Diagnostic(
                    location=f"{instance}.{kind.name}",
                    message=f"the server has no {_human(kind)} named {wanted.name!r}",
                )
            )
            continue
        settled = base.settle(kind, wanted, match, state.reads, planned or {})
        if isinstance(settled, tuple):
            where = wanted.origin or address
            result.diagnostics.extend(d if d.location else replace(d, location=where) for d in settled)
            continue
        wanted = settled
        settled_objects.append(wanted)
        matched = identity(match) if match is not None else None
        if matched is not None:
            claimed.add(matched)
        reason = wanted.reason or kind.section
        if match is not None and owned_id != matched and not fixed:
            reason = f"{reason}; adopted existing {_human(kind)} by name"
        stored = ownership.secrets.get(kind.name, {}).get(wanted.key, {})
        result.changes.append(_change(state, instance, wanted, match, stored, reason))
    if not fixed:
        result.changes.extend(_deletes(state, owned, claimed, instance))
    result.states.append(replace(state, wants=replace(state.wants, objects=tuple(settled_objects))))
    return result


def delete_rule(policy: DeletePolicy, section: str) -> DeleteRule:
    """What the config's `delete` policy lets the engine delete of the kind under `section`."""
    rule = policy.rule_for(section)
    return DeleteRule(owned=rule.owned, unmanaged=rule.unmanaged, ignore=frozenset(rule.ignore))


def _human(kind: Kind) -> str:
    return kind.name.replace("_", " ")


def spare(
    changes: Sequence[Change], states: Mapping[str, KindState], reads: Mapping[str, Any]
) -> tuple[list[Change], list[Diagnostic]]:
    """`changes` without the deletes their kind spares after all (a profile still in use),
    each of those as a warning, and with the repair a spared object needs (`plan_kinds` left
    it out while a delete was planned). `reads` holds the kinds' `spare_reads`."""
    kept: list[Change] = []
    warnings: list[Diagnostic] = []
    for change in changes:
        state = states.get(change.type)
        found = state.found_for(change) if state is not None else None
        reason = None
        if change.action is Action.DELETE and state is not None and found is not None:
            reason = base.spared(state.kind, found, reads)
        if reason is None:
            kept.append(change)
        else:
            warnings.append(Diagnostic(location=change.address, message=reason, severity="warning"))
    if warnings:
        instance = changes[0].instance
        planned = {name: _planned([c for c in kept if c.type == name]) for name in states}
        # Objects already written or repaired count as written: only the spared ones are new.
        kept.extend(_repairs(list(states.values()), kept, planned, instance))
        rank = _kind_rank(states.values())
        kept.sort(key=lambda c: _apply_rank(c, rank))
    return kept, warnings


def spare_reads(changes: Sequence[Change], states: Mapping[str, KindState]) -> list[str]:
    """What `spare` needs read: the `spare_reads` of the kinds that plan a delete."""
    kinds = {c.type for c in changes if c.action is Action.DELETE and c.type in states}
    return sorted({path for k in kinds for path in base.spare_reads(states[k].kind)})


def _address(kind: Kind, instance: str, name: str) -> str:
    return f"{instance}.{name}" if base.is_singleton(kind) else f'{instance}.{kind.name}["{name}"]'


def _change(
    state: KindState,
    instance: str,
    wanted: Wanted,
    match: Found | None,
    stored: Mapping[str, str],
    reason: str,
) -> Change:
    kind, sensitive = state.kind, state.sensitive
    secrets = _secrets(wanted.value, sensitive)
    after: Mapping[str, Any] = dict(wanted.value)
    for path, value in secrets.items():
        after = _with(after, path, secret_hash(value))
    singleton = base.is_singleton(kind)
    if match is None:
        return Change(
            instance=instance,
            type=kind.name,
            name=wanted.name,
            singleton=singleton,
            action=Action.CREATE,
            key=wanted.key,
            after=_masked(after, sensitive),
            reason=reason,
        )
    essence = dict(kind.essence(match, wanted))
    before: Mapping[str, Any] = {k: essence.get(k) for k in after}
    for path in secrets:
        before = _with(before, path, stored.get(path))
    field_diff = diffing.diff(before, after)
    if not field_diff:
        action = Action.NOOP
    elif any(_root(d.path) in kind.replace_on for d in field_diff):
        action = Action.REPLACE
    else:
        action = Action.UPDATE
    return Change(
        instance=instance,
        type=kind.name,
        name=wanted.name,
        singleton=singleton,
        action=action,
        key=wanted.key,
        live_id=match.id,
        before=_masked(before, sensitive),
        after=_masked(after, sensitive),
        diff=tuple(
            FieldChange(
                path=d.path,
                before=MASK if _is_sensitive(d.path, sensitive) and d.before not in (None, "") else d.before,
                after=MASK if _is_sensitive(d.path, sensitive) and d.after not in (None, "") else d.after,
            )
            for d in field_diff
        ),
        reason=reason,
    )


def _deletes(
    state: KindState, owned: Mapping[str, int | str], claimed: set[int | str], instance: str
) -> Iterable[Change]:
    kind, rule = state.kind, state.wants.delete
    if not (rule.owned or rule.unmanaged):
        return
    owner_key = {object_id: key for key, object_id in owned.items()}
    ignored = {n.lower() for n in rule.ignore}
    for found in state.found:
        object_id = identity(found)
        if object_id is None or object_id in claimed:
            continue
        if object_id in owner_key and rule.owned:
            reason = f"owned by syncd and no longer in the config (delete.{kind.section})"
        elif rule.unmanaged and found.name.lower() not in ignored:
            reason = f"not managed by syncd (delete.unmanaged_{kind.section})"
        else:
            continue
        yield Change(
            instance=instance,
            type=kind.name,
            name=found.name,
            action=Action.DELETE,
            key=owner_key.get(object_id, ""),
            live_id=found.id,
            before=_masked(dict(kind.essence(found, None)), state.sensitive),
            reason=reason,
        )


_MISSING = object()


def _get(value: Any, path: str) -> Any:
    for part in path.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return _MISSING
        value = value[part]
    return value


def _with(value: Mapping[str, Any], path: str, new: Any) -> dict[str, Any]:
    """A copy of `value` with the dotted `path` set to `new`."""
    head, _, rest = path.partition(".")
    copied = dict(value)
    if rest:
        inner = copied.get(head)
        copied[head] = _with(inner if isinstance(inner, Mapping) else {}, rest, new)
    else:
        copied[head] = new
    return copied


def _secrets(value: Mapping[str, Any], sensitive: frozenset[str]) -> dict[str, Any]:
    """Sensitive path -> plain value, for the sensitive fields `value` sets (an empty one
    compares as plain data)."""
    found = {path: _get(value, path) for path in sensitive}
    return {path: v for path, v in found.items() if v is not _MISSING and v not in (None, "")}


def _is_sensitive(path: str, sensitive: frozenset[str]) -> bool:
    return any(path == s or path.startswith(f"{s}.") for s in sensitive)


def _masked(value: Mapping[str, Any], sensitive: frozenset[str]) -> dict[str, Any]:
    masked = dict(value)
    for path in _secrets(value, sensitive):
        masked = _with(masked, path, MASK)
    return masked


def _root(path: str) -> str:
    return path.split(".", 1)[0].split("[", 1)[0]


def ownership_after_write(
    ownership: Ownership, change: Change, state: KindState, created_id: int | str | None
) -> Ownership:
    """Ownership once `change` was written: created and matched objects are owned (with the
    hashes of the secrets just written), deleted ones are forgotten."""
    objects = {k: dict(v) for k, v in ownership.objects.items()}
    secrets = {k: {key: dict(h) for key, h in v.items()} for k, v in ownership.secrets.items()}
    table = objects.setdefault(change.type, {})
    hashes = secrets.setdefault(change.type, {})
    if change.action is Action.DELETE:
        table.pop(change.key, None)
        hashes.pop(change.key, None)
    else:
        found = state.found_for(change)
        object_id = created_id if created_id is not None else identity(found) if found else None
        if object_id is not None and change.key:
            table[change.key] = object_id
        wanted = state.wanted_for(change)
        if wanted is not None and change.key:
            written = {p: secret_hash(v) for p, v in _secrets(wanted.value, state.sensitive).items()}
            if written:
                hashes[change.key] = written
    return ownership.model_copy(
        update={
            "objects": {k: v for k, v in objects.items() if v},
            "secrets": {k: v for k, v in secrets.items() if v},
        }
    )


def adopt_matched(
    ownership: Ownership, changes: Iterable[Change], states: Iterable[KindState] = ()
) -> Ownership:
    """Ownership with every matched (no-op) object recorded, so adoption by name is remembered
    (objects keyed by name need their kind's `states` to be recognised)."""
    objects = {k: dict(v) for k, v in ownership.objects.items()}
    by_kind = {s.kind.name: s for s in states}
    for change in changes:
        state = by_kind.get(change.type)
        found = state.found_for(change) if state is not None and change.live_id is None else None
        object_id = change.live_id if change.live_id is not None else identity(found) if found else None
        if change.action is Action.NOOP and object_id is not None and change.key:
            objects.setdefault(change.type, {})[change.key] = object_id
    return ownership.model_copy(update={"objects": {k: v for k, v in objects.items() if v}})
