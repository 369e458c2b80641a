"""Pure: the versioned machine-readable plan (the public contract, Terraform's shape).

Top level: `format_version`, `syncd_version`, `guide_revision`, `applyable`, `errored`,
`summary`, `resource_changes[]` (each `address`, `type`, `name`, `instance`,
`change.actions`, `change.before`, `change.after`, `action_reason`), `diagnostics[]`,
`instances[]` and `waves[]` (instance addresses in apply order, one list per wave). Consumers scan `change.actions` for "delete". Secrets are masked.
"""

from __future__ import annotations

import json
from typing import Any

from syncd.plan.model import Plan
from syncd.plan.sensitive import mask


def plan_document(plan: Plan) -> dict[str, Any]:
    summary = plan.summary()
    return {
        "format_version": plan.format_version,
        "syncd_version": plan.syncd_version,
        "guide_revision": plan.guide_revision,
        "applyable": plan.has_changes and not plan.errored,
        "errored": plan.errored,
        "summary": {"add": summary.add, "change": summary.change, "destroy": summary.destroy},
        "resource_changes": [
            {
                "address": change.address,
                "type": change.type,
                "name": change.name,
                "instance": change.instance,
                "change": {
                    "actions": [change.action.value],
                    "before": mask(change.before),
                    "after": mask(change.after),
                },
                "action_reason": change.reason,
            }
            for change in plan.changes
        ],
        "diagnostics": [
            {"severity": d.severity, "location": d.location, "message": d.message}
            for d in plan.all_diagnostics
        ],
        "instances": [
            {
                "instance": i.instance,
                "service": i.service,
                "live_fingerprint": i.live_fingerprint,
                "error": i.error,
            }
            for i in plan.instances
        ],
        "waves": [list(wave) for wave in plan.waves],
    }


def render(plan: Plan) -> str:
    return json.dumps(plan_document(plan), indent=2, sort_keys=True) + "\n"
