"""Resolve an instance's config against the guide into its `DesiredInstance` (pure).

The entry point of `syncd.desired`: no file, network, clock or environment access. Every
problem found becomes a `Diagnostic` in `DesiredInstance.diagnostics`; nothing is raised.
`validate` resolves every instance of a config for `syncd validate`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from pydantic import ValidationError

from syncd.config.model import Config, InstanceConfig
from syncd.desired.custom_formats import collect_requests, desired_custom_formats
from syncd.desired.diagnostics import Diagnostics
from syncd.desired.naming import resolve_media_management, resolve_naming
from syncd.desired.profiles import build_profiles
from syncd.desired.renames import apply_renames
from syncd.desired.scores import profile_scores
from syncd.desired.sizes import resolve_sizes
from syncd.desired.slots import plan_slots
from syncd.domain.resources import QualitySize
from syncd.domain.state import DesiredInstance
from syncd.errors import Diagnostic
from syncd.guides.model import GuideBrokenFile, GuideCatalog, GuideCustomFormat, GuideSet

# A diagnostic saying the instance asked for something the guide does not have.
_UNKNOWN_REFERENCE = re.compile(r"unknown .*(trash_id|custom format|key|type)")


def inline_custom_formats(instance: InstanceConfig, diags: Diagnostics) -> dict[str, GuideCustomFormat]:
    """The CFs written in the config (Configarr `customFormatDefinitions`), by trash_id, later
    ones winning; one that is not TRaSH-shaped is an error at its line."""
    found: dict[str, GuideCustomFormat] = {}
    for entry in instance.custom_format_definitions:
        try:
            custom_format = GuideCustomFormat.model_validate({**entry.value, "source": str(entry.origin)})
        except (ValidationError, TypeError) as exc:
            problem = exc.errors()[0]["msg"] if isinstance(exc, ValidationError) else "not a mapping"
            diags.error(entry.origin, f"customFormatDefinitions: not a TRaSH custom format: {problem}")
            continue
        found[custom_format.trash_id] = custom_format
    return found


def resolve_instance(
    instance: InstanceConfig,
    catalog: GuideCatalog,
    *,
    local_custom_formats: Mapping[str, GuideCustomFormat] | None = None,
) -> DesiredInstance:
    """What `instance` wants on its server. Local CFs replace guide CFs with the same trash_id."""
    diags = Diagnostics(instance.address)
    instance = apply_renames(instance, catalog, diags)
    local_custom_formats = {**(local_custom_formats or {}), **inline_custom_formats(instance, diags)}
    available = {**catalog.custom_formats, **local_custom_formats}
    slots = plan_slots(instance, catalog, diags)
    requests = collect_requests(instance, catalog, slots, diags)
    custom_formats = desired_custom_formats(requests, available, diags)
    score_sets = {slot.name.lower(): slot.score_set for slot in slots}
    scores = profile_scores(requests, available, score_sets, diags)
    local_sets = {key for cf in (local_custom_formats or {}).values() for key in cf.trash_scores}
    profiles = build_profiles(instance.service, slots, scores, catalog, diags, known_score_sets=local_sets)
    sizes: tuple[QualitySize, ...] | None = None
    titles: dict[str, str] = {}
    if instance.quality_definition is not None:
        sizes, titles = resolve_sizes(instance.service, instance.quality_definition, catalog, diags)
    naming = (
        resolve_naming(instance.service, instance.media_naming, catalog.naming, diags)
        if instance.media_naming is not None
        else None
    )
    management = (
        resolve_media_management(instance.media_management) if instance.media_management is not None else None
    )
    diags.items.extend(broken_files_used(instance.address, catalog.broken, diags.items))
    return DesiredInstance(
        service=instance.service,
        name=instance.name,
        custom_formats=custom_formats,
        quality_profiles=profiles,
        quality_sizes=sizes,
        quality_titles=titles,
        naming=naming,
        media_management=management,
        delete=instance.delete,
        diagnostics=tuple(diags.items),
    )


def broken_files_used(
    address: str, broken: Sequence[GuideBrokenFile], found: Sequence[Diagnostic]
) -> list[Diagnostic]:
    """An error for each broken guide file this instance needs: one whose trash_id a diagnostic
    names, or, for a file that no longer says its trash_id, any reference the guide lacked.
    Broken files no instance needs stay warnings (the guides' own)."""
    texts = [d.message.lower() for d in found]
    errors = []
    for bad in broken:
        if bad.trash_id is not None:
            used = any(bad.trash_id.lower() in text for text in texts)
        else:
            used = any(_UNKNOWN_REFERENCE.search(text) for text in texts)
        if used:
            errors.append(
                Diagnostic(
                    location=f"guides:{bad.path}",
                    message=f"{address}: needs this guide file, which is broken ({bad.error})",
                    severity="error",
                )
            )
    return errors


def validate(
    config: Config,
    catalogs: GuideSet,
    *,
    local_custom_formats: Mapping[str, Mapping[str, GuideCustomFormat]] | None = None,
) -> list[Diagnostic]:
    """Every diagnostic of every instance. `local_custom_formats` is keyed by service."""
    found: list[Diagnostic] = []
    for instance in config.instances:
        local = (local_custom_formats or {}).get(instance.service)
        desired = resolve_instance(
            instance, catalogs.for_service(instance.service), local_custom_formats=local
        )
        found.extend(desired.diagnostics)
    return found
