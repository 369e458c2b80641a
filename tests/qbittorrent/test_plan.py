"""Planning qBittorrent preferences and categories through the generic engine: preferences are
one singleton change over the managed keys only, with errors at the config line for keys the
server does not know or values of the wrong type; categories are matched by exact name, their
save paths compare cleaned, and only what syncd owns is removed unless the config opts in."""

from __future__ import annotations

import json as jsonlib
from typing import Any

from syncd.config.model import Origin, ResourceEntry
from syncd.domain.state import Ownership
from syncd.kinds.base import Context, DeleteRule, Resolved, Wants
from syncd.kinds.qbittorrent_categories import QbittorrentCategory
from syncd.kinds.qbittorrent_preferences import QbittorrentPreferences
from syncd.plan import engine
from syncd.plan.model import Action, FieldChange, InstancePlan, Plan
from syncd.render import human, json

INSTANCE = "qbittorrent.main"
LIVE: dict[str, Any] = {
    "current_network_interface": "",
    "max_ratio": -1,
    "max_ratio_enabled": False,
    "dht": True,
    "web_ui_api_key": "qbt_0123456789abcdef0123456789ab",
}
PREFERENCES = QbittorrentPreferences()
CATEGORIES = QbittorrentCategory()
CONTEXT = Context(INSTANCE, "qbittorrent")
OWNED = DeleteRule(owned=True)  # a qBittorrent instance's default for categories


def preferences(live: dict[str, Any] = LIVE, **wanted: Any) -> engine.KindState:
    entries = tuple(
        ResourceEntry(value={"key": key, "value": value}, origin=Origin(file="syncd.yml", line=10 + i))
        for i, (key, value) in enumerate(wanted.items())
    )
    reads = {"app/preferences": live}
    wants = PREFERENCES.wanted(entries, CONTEXT)
    return engine.KindState(kind=PREFERENCES, wants=wants, found=PREFERENCES.found(reads), reads=reads)


def plan(state: engine.KindState, ownership: Ownership | None = None) -> engine.KindPlan:
    return engine.plan_kinds([state], ownership or Ownership(), instance=INSTANCE)


def plan_of(result: engine.KindPlan) -> Plan:
    changes = tuple(result.changes)
    return Plan(instances=(InstancePlan(instance=INSTANCE, service="qbittorrent", changes=changes),))


def test_a_changed_preference_is_one_update_showing_only_managed_keys() -> None:
    state = preferences(current_network_interface="wg0", dht=True)
    result = plan(state)
    (change,) = result.changes
    assert change.address == "qbittorrent.main.preferences"
    assert change.type == "qbittorrent_preferences"
    assert change.action is Action.UPDATE
    assert change.before == {"current_network_interface": "", "dht": True}
    assert change.after == {"current_network_interface": "wg0", "dht": True}
    assert change.diff == (FieldChange(path="current_network_interface", before="", after="wg0"),)
    assert change.reason == "preferences"
    text = human.render(plan_of(result))
    assert '~ current_network_interface = "" -> "wg0"' in text
    assert "web_ui_api_key" not in text and "max_ratio" not in text
    request = PREFERENCES.request(
        "update", state.wanted_by_key(change.key), state.found_for(change), Resolved(), {}
    )
    assert (request.method, request.path) == ("POST", "app/setPreferences")
    assert jsonlib.loads(request.body["json"]) == {"current_network_interface": "wg0"}


def test_matching_preferences_are_a_no_op_and_numbers_compare_by_value() -> None:
    assert [c.action for c in plan(preferences(max_ratio=-1.0, dht=True)).changes] == [Action.NOOP]


def test_no_managed_preferences_plan_nothing() -> None:
    result = plan(preferences())
    assert result.changes == [] and result.diagnostics == []


def test_an_unknown_key_is_an_error_at_its_line_naming_close_known_keys() -> None:
    result = plan(preferences(dht=False, current_network_interfaces="wg0"))
    (diagnostic,) = result.diagnostics
    assert diagnostic.location == "syncd.yml:11"
    assert diagnostic.severity == "error"
    assert diagnostic.message.startswith("qBittorrent has no preference 'current_network_interfaces'")
    assert "current_network_interface" in diagnostic.message.split("known keys include", 1)[1]
    assert result.changes == []


def test_a_value_of_another_type_than_the_server_holds_is_an_error() -> None:
    result = plan(preferences(dht=1, max_ratio="2"))
    assert [(d.location, d.message) for d in result.diagnostics] == [
        ("syncd.yml:10", "preference 'dht' must be true or false, got a number"),
        ("syncd.yml:11", "preference 'max_ratio' must be a number, got text"),
    ]


def test_sensitive_preferences_are_masked_in_the_json_plan() -> None:
    result = plan(
        preferences({**LIVE, "web_ui_username": "admin"}, web_ui_api_key="qbt_new_key_0000000000000000000")
    )
    document = json.plan_document(plan_of(result))
    (change,) = document["resource_changes"]
    assert change["change"]["after"] == {"web_ui_api_key": "(sensitive value)"}
    assert "qbt_new_key" not in human.render(plan_of(result))


def categories(live: dict[str, Any], delete: DeleteRule | None = None, **wanted: str) -> engine.KindState:
    entries = tuple(ResourceEntry(value={"name": name, "save_path": path}) for name, path in wanted.items())
    wants = CATEGORIES.wanted(entries, CONTEXT)
    wants = Wants(objects=wants.objects, diagnostics=wants.diagnostics, delete=delete or OWNED)
    reads = {"torrents/categories": live}
    return engine.KindState(kind=CATEGORIES, wants=wants, found=CATEGORIES.found(reads), reads=reads)


def actions(result: engine.KindPlan) -> dict[str, Action]:
    return {c.address: c.action for c in result.changes}


def test_categories_match_by_exact_name_and_compare_cleaned_save_paths() -> None:
    live = {
        "tv": {"name": "tv", "savePath": "/data/downloads/tv"},
        "Movies": {"name": "Movies", "savePath": "/data/downloads/movies"},
    }
    result = plan(categories(live, tv="/data//downloads/tv/", movies="/data/downloads/movies"))
    assert actions(result) == {
        'qbittorrent.main.category["movies"]': Action.CREATE,
        'qbittorrent.main.category["tv"]': Action.NOOP,
    }


def test_an_edit_sends_both_required_fields_and_keeps_the_live_download_path() -> None:
    live = {"tv": {"name": "tv", "savePath": "/old", "download_path": "/incomplete"}}
    state = categories(live, tv="/data/downloads/tv")
    (change,) = plan(state).changes
    assert change.action is Action.UPDATE
    assert change.diff == (FieldChange(path="savePath", before="/old", after="/data/downloads/tv"),)
    request = CATEGORIES.request("update", state.wanted_by_key("tv"), state.found_for(change), Resolved(), {})
    assert (request.path, request.body) == (
        "torrents/editCategory",
        {
            "category": "tv",
            "savePath": "/data/downloads/tv",
            "downloadPathEnabled": "true",
            "downloadPath": "/incomplete",
        },
    )


def test_only_owned_categories_are_removed_by_default() -> None:
    live = {
        "old": {"name": "old", "savePath": "/old"},
        "tv-sonarr": {"name": "tv-sonarr", "savePath": ""},
    }
    result = plan(categories(live), Ownership(objects={"category": {"old": "old"}}))
    (change,) = result.changes
    assert (change.address, change.action, change.key) == (
        'qbittorrent.main.category["old"]',
        Action.DELETE,
        "old",
    )
    assert "owned by syncd" in change.reason
    request = CATEGORIES.request("delete", None, categories(live).found_for(change), Resolved(), {})
    assert (request.path, request.body) == ("torrents/removeCategories", {"categories": "old"})


def test_unmanaged_categories_are_removed_only_when_opted_in_except_ignored_ones() -> None:
    live = {name: {"name": name, "savePath": ""} for name in ("tv-sonarr", "prowlarr")}
    rule = DeleteRule(owned=True, unmanaged=True, ignore=frozenset({"prowlarr"}))
    assert actions(plan(categories(live, rule))) == {'qbittorrent.main.category["tv-sonarr"]': Action.DELETE}


def test_a_name_qbittorrent_refuses_is_an_error_at_its_line() -> None:
    entries = (
        ResourceEntry(value={"name": "/tv", "save_path": "/x"}, origin=Origin(file="syncd.yml", line=7)),
    )
    wants = CATEGORIES.wanted(entries, CONTEXT)
    (diagnostic,) = wants.diagnostics
    assert diagnostic.location == "syncd.yml:7" and "category '/tv'" in diagnostic.message
    assert wants.objects == ()


def test_ownership_records_a_category_by_its_name() -> None:
    state = categories({}, tv="/data/downloads/tv")
    (change,) = plan(state).changes
    owned = engine.ownership_after_write(Ownership(), change, state, "tv")
    assert owned.objects == {"category": {"tv": "tv"}}


def test_an_object_without_id_or_name_key_is_never_deleted_but_a_category_is() -> None:
    """The preferences have no id and are not keyed by name: no delete rule reaches them."""
    state = preferences()
    rule = DeleteRule(owned=True, unmanaged=True)
    everything = engine.KindState(
        kind=PREFERENCES, wants=Wants(delete=rule), found=state.found, reads=state.reads
    )
    owned = Ownership(objects={"qbittorrent_preferences": {"preferences": "preferences"}})
    assert plan(everything, owned).changes == []
    live = {"old": {"name": "old", "savePath": ""}}
    assert actions(plan(categories(live, rule))) == {'qbittorrent.main.category["old"]': Action.DELETE}
