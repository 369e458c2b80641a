"""Ordering: kinds sorted over depends_on, instances grouped in waves by service and reference."""

from __future__ import annotations

import pytest

from syncd.plan import ordering


def test_kinds_come_after_what_they_depend_on_and_keep_registry_order_otherwise() -> None:
    order = ordering.topological(
        ["quality_profile", "custom_format", "tag", "download_client"],
        {"quality_profile": ["custom_format"], "download_client": ["tag"]},
    )
    assert order == ("custom_format", "quality_profile", "tag", "download_client")


def test_a_cycle_is_an_error_naming_its_members() -> None:
    with pytest.raises(ordering.OrderingError, match="a, b"):
        ordering.topological(["a", "b"], {"a": ["b"], "b": ["a"]})


def test_waves_follow_the_wiring_order_of_services() -> None:
    waves = ordering.waves(
        [
            ("prowlarr.main", "prowlarr"),
            ("sonarr.main", "sonarr"),
            ("radarr.main", "radarr"),
            ("plex.main", "plex"),
            ("qbittorrent.main", "qbittorrent"),
        ]
    )
    assert waves == (
        ("qbittorrent.main",),
        ("plex.main",),
        ("sonarr.main", "radarr.main"),
        ("prowlarr.main",),
    )


def test_references_between_instances_of_one_service_add_waves() -> None:
    waves = ordering.waves([("sonarr.a", "sonarr"), ("sonarr.b", "sonarr")], {"sonarr.a": ["sonarr.b"]})
    assert waves == (("sonarr.b",), ("sonarr.a",))
    assert ordering.blocked_by("sonarr.a", ["sonarr.b"], {"sonarr.a": ["sonarr.b"]}) == "sonarr.b"
    assert ordering.blocked_by("sonarr.b", ["sonarr.a"], {"sonarr.a": ["sonarr.b"]}) is None
