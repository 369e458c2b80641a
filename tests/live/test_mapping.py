"""Pure API <-> domain mapping.

We test these aspects: custom format specification fields (list <-> dict) and metadata
dropped on read; whole-object writes keep unknown fields of the fetched object; profile
items reversed to top = best (groups too) and back; cutoff id <-> name; group ids kept by
name, new ones from 1000; formatItems cover every custom format; Radarr language;
quality definitions with unlimited sizes; singleton merges.
"""

from __future__ import annotations

from typing import Any

import pytest

from syncd.domain.resources import CustomFormat, ProfileItem, QualityProfile, QualitySize, Specification
from syncd.kinds import servarr_json as mapping

from . import payloads

FORMATS = {11: "x265 (HD)", 12: "Repack/Proper", 13: "BR-DISK"}


def live_profile(raw: dict[str, Any], service: str = "sonarr") -> Any:
    return mapping.profile_from_api(raw, cf_names_by_id=FORMATS, service=service)  # type: ignore[arg-type]


def as_profile(live: Any, **changes: Any) -> QualityProfile:
    fields = {
        name: getattr(live, name)
        for name in (
            "name",
            "upgrade_allowed",
            "cutoff",
            "items",
            "min_format_score",
            "cutoff_format_score",
            "min_upgrade_format_score",
            "language",
            "scores",
        )
    }
    return QualityProfile(**{**fields, **changes})


def names_in_api_order(items: list[dict[str, Any]]) -> list[Any]:
    return [
        item["quality"]["name"] if item.get("quality") else (item["name"], names_in_api_order(item["items"]))
        for item in items
    ]


# --- custom formats ---------------------------------------------------------------------------


def test_custom_format_fields_become_a_dict_and_server_metadata_is_dropped() -> None:
    cf = mapping.custom_format_from_api(payloads.custom_format(11, "x265 (HD)"))
    assert cf == CustomFormat(
        name="x265 (HD)",
        include_when_renaming=False,
        specifications=(
            Specification(
                name="x265 (HD)",
                implementation="ReleaseTitleSpecification",
                required=True,
                fields={"value": r"[xh][ ._-]?265|\bHEVC(\b|\d)"},
            ),
            Specification(
                name="Not 2160p",
                implementation="ResolutionSpecification",
                negate=True,
                required=True,
                fields={"value": 2160},
            ),
        ),
    )


def test_custom_format_update_keeps_unknown_fields_and_sends_fields_as_a_list() -> None:
    raw = {**payloads.custom_format(11, "x265 (HD)"), "futureField": {"keep": True}}
    cf = mapping.custom_format_from_api(raw)
    changed = cf.model_copy(update={"name": "x265", "include_when_renaming": True})
    body = mapping.custom_format_to_api(changed, base=raw)
    assert body["id"] == 11
    assert body["futureField"] == {"keep": True}
    assert body["name"] == "x265"
    assert body["includeCustomFormatWhenRenaming"] is True
    assert [spec["name"] for spec in body["specifications"]] == ["x265 (HD)", "Not 2160p"]
    assert body["specifications"][1]["fields"] == [{"name": "value", "value": 2160}]
    assert mapping.custom_format_from_api(body) == changed
    assert raw["name"] == "x265 (HD)", "the fetched object must not be mutated"


def test_custom_format_create_has_no_id() -> None:
    cf = CustomFormat(
        name="Size",
        specifications=(
            Specification(name="Size", implementation="SizeSpecification", fields={"min": 1, "max": 9}),
        ),
    )
    body = mapping.custom_format_to_api(cf)
    assert "id" not in body
    assert body["specifications"][0]["fields"] == [{"name": "min", "value": 1}, {"name": "max", "value": 9}]


# --- quality profiles: reading ----------------------------------------------------------------


def test_profile_items_read_best_first_with_group_children_reversed() -> None:
    live = live_profile(payloads.default_profile("sonarr", "HD-1080p", formats=FORMATS))
    assert live.items[0] == ProfileItem(name="Bluray-2160p Remux", allowed=False)
    assert live.items[-1] == ProfileItem(name="Unknown", allowed=False)
    web_1080p = next(item for item in live.items if item.name == "WEB 1080p")
    assert web_1080p == ProfileItem(name="WEB 1080p", allowed=True, qualities=("WEBDL-1080p", "WEBRip-1080p"))
    allowed = [item.name for item in live.items if item.allowed]
    assert allowed == ["Bluray-1080p", "WEB 1080p", "HDTV-1080p"]


def test_profile_cutoff_id_becomes_the_item_name_for_qualities_and_groups() -> None:
    raw = payloads.default_profile("sonarr", "HD-1080p")
    assert live_profile(raw).cutoff == "HDTV-1080p"
    web_group = next(item for item in raw["items"] if item.get("name") == "WEB 1080p")
    assert live_profile({**raw, "cutoff": web_group["id"]}).cutoff == "WEB 1080p"


def test_profile_scores_are_keyed_by_custom_format_name() -> None:
    raw = payloads.default_profile("sonarr", "HD-1080p", formats=FORMATS)
    raw["formatItems"][1]["score"] = 5
    assert live_profile(raw).scores == {"x265 (HD)": 0, "Repack/Proper": 5, "BR-DISK": 0}


def test_radarr_profile_language_is_read_by_name_and_sonarr_has_none() -> None:
    assert live_profile(payloads.default_profile("radarr", "HD-1080p"), "radarr").language == "English"
    assert live_profile(payloads.default_profile("sonarr", "HD-1080p")).language is None


# --- quality profiles: writing ----------------------------------------------------------------


def to_api(profile: QualityProfile, raw: dict[str, Any], **kw: Any) -> dict[str, Any]:
    return mapping.profile_to_api(
        profile,
        base=raw,
        quality_ids=mapping.quality_objects(raw),
        cf_ids_by_name={name: cf_id for cf_id, name in FORMATS.items()},
        **kw,
    )


@pytest.mark.parametrize(("service", "name"), [("sonarr", "HD-1080p"), ("sonarr", "Any"), ("radarr", "SD")])
def test_unchanged_profile_round_trips_to_the_same_api_object(service: str, name: str) -> None:
    raw = {**payloads.default_profile(service, name, profile_id=7, formats=FORMATS), "futureField": [1]}
    live = live_profile(raw, service)
    body = to_api(as_profile(live), raw, language_ids={"English": 1})
    assert names_in_api_order(body["items"]) == names_in_api_order(raw["items"])
    assert {k: v for k, v in body.items() if k != "items"} == {k: v for k, v in raw.items() if k != "items"}
    assert live_profile(body, service).model_dump(exclude={"raw"}) == live.model_dump(exclude={"raw"})


def test_profile_write_puts_items_back_worst_first() -> None:
    raw = payloads.default_profile("sonarr", "HD-1080p", formats=FORMATS)
    live = live_profile(raw)
    reordered = (
        ProfileItem(name="WEB 1080p", qualities=("WEBRip-1080p", "WEBDL-1080p")),
        *(item for item in live.items if item.name != "WEB 1080p"),
    )
    body = to_api(as_profile(live, items=reordered, cutoff="WEB 1080p"), raw)
    assert body["items"][-1]["name"] == "WEB 1080p"
    assert [child["quality"]["name"] for child in body["items"][-1]["items"]] == [
        "WEBDL-1080p",
        "WEBRip-1080p",
    ]
    assert body["cutoff"] == body["items"][-1]["id"]
    assert all(child["allowed"] for child in body["items"][-1]["items"])


def test_groups_keep_their_ids_by_name_and_new_groups_take_the_next_free_id() -> None:
    raw = payloads.default_profile("sonarr", "HD-1080p", formats=FORMATS)
    existing = mapping.group_ids(raw)
    assert existing == {"WEB 480p": 1000, "WEB 720p": 1001, "WEB 1080p": 1002, "WEB 2160p": 1003}
    live = live_profile(raw)
    merged = ProfileItem(name="HD", qualities=("Bluray-1080p", "HDTV-1080p"))
    items = (merged, *(i for i in live.items if i.name not in {"Bluray-1080p", "HDTV-1080p"}))
    body = to_api(as_profile(live, items=items, cutoff="HD"), raw)
    ids = {item["name"]: item["id"] for item in body["items"] if not item.get("quality")}
    assert ids == {**existing, "HD": 1004}
    assert body["cutoff"] == 1004


def test_new_group_ids_start_at_1000_without_existing_groups() -> None:
    raw = payloads.default_profile("sonarr", "HD-1080p", formats=FORMATS)
    live = live_profile(raw)
    body = to_api(as_profile(live), raw, existing_group_ids={})
    assert sorted(item["id"] for item in body["items"] if not item.get("quality")) == [1000, 1001, 1002, 1003]


def test_format_items_cover_every_custom_format_with_unscored_ones_at_zero() -> None:
    raw = payloads.default_profile("sonarr", "HD-1080p", formats={11: "x265 (HD)"})
    live = live_profile(raw)
    body = to_api(as_profile(live, scores={"BR-DISK": -10000}), raw)
    assert body["formatItems"] == [
        {"format": 11, "name": "x265 (HD)", "score": 0},
        {"format": 12, "name": "Repack/Proper", "score": 0},
        {"format": 13, "name": "BR-DISK", "score": -10000},
    ]


def test_radarr_language_is_written_as_id_and_name() -> None:
    raw = payloads.default_profile("radarr", "HD-1080p", formats=FORMATS)
    live = live_profile(raw, "radarr")
    body = to_api(as_profile(live, language="Original"), raw, language_ids={"English": 1, "Original": -2})
    assert body["language"] == {"id": -2, "name": "Original"}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"cutoff": "Nope"}, "cutoff 'Nope'"),
        ({"items": (ProfileItem(name="Bluray-9999p"),), "cutoff": "Bluray-9999p"}, "unknown quality"),
        ({"scores": {"Gone": 5}}, "unknown custom formats: Gone"),
        ({"language": "Klingon"}, "unknown language"),
    ],
)
def test_names_the_server_does_not_know_are_refused(changes: dict[str, Any], message: str) -> None:
    raw = payloads.default_profile("radarr", "HD-1080p", formats=FORMATS)
    with pytest.raises(ValueError, match=message):
        to_api(as_profile(live_profile(raw, "radarr"), **changes), raw, language_ids={"English": 1})


# --- quality definitions and singletons -------------------------------------------------------


def test_quality_definition_reads_size_and_title_with_null_as_unlimited() -> None:
    remux = next(
        d for d in payloads.quality_definitions("sonarr") if d["quality"]["name"] == "Bluray-2160p Remux"
    )
    size, title = mapping.quality_definition_from_api({**remux, "title": "Remux 4K"})
    assert size == QualitySize(quality="Bluray-2160p Remux", min=35, preferred=95, max=None)
    assert title == "Remux 4K"


def test_quality_definitions_write_whole_items_and_send_the_limit_as_unlimited() -> None:
    base = {**payloads.quality_definitions("sonarr")[3], "futureField": "x"}
    size = QualitySize(quality=base["quality"]["name"], min=5.5, preferred=1000, max=None)
    [body] = mapping.quality_definitions_to_api([(base, size, "Renamed")], size_limit=1000)
    assert body == {**base, "title": "Renamed", "minSize": 5.5, "preferredSize": None, "maxSize": None}
    [kept] = mapping.quality_definitions_to_api([(base, size.model_copy(update={"max": 999.5}), "t")])
    assert (kept["preferredSize"], kept["maxSize"]) == (1000, 999.5)


def test_singleton_merge_keeps_every_field_it_does_not_set() -> None:
    base = payloads.naming("sonarr")
    body = mapping.merge_singleton(base, {"renameEpisodes": True, "colonReplacementFormat": 4})
    assert body == {**base, "renameEpisodes": True, "colonReplacementFormat": 4}
    assert base == payloads.naming("sonarr"), "the fetched object must not be mutated"


def test_values_a_newer_server_adds_never_break_a_read() -> None:
    raw = {
        "id": 9,
        "name": "From The Future",
        "includeCustomFormatWhenRenaming": False,
        "futureFlag": {"nested": True},
        "specifications": [
            {
                "name": "hologram",
                "implementation": "HologramSpecification",
                "implementationName": "Hologram",
                "negate": False,
                "required": True,
                "fields": [{"order": 0, "name": "value", "value": 42, "type": "select"}],
            }
        ],
    }
    cf = mapping.custom_format_from_api(raw)
    assert cf.specifications[0].implementation == "HologramSpecification"
    assert cf.specifications[0].fields == {"value": 42}
    body = mapping.custom_format_to_api(cf, base=raw)
    assert body["futureFlag"] == {"nested": True}
    naming = {"id": 1, "colonReplacementFormat": 99, "renameEpisodes": True}
    assert mapping.merge_singleton(naming, {"renameEpisodes": False}) == {
        "id": 1,
        "colonReplacementFormat": 99,
        "renameEpisodes": False,
    }
