"""What the guides and templates offer, as plain text for `syncd list` (pure: no I/O).

Each function takes parsed guide data and returns the text to print: one row per item with its
trash_id first (copy it into `custom_formats`/`quality_profiles`), sorted by name so the output
is stable, and a closing count line.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from syncd.guides.model import GuideCatalog


def _table(rows: Sequence[Sequence[str]], header: Sequence[str]) -> list[str]:
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True)).rstrip()

    return [line(header), *(line(row) for row in rows)]


def _text(lines: Iterable[str], count: int, what: str) -> str:
    return "\n".join([*lines, "", f"{count} {what}."]) + "\n"


def custom_formats(catalog: GuideCatalog) -> str:
    rows = sorted(
        ((cf.trash_id, cf.name) for cf in catalog.custom_formats.values()), key=lambda r: r[1].lower()
    )
    return _text(_table(rows, ("TRASH_ID", "NAME")), len(rows), f"{catalog.service} custom formats")


def quality_profiles(catalog: GuideCatalog) -> str:
    rows = sorted(
        ((p.trash_id, p.name, p.score_set or "default") for p in catalog.quality_profiles.values()),
        key=lambda r: r[1].lower(),
    )
    header = ("TRASH_ID", "NAME", "SCORE_SET")
    return _text(_table(rows, header), len(rows), f"{catalog.service} quality profiles")


def cf_groups(catalog: GuideCatalog) -> str:
    rows = sorted(
        (
            (
                group.trash_id,
                group.name,
                str(len(group.custom_formats)),
                "yes" if group.default else "no",
            )
            for group in catalog.cf_groups.values()
        ),
        key=lambda r: r[1].lower(),
    )
    header = ("TRASH_ID", "NAME", "CUSTOM_FORMATS", "DEFAULT")
    return _text(_table(rows, header), len(rows), f"{catalog.service} custom format groups")


def score_sets(catalog: GuideCatalog) -> str:
    """Every score set named in the custom formats' `trash_scores`, with how many CFs it scores
    and which guide profiles use it."""
    scored = Counter(name for cf in catalog.custom_formats.values() for name in cf.trash_scores)
    profiles: dict[str, list[str]] = {}
    for profile in catalog.quality_profiles.values():
        profiles.setdefault(profile.score_set or "default", []).append(profile.name)
    rows = [
        (name, str(scored[name]), str(len(profiles.get(name, []))))
        for name in sorted(scored, key=lambda n: (n != "default", n))
    ]
    header = ("SCORE_SET", "CUSTOM_FORMATS", "PROFILES")
    return _text(_table(rows, header), len(rows), f"{catalog.service} score sets")


def _flatten(sections: Mapping[str, Any], prefix: str = "") -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    for key, value in sections.items():
        path = f"{prefix}{key}"
        if isinstance(value, Mapping):
            rows.extend(_flatten(value, f"{path}."))
        else:
            rows.append((path, str(value)))
    return rows


def naming(catalog: GuideCatalog) -> str:
    """Each naming key as `section[.type].key`, the way `media_naming` names it, with its format."""
    rows = _flatten(catalog.naming.sections)
    return _text(_table(rows, ("KEY", "FORMAT")), len(rows), f"{catalog.service} naming formats")


def presets(described: Sequence[tuple[str, str]]) -> str:
    """`(name, one-line description)` of each shipped preset."""
    rows = sorted(described)
    return _text(_table(rows, ("PRESET", "DESCRIPTION")), len(rows), "presets")


def templates(ids: Iterable[tuple[str, str]], *, includes: bool = False) -> str:
    """`(service, id)` of each Recyclarr config template, or of each include template."""
    rows = sorted(set(ids))
    what = "include templates" if includes else "templates"
    return _text(_table(rows, ("SERVICE", "INCLUDE" if includes else "TEMPLATE")), len(rows), what)
