"""Pure: the saved plan file (`syncd plan --out`), and the check that makes applying it safe.

The file is the plan as JSON with every secret masked, so it can sit in a CI artifact. It is
never executed as written: `syncd apply PLANFILE` plans afresh from config and live state and
applies the fresh plan only when its changes are exactly the saved ones. An edited file (a
changed regex, an added delete, another `format_version`) is refused, not applied.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import ValidationError

from syncd.errors import PlanError
from syncd.plan.model import FORMAT_VERSION, Change, FieldChange, Plan
from syncd.plan.sensitive import mask


def dump(plan: Plan) -> str:
    """The file text: the plan with every sensitive value masked."""
    return masked(plan).model_dump_json(indent=2) + "\n"


def load(text: str, *, source: str) -> Plan:
    """Parse a saved plan; refuse a file of another format version or shape."""
    try:
        raw = Plan.model_validate_json(text)
    except (ValidationError, ValueError) as exc:
        raise PlanError(f"{source}: not a syncd plan file ({_first_error(exc)})") from exc
    if raw.format_version != FORMAT_VERSION:
        raise PlanError(
            f"{source}: plan format_version {raw.format_version!r} is not {FORMAT_VERSION!r}, "
            "the only one this syncd applies; run `syncd plan --out` again"
        )
    return raw


def verify(saved: Plan, fresh: Plan) -> None:
    """Refuse `saved` unless every instance in it plans today exactly as it did then."""
    current = {i.instance: i for i in fresh.instances}
    for instance in saved.instances:
        now = current.get(instance.instance)
        if now is None:
            raise PlanError(f"the saved plan names {instance.instance}, which the config no longer has")
        if now.live_fingerprint != instance.live_fingerprint:
            raise PlanError(
                f"the live state of {instance.instance} changed since the plan was made; "
                "run `syncd plan` again and review the new plan"
            )
        was = [_comparable(c) for c in instance.actionable]
        is_now = [_comparable(masked_change(c)) for c in now.actionable]
        if was != is_now:
            raise PlanError(
                f"the saved plan's changes for {instance.instance} are not what syncd plans now "
                f"({_first_difference(was, is_now)}); the file was edited or the config changed. "
                "Run `syncd plan` again and review the new plan"
            )


def masked(plan: Plan) -> Plan:
    instances = tuple(
        i.model_copy(update={"changes": tuple(masked_change(c) for c in i.changes)}) for i in plan.instances
    )
    return plan.model_copy(update={"instances": instances})


def masked_change(change: Change) -> Change:
    return change.model_copy(
        update={
            "before": mask(change.before),
            "after": mask(change.after),
            "diff": tuple(
                FieldChange(
                    path=d.path, before=_mask_leaf(d.path, d.before), after=_mask_leaf(d.path, d.after)
                )
                for d in change.diff
            ),
        }
    )


def _mask_leaf(path: str, value: Any) -> Any:
    leaf = path.rsplit(".", 1)[-1]
    return mask({leaf: value})[leaf]


def _comparable(change: Change) -> dict[str, Any]:
    data: dict[str, Any] = change.model_dump(mode="json", exclude={"reason", "diff"})
    return data


def _first_difference(was: Sequence[Mapping[str, Any]], now: Sequence[Mapping[str, Any]]) -> str:
    saved_addresses = {_address(c) for c in was}
    fresh_addresses = {_address(c) for c in now}
    if extra := sorted(saved_addresses - fresh_addresses):
        return f"{extra[0]} is not planned now"
    if missing := sorted(fresh_addresses - saved_addresses):
        return f"{missing[0]} is missing from the file"
    for old, new in zip(was, now, strict=False):
        if old != new:
            return f"{_address(old)} differs"
    return "the order differs"


def _address(change: Mapping[str, Any]) -> str:
    return Change.model_validate(change).address


def _first_error(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        error = exc.errors()[0]
        where = ".".join(str(p) for p in error["loc"])
        return f"{where}: {error['msg']}" if where else str(error["msg"])
    return str(exc)
