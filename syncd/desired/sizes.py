"""Desired quality sizes (quality definitions) from the guide, `preferred_ratio` and overrides.

Order: the guide's quality-size JSON for `type`, then `preferred_ratio`, then explicit
`qualities` overrides (`unlimited` = no limit), then the service caps. Two ratio formulas:

- linear (Recyclarr): `min + (min(max, preferred_limit) - min) * ratio`, 1 decimal, half to
  even (C# `Math.Round`); a ratio outside [0, 1] is clamped with a warning.
- piecewise (Configarr): ratio 0 -> min, 0.5 -> the guide's preferred, 1 -> max, linear in
  between, 1 decimal, half up; a ratio outside [0, 1] is ignored with a warning.

Caps (Recyclarr `UpdatedQualityItem`): a max at or above the service's max limit and a
preferred at or above its preferred limit become `None` (unlimited); see `SIZE_LIMITS`.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from typing import Literal

from syncd.config.model import Origin, QualityDefinitionConfig, QualitySizeOverride, Service
from syncd.desired.diagnostics import Diagnostics
from syncd.desired.qualities import SIZE_LIMITS, SizeLimits, quality_names
from syncd.domain.resources import QualitySize
from syncd.guides.model import GuideCatalog

_TENTH = Decimal("0.1")


def linear_preferred(min_: float, max_: float, ratio: float, limits: SizeLimits) -> float:
    capped = min(Decimal(str(max_)), Decimal(str(limits.preferred_limit)))
    low = Decimal(str(min_))
    value = low + (capped - low) * Decimal(str(ratio))
    return float(value.quantize(_TENTH, rounding=ROUND_HALF_EVEN))


def piecewise_preferred(min_: float, preferred: float, max_: float, ratio: float) -> float:
    low, mid, high, r = (Decimal(str(v)) for v in (min_, preferred, max_, ratio))
    half = Decimal("0.5")
    value = low + (mid - low) * (r / half) if r <= half else mid + (high - mid) * ((r - half) / half)
    return float(value.quantize(_TENTH, rounding=ROUND_HALF_UP))


def resolve_sizes(
    service: Service, config: QualityDefinitionConfig, catalog: GuideCatalog, diags: Diagnostics
) -> tuple[tuple[QualitySize, ...], dict[str, str]]:
    """The desired sizes (guide order, then override-only qualities) and title overrides."""
    limits = SIZE_LIMITS[service]
    sizes: dict[str, tuple[float, float | None, float | None]] = {}
    if config.type is not None:
        guide = next(
            (d for t, d in catalog.quality_definitions.items() if t.lower() == config.type.lower()), None
        )
        if guide is None:
            known = ", ".join(sorted(catalog.quality_definitions))
            diags.error(config.origin, f"unknown quality_definition type '{config.type}' (known: {known})")
        else:
            ratio = _ratio(config, diags)
            for q in guide.qualities:
                pref = q.preferred
                if ratio is not None:
                    pref = (
                        linear_preferred(q.min, min(q.max, limits.max_limit), ratio, limits)
                        if config.ratio_mode == "linear"
                        else piecewise_preferred(q.min, q.preferred, q.max, ratio)
                    )
                sizes[q.quality] = (q.min, pref, q.max)
    origins: dict[str, Origin] = {}
    titles: dict[str, str] = {}
    known_names = {name.lower(): name for name in quality_names(service)}
    for override in config.qualities:
        name = known_names.get(override.name.lower())
        if name is None:
            diags.error(override.origin, f"unknown {service} quality '{override.name}'")
            continue
        origins[name] = override.origin
        if override.title is not None:
            titles[name] = override.title
        merged = _apply_override(sizes.get(name), override, diags)
        if merged is not None:
            sizes[name] = merged
    result: list[QualitySize] = []
    for name, (low, preferred, high) in sizes.items():
        _check_order(name, low, preferred, high, origins.get(name, config.origin), diags)
        result.append(
            QualitySize(
                quality=name,
                min=low,
                preferred=_cap(preferred, limits.preferred_limit),
                max=_cap(high, limits.max_limit),
            )
        )
    return tuple(result), titles


def _ratio(config: QualityDefinitionConfig, diags: Diagnostics) -> float | None:
    ratio = config.preferred_ratio
    if ratio is None or 0 <= ratio <= 1:
        return ratio
    if config.ratio_mode == "piecewise":
        diags.warning(config.origin, f"preferred_ratio {ratio} is outside 0.0-1.0 and is ignored")
        return None
    clamped = min(max(ratio, 0.0), 1.0)
    diags.warning(config.origin, f"preferred_ratio {ratio} is outside 0.0-1.0; clamped to {clamped}")
    return clamped


def _apply_override(
    base: tuple[float, float | None, float | None] | None, override: QualitySizeOverride, diags: Diagnostics
) -> tuple[float, float | None, float | None] | None:
    if base is None:
        if override.min is None:
            if override.preferred is not None or override.max is not None:
                diags.error(override.origin, f"quality '{override.name}' is not in the guide; give its min")
            return None
        base = (override.min, None, None)
    low, preferred, high = base
    return (
        override.min if override.min is not None else low,
        _value(override.preferred, preferred),
        _value(override.max, high),
    )


def _value(given: float | Literal["unlimited"] | None, fallback: float | None) -> float | None:
    if given is None:
        return fallback
    return None if given == "unlimited" else given


def _check_order(
    name: str, low: float, preferred: float | None, high: float | None, origin: Origin, diags: Diagnostics
) -> None:
    if preferred is not None and low > preferred:
        diags.error(origin, f"quality '{name}': min ({low}) is greater than preferred ({preferred})")
    elif preferred is None and high is not None:
        diags.error(origin, f"quality '{name}': preferred (unlimited) is greater than max ({high})")
    elif preferred is not None and high is not None and preferred > high:
        diags.error(origin, f"quality '{name}': preferred ({preferred}) is greater than max ({high})")


def _cap(value: float | None, limit: float) -> float | None:
    return None if value is None or value >= limit else value
