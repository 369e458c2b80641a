"""Pure: the plan as text, in Terraform's conventions.

A legend of the symbols used, then the changes in apply order. By default a created resource
is one line, `+ <address> (reason)`, so a first plan of a hundred objects stays readable;
`detail=True` shows each created resource's every attribute instead. Updates, replacements and
deletes are always a block headed `# <address> will be updated in-place|destroyed (reason)`,
changed attributes as `~ path = old -> new`, unchanged ones hidden behind
`# (N unchanged attributes hidden)`. Secrets show as `(sensitive value)`. The closing
`Plan: X to add, Y to change, Z to destroy.` is followed by the counts per instance and kind,
or the plan is `No changes.` Renders only what `syncd.render.json` would also show.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from syncd.plan.model import Action, Change, Plan
from syncd.plan.sensitive import MASK, is_sensitive_key

_VERB = {
    Action.CREATE: "will be created",
    Action.UPDATE: "will be updated in-place",
    Action.REPLACE: "must be replaced",
    Action.DELETE: "will be destroyed",
}
_LEGEND = {
    Action.CREATE: "create",
    Action.UPDATE: "update in-place",
    Action.REPLACE: "destroy and then create replacement",
    Action.DELETE: "destroy",
}
_INLINE_LIMIT = 60


def render(plan: Plan, *, detail: bool = False) -> str:
    lines: list[str] = []
    for diagnostic in plan.all_diagnostics:
        lines.append(f"{diagnostic.severity.capitalize()}: {diagnostic.location}: {diagnostic.message}")
    for instance in plan.instances:
        if instance.error:
            lines.append(f"Error: {instance.instance}: {instance.error}")
    if lines:
        lines.append("")
    actionable = [c for c in plan.changes if c.action is not Action.NOOP]
    if not actionable:
        lines.append(_no_changes(plan))
        return "\n".join(lines) + "\n"
    used = [a for a in _LEGEND if any(c.action is a for c in actionable)]
    lines.append("Resource actions are indicated with the following symbols:")
    lines.extend(f"  {a.symbol} {_LEGEND[a]}" for a in used)
    lines.append("")
    lines.append("syncd will perform the following actions:")
    previous_one_line = False
    for change in actionable:
        one_line = change.action is Action.CREATE and not detail
        if not (one_line and previous_one_line):
            lines.append("")
        lines.extend([_one_line(change)] if one_line else _render_change(change))
        previous_one_line = one_line
    summary = plan.summary()
    lines.append("")
    lines.append(f"Plan: {summary.add} to add, {summary.change} to change, {summary.destroy} to destroy.")
    lines.extend(_counts(plan))
    return "\n".join(lines) + "\n"


def _no_changes(plan: Plan) -> str:
    """`No changes.` only when every instance was planned; otherwise say which were not."""
    if not plan.errored:
        return "No changes. The servers match the configuration."
    failed = [
        i.instance for i in plan.instances if i.error or any(d.severity == "error" for d in i.diagnostics)
    ]
    if not failed or any(d.severity == "error" for d in plan.diagnostics):
        return "No plan: the errors above stop it; nothing was compared with the servers."
    planned = [i.instance for i in plan.instances if i.instance not in failed]
    line = f"Not planned (see the errors above): {', '.join(failed)}."
    return line + (f" No changes for {', '.join(planned)}." if planned else "")


def _one_line(change: Change) -> str:
    reason = f" ({change.reason})" if change.reason else ""
    return f"  {change.action.symbol} {change.address}{reason}"


_COUNTED = (
    ("add", (Action.CREATE, Action.REPLACE)),
    ("change", (Action.UPDATE,)),
    ("destroy", (Action.DELETE, Action.REPLACE)),
)


def _counts(plan: Plan) -> list[str]:
    """`  sonarr.main: add 35 custom_format, 1 quality_profile; change 1 naming` per instance."""
    lines = []
    for instance in plan.instances:
        parts = [
            f"{verb} {_kinds(instance.actionable, actions)}"
            for verb, actions in _COUNTED
            if any(c.action in actions for c in instance.actionable)
        ]
        if parts:
            lines.append(f"  {instance.instance}: {'; '.join(parts)}")
    return lines


def _kinds(changes: Sequence[Change], actions: tuple[Action, ...]) -> str:
    counted = Counter(c.type for c in changes if c.action in actions)
    return ", ".join(f"{count} {kind}" for kind, count in counted.items())


def _render_change(change: Change) -> list[str]:
    reason = f" ({change.reason})" if change.reason else ""
    lines = [f"  # {change.address} {_VERB[change.action]}{reason}"]
    lines.append(f'  {change.action.symbol} {change.type} "{change.name}" {{')
    if change.action in (Action.UPDATE, Action.REPLACE):
        for field in change.diff:
            old, new = _value(field.path, field.before), _value(field.path, field.after)
            if isinstance(field.before, list) and isinstance(field.after, list) and new.startswith("["):
                lines.extend(_list_change(field.path, field.before, field.after))
            elif field.before is None:
                lines.append(f"      + {field.path} = {new}")
            elif field.after is None:
                lines.append(f"      - {field.path} = {old} -> null")
            else:
                lines.append(f"      ~ {field.path} = {old} -> {new}")
        hidden = _leaf_count(change.after) - len(change.diff)
        if hidden > 0:
            lines.append(f"        # ({hidden} unchanged attribute{'s' if hidden != 1 else ''} hidden)")
    else:
        body = change.after if change.action is Action.CREATE else change.before
        symbol = change.action.symbol
        for key, value in (body or {}).items():
            text = _value(key, value)
            if isinstance(value, list) and text.startswith("[") and text.endswith(" items]"):
                lines.append(f"      {symbol} {key} = [")
                lines.extend(f"          {symbol} {_json(element)}," for element in value)
                lines.append("        ]")
            elif isinstance(value, Mapping) and text.endswith(" entries}"):
                lines.extend(_mapping_block(symbol, key, value))
            else:
                lines.append(f"      {symbol} {key} = {text}")
    lines.append("    }")
    return lines


def _mapping_block(symbol: str, key: str, value: Mapping[str, Any]) -> list[str]:
    """A large mapping (a profile's scores): its set entries one per line, zeros counted."""
    shown = {k: v for k, v in value.items() if v not in (0, None, False, "")}
    lines = [f"      {symbol} {key} = {{"]
    lines.extend(f"          {_json(k)} = {_value(k, v)}" for k, v in shown.items())
    hidden = len(value) - len(shown)
    if hidden:
        lines.append(f"          # ({hidden} zero or empty entr{'ies' if hidden != 1 else 'y'} hidden)")
    lines.append("        }")
    return lines


def _list_change(path: str, before: list[Any], after: list[Any]) -> list[str]:
    """A changed list: removed elements as `-`, added as `+`; a pure reorder shows the new order."""
    old = [_json(e) for e in before]
    new = [_json(e) for e in after]
    removed = [e for e in old if e not in new]
    added = [e for e in new if e not in old]
    lines = [f"      ~ {path} = ["]
    if not removed and not added:
        lines.append("          # (order changed)")
        lines.extend(f"            {e}," for e in new)
    lines.extend(f"          - {e}," for e in removed)
    lines.extend(f"          + {e}," for e in added)
    lines.append("        ]")
    return lines


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _value(path: str, value: Any) -> str:
    leaf = path.rsplit(".", 1)[-1]
    if is_sensitive_key(leaf) and value not in (None, ""):
        return MASK
    text = _json(value)
    if len(text) <= _INLINE_LIMIT:
        return text
    if isinstance(value, list):
        return f"[{len(value)} items]"
    if isinstance(value, Mapping):
        return f"{{{len(value)} entries}}"
    return text


def _leaf_count(value: Any) -> int:
    if isinstance(value, Mapping):
        return sum(_leaf_count(v) for v in value.values()) or 1
    return 1


def applied_summary(plan: Plan, instance: str, applied: Sequence[str]) -> str:
    """What an apply did to one instance: `37 added, 1 changed, 0 destroyed` (a replace counts
    as added and destroyed), from the plan's changes at the `applied` addresses."""
    actions = {c.address: c.action for c in plan.changes if c.instance == instance}
    done = [actions[a] for a in applied if a in actions]
    counts = {verb: sum(1 for a in done if a in kinds) for verb, kinds in _COUNTED}
    return f"{counts['add']} added, {counts['change']} changed, {counts['destroy']} destroyed"
