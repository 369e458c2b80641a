"""Pure: the delete safety threshold, in octodns' manner.

The daemon applies every hour, so a wrong config (a typo in an ignore list, a dropped
include) must not empty a server. A plan that would delete more than a bound of an instance's
objects is refused for that instance: by default more than `MAX_DELETES` objects, or more than
a third of one kind when the server holds at least `MIN_EXISTING` of that kind (below that a
third is one or two objects, which the absolute bound already guards). `delete.max_deletes`
in the config replaces both with one absolute bound; `--allow-many-deletes` lifts it for one
run. A refused plan carries an error diagnostic, so nothing is written to the instance and
the daemon reports it like any other error.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from syncd.errors import Diagnostic
from syncd.plan.model import Action, InstancePlan

MAX_DELETES = 5
MAX_FRACTION = 1 / 3
MIN_EXISTING = 10
# How a refusal ends; `refusal` finds it again (the daemon reports it in /status and a metric).
REFUSED = "; refused. Review `syncd plan`, then pass --allow-many-deletes or raise delete.max_deletes"


def guard(
    plan: InstancePlan, totals: Mapping[str, int], *, bound: int | None = None, allow: bool = False
) -> InstancePlan:
    """`plan`, with an error added when its deletes exceed the bound (unless `allow`).
    `totals` maps a kind to how many objects of it the server holds."""
    if allow:
        return plan
    deletes = Counter(c.type for c in plan.changes if c.action in (Action.DELETE, Action.REPLACE))
    count = sum(deletes.values())
    problem: str | None = None
    if bound is not None:
        if count > bound:
            problem = f"the plan deletes {count} objects, more than delete.max_deletes ({bound})"
    elif count > MAX_DELETES:
        problem = f"the plan deletes {count} objects, more than {MAX_DELETES}"
    else:
        for kind, deleted in sorted(deletes.items()):
            total = totals.get(kind, 0)
            if total >= MIN_EXISTING and deleted > total * MAX_FRACTION:
                problem = f"the plan deletes {deleted} of the {total} {kind} objects, more than a third"
                break
    if problem is None:
        return plan
    refusal = Diagnostic(location=plan.instance, message=f"{problem}{REFUSED}")
    return plan.model_copy(update={"diagnostics": (*plan.diagnostics, refusal)})


def refusal(plan: InstancePlan) -> str | None:
    """The reason `guard` refused `plan`, or None."""
    return next((d.message for d in plan.diagnostics if d.message.endswith(REFUSED)), None)
