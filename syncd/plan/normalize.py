"""Pure: the comparable "essence" of server objects (kopf's diffbase idea).

A live custom format carries server defaults the config never mentions (an
`exceptLanguage: false` the guide left out) and lists specifications in whatever order
it stored them. Projecting the live value onto the fields the desired value speaks about,
with specifications in a canonical order, makes "no change" a plain equality and keeps
plan diffs free of noise.
"""

from __future__ import annotations

from syncd.domain.resources import CustomFormat, ProfileItem, Specification


def canonical_custom_format(cf: CustomFormat) -> CustomFormat:
    """Specifications sorted by name (their order has no meaning to the server)."""
    specs = tuple(sorted(cf.specifications, key=lambda s: (s.name.lower(), s.implementation)))
    return cf.model_copy(update={"specifications": specs})


def live_custom_format_essence(live: CustomFormat, desired: CustomFormat) -> CustomFormat:
    """The live CF reduced to the spec fields the desired CF sets, in canonical order."""
    wanted_fields = {spec.name: set(spec.fields) for spec in desired.specifications}
    specs: list[Specification] = []
    for spec in live.specifications:
        keys = wanted_fields.get(spec.name)
        if keys is None:
            specs.append(spec)
            continue
        specs.append(spec.model_copy(update={"fields": {k: v for k, v in spec.fields.items() if k in keys}}))
    return canonical_custom_format(live.model_copy(update={"specifications": tuple(specs)}))


def sizes_equal(left: float | None, right: float | None) -> bool:
    """Sizes compare to one decimal, as both tools round them; None (unlimited) only equals None."""
    if left is None or right is None:
        return left is right
    return round(left, 1) == round(right, 1)


def canonical_items(items: tuple[ProfileItem, ...]) -> tuple[ProfileItem, ...]:
    """Profile rows with each group's qualities sorted: inside a group all qualities rank the
    same, and the guide and the API list them in different orders."""
    return tuple(
        item.model_copy(update={"qualities": tuple(sorted(item.qualities))}) if item.is_group else item
        for item in items
    )
