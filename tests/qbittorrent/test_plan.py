"""Planning qBittorrent preferences: one singleton change over the managed keys only, errors at
the config line for keys the server does not know or values of the wrong type."""

from __future__ import annotations

from typing import Any

from syncd.config.model import Origin, PreferenceSetting, QbittorrentConfig
from syncd.plan.model import Action, FieldChange, InstancePlan, Plan
from syncd.plan.preferences import build_preferences_plan
from syncd.render import human, json

LIVE: dict[str, Any] = {
    "current_network_interface": "",
    "max_ratio": -1,
    "max_ratio_enabled": False,
    "dht": True,
    "web_ui_api_key": "qbt_0123456789abcdef0123456789ab",
}


def config(**preferences: Any) -> QbittorrentConfig:
    settings = tuple(
        PreferenceSetting(key=key, value=value, origin=Origin(file="syncd.yml", line=10 + i))
        for i, (key, value) in enumerate(preferences.items())
    )
    return QbittorrentConfig(name="main", base_url="http://q:8080", preferences=settings)


def plan_of(instance_plan: InstancePlan) -> Plan:
    return Plan(instances=(instance_plan,))


def test_a_changed_preference_is_one_update_showing_only_managed_keys() -> None:
    plan = build_preferences_plan(config(current_network_interface="wg0", dht=True), LIVE, fingerprint="f")
    (change,) = plan.changes
    assert change.address == "qbittorrent.main.preferences"
    assert change.type == "qbittorrent_preferences"
    assert change.action is Action.UPDATE
    assert change.before == {"current_network_interface": "", "dht": True}
    assert change.after == {"current_network_interface": "wg0", "dht": True}
    assert change.diff == (FieldChange(path="current_network_interface", before="", after="wg0"),)
    assert plan.service == "qbittorrent" and plan.live_fingerprint == "f"
    text = human.render(plan_of(plan))
    assert '~ current_network_interface = "" -> "wg0"' in text
    assert "web_ui_api_key" not in text and "max_ratio" not in text


def test_matching_preferences_are_a_no_op_and_numbers_compare_by_value() -> None:
    plan = build_preferences_plan(config(max_ratio=-1.0, dht=True), LIVE, fingerprint="f")
    assert [c.action for c in plan.changes] == [Action.NOOP]
    assert not plan.actionable


def test_no_managed_preferences_plan_nothing() -> None:
    assert build_preferences_plan(config(), LIVE, fingerprint="f").changes == ()


def test_an_unknown_key_is_an_error_at_its_line_naming_close_known_keys() -> None:
    plan = build_preferences_plan(config(dht=False, current_network_interfaces="wg0"), LIVE, fingerprint="f")
    (diagnostic,) = plan.diagnostics
    assert diagnostic.location == "syncd.yml:11"
    assert diagnostic.severity == "error"
    assert "no preference 'current_network_interfaces'" in diagnostic.message
    assert "current_network_interface" in diagnostic.message.split("known keys include", 1)[1]
    assert plan.changes == ()


def test_a_value_of_another_type_than_the_server_holds_is_an_error() -> None:
    plan = build_preferences_plan(config(dht=1, max_ratio="2"), LIVE, fingerprint="f")
    messages = [d.message for d in plan.diagnostics]
    assert messages == [
        "qbittorrent.main: preference 'dht' must be true or false, got a number",
        "qbittorrent.main: preference 'max_ratio' must be a number, got text",
    ]


def test_sensitive_preferences_are_masked_in_the_json_plan() -> None:
    live = {**LIVE, "web_ui_username": "admin"}
    plan = build_preferences_plan(
        config(web_ui_api_key="qbt_new_key_0000000000000000000"), live, fingerprint="f"
    )
    document = json.plan_document(plan_of(plan))
    (change,) = document["resource_changes"]
    assert change["change"]["after"] == {"web_ui_api_key": "(sensitive value)"}
    assert "qbt_new_key" not in human.render(plan_of(plan))
