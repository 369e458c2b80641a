"""Human (Terraform-style) and JSON renderings of a plan, pinned as whole text."""

from __future__ import annotations

import json

from syncd.config.model import DeletePolicy
from syncd.domain.state import Ownership
from syncd.errors import Diagnostic
from syncd.plan import diff as diffing
from syncd.plan.model import Action, Change, InstancePlan, Plan
from syncd.render import human
from syncd.render import json as json_render
from tests.plan import builders as b


def sample_plan() -> Plan:
    desired = b.desired(
        custom_formats=b.wanted_cfs(("t1", b.cf("BR-DISK")), ("t2", b.cf("Renamed"))),
        delete=DeletePolicy(custom_formats=True),
    )
    live = b.live(custom_formats=(b.live_cf(2, b.cf("Before")), b.live_cf(3, b.cf("Gone"))))
    instance = b.plan(desired, live, Ownership(objects={"custom_format": {"t2": 2, "t3": 3}}))
    return Plan(syncd_version="0.1.0", guide_revision="abc123", instances=(instance,))


def test_human_rendering_matches_terraform_conventions() -> None:
    text = human.render(sample_plan(), detail=True)
    assert text == (
        "Resource actions are indicated with the following symbols:\n"
        "  + create\n"
        "  ~ update in-place\n"
        "  - destroy\n"
        "\n"
        "syncd will perform the following actions:\n"
        "\n"
        '  # sonarr.main.custom_format["BR-DISK"] will be created (test)\n'
        '  + custom_format "BR-DISK" {\n'
        '      + name = "BR-DISK"\n'
        "      + include_when_renaming = false\n"
        "      + specifications = [\n"
        '          + {"fields": {"value": "x"}, "implementation": "ReleaseTitleSpecification", '
        '"name": "title", "negate": false, "required": false},\n'
        "        ]\n"
        "    }\n"
        "\n"
        '  # sonarr.main.custom_format["Renamed"] will be updated in-place (test)\n'
        '  ~ custom_format "Renamed" {\n'
        '      ~ name = "Before" -> "Renamed"\n'
        "        # (2 unchanged attributes hidden)\n"
        "    }\n"
        "\n"
        '  # sonarr.main.custom_format["Gone"] will be destroyed (owned by syncd and no longer in the config '
        "(delete.custom_formats))\n"
        '  - custom_format "Gone" {\n'
        '      - name = "Gone"\n'
        "      - include_when_renaming = false\n"
        "      - specifications = [\n"
        '          - {"fields": {"value": "x"}, "implementation": "ReleaseTitleSpecification", '
        '"name": "title", "negate": false, "required": false},\n'
        "        ]\n"
        "    }\n"
        "\n"
        "Plan: 1 to add, 1 to change, 1 to destroy.\n"
        "  sonarr.main: add 1 custom_format; change 1 custom_format; destroy 1 custom_format\n"
    )


def test_compact_rendering_is_one_line_per_create_and_keeps_update_and_delete_diffs() -> None:
    compact = human.render(sample_plan())
    detailed = human.render(sample_plan(), detail=True)
    assert '  + sonarr.main.custom_format["BR-DISK"] (test)\n' in compact
    assert '+ name = "BR-DISK"' not in compact
    assert '+ name = "BR-DISK"' in detailed
    # Updates and deletes are the same block in both.
    for block in (
        '  ~ custom_format "Renamed" {\n      ~ name = "Before" -> "Renamed"\n',
        '      - name = "Gone"\n',
    ):
        assert block in compact and block in detailed
    assert compact.endswith(
        "Plan: 1 to add, 1 to change, 1 to destroy.\n"
        "  sonarr.main: add 1 custom_format; change 1 custom_format; destroy 1 custom_format\n"
    )


def test_compact_counts_per_instance_and_kind() -> None:
    desired = b.desired(
        custom_formats=b.wanted_cfs(*((f"t{i}", b.cf(f"Format {i:02}")) for i in range(3))),
        quality_profiles=(b.desired_profile(scores={"t1": 100}),),
    )
    sonarr = b.plan(desired, b.live(), Ownership())
    radarr = sonarr.model_copy(
        update={
            "instance": "radarr.main",
            "service": "radarr",
            "changes": tuple(c.model_copy(update={"instance": "radarr.main"}) for c in sonarr.changes[:2]),
        }
    )
    text = human.render(Plan(instances=(sonarr, radarr)))
    creates = [line for line in text.splitlines() if line.startswith("  + ") and "." in line]
    assert len(creates) == 6  # one line each, no attribute lines
    assert "  sonarr.main: add 3 custom_format, 1 quality_profile\n" in text
    assert "  radarr.main: add 2 custom_format\n" in text
    assert "Plan: 6 to add, 0 to change, 0 to destroy.\n" in text


def test_converged_plan_says_no_changes() -> None:
    desired = b.desired(custom_formats=b.wanted_cfs(("t1", b.cf("BR-DISK"))))
    live = b.live(custom_formats=(b.live_cf(1, b.cf("BR-DISK")),))
    plan = Plan(instances=(b.plan(desired, live, Ownership()),))
    assert human.render(plan) == "No changes. The servers match the configuration.\n"


def test_diagnostics_come_first() -> None:
    plan = Plan(diagnostics=(Diagnostic(location="syncd.yml:4", message="unknown trash_id 'x'"),))
    assert human.render(plan).splitlines()[0] == "Error: syncd.yml:4: unknown trash_id 'x'"


def test_json_plan_has_versioned_terraform_shape() -> None:
    document = json.loads(json_render.render(sample_plan()))
    assert document["format_version"] == "1.0"
    assert document["summary"] == {"add": 1, "change": 1, "destroy": 1}
    assert document["applyable"] is True
    by_address = {rc["address"]: rc for rc in document["resource_changes"]}
    created = by_address['sonarr.main.custom_format["BR-DISK"]']
    assert created["type"] == "custom_format"
    assert created["change"]["actions"] == ["create"]
    assert created["change"]["before"] is None
    assert created["change"]["after"]["name"] == "BR-DISK"
    assert by_address['sonarr.main.custom_format["Gone"]']["change"]["actions"] == ["delete"]


def test_sensitive_values_are_masked_in_both_renderings() -> None:
    change = Change(
        instance="sonarr.main",
        type="media_management",
        singleton=True,
        name="media_management",
        action=Action.UPDATE,
        before={"apiKey": "s3cr3t-old"},
        after={"apiKey": "s3cr3t-new"},
        diff=diffing.diff({"apiKey": "s3cr3t-old"}, {"apiKey": "s3cr3t-new"}),
    )
    plan = Plan(instances=(InstancePlan(instance="sonarr.main", service="sonarr", changes=(change,)),))
    for text in (human.render(plan), json_render.render(plan)):
        assert "s3cr3t" not in text
        assert "(sensitive value)" in text


def test_created_profile_lists_its_scores_and_counts_the_zero_ones() -> None:
    desired = b.desired(
        custom_formats=b.wanted_cfs(*((f"t{i}", b.cf(f"Format {i:02}")) for i in range(12))),
        quality_profiles=(b.desired_profile(scores={"t1": 100, "t2": -10000}),),
    )
    plan = Plan(instances=(b.plan(desired, b.live(), Ownership()),))
    text = human.render(plan, detail=True)
    block = text[text.index('+ quality_profile "WEB-1080p"') :]
    assert '      + scores = {\n          "Format 01" = 100\n          "Format 02" = -10000\n' in block
    assert "          # (10 zero or empty entries hidden)\n        }\n" in block
