from __future__ import annotations

from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

from syncd.config.model import QualityDefinitionConfig, QualitySizeOverride, Service
from syncd.desired.diagnostics import Diagnostics
from syncd.desired.qualities import SIZE_LIMITS
from syncd.desired.sizes import resolve_sizes
from syncd.domain.resources import QualitySize
from syncd.guides.model import GuideCatalog

from .conftest import at


def _resolve(
    catalog: GuideCatalog, config: QualityDefinitionConfig
) -> tuple[dict[str, QualitySize], dict[str, str], Diagnostics]:
    diags = Diagnostics("x")
    service: Service = "sonarr" if catalog.service == "sonarr" else "radarr"
    sizes, titles = resolve_sizes(service, config, catalog, diags)
    return {s.quality: s for s in sizes}, titles, diags


def _round(value: Decimal, mode: str) -> float:
    return float(value.quantize(Decimal("0.1"), rounding=mode))


def test_guide_sizes_at_the_limit_become_unlimited(sonarr: GuideCatalog) -> None:
    sizes, _, diags = _resolve(sonarr, QualityDefinitionConfig(type="series"))
    guide = sonarr.quality_definitions["series"].qualities
    assert list(sizes) == [q.quality for q in guide]
    limits = SIZE_LIMITS["sonarr"]
    for q in guide:
        assert sizes[q.quality].min == q.min
        assert sizes[q.quality].max == (None if q.max >= limits.max_limit else q.max)
        assert sizes[q.quality].preferred == (None if q.preferred >= limits.preferred_limit else q.preferred)
    assert diags.items == []


def test_linear_ratio_follows_recyclarr(radarr: GuideCatalog) -> None:
    ratio = 0.35
    sizes, _, _ = _resolve(radarr, QualityDefinitionConfig(type="movie", preferred_ratio=ratio))
    limits = SIZE_LIMITS["radarr"]
    for q in radarr.quality_definitions["movie"].qualities:
        low = Decimal(str(q.min))
        capped = min(Decimal(str(q.max)), Decimal(str(limits.preferred_limit)))
        expected = _round(low + (capped - low) * Decimal(str(ratio)), ROUND_HALF_EVEN)
        assert sizes[q.quality].preferred == expected


def test_piecewise_ratio_follows_configarr(sonarr: GuideCatalog) -> None:
    guide = sonarr.quality_definitions["series"].qualities
    for ratio in (0.2, 0.5, 0.8):
        config = QualityDefinitionConfig(type="series", preferred_ratio=ratio, ratio_mode="piecewise")
        sizes, _, _ = _resolve(sonarr, config)
        for q in guide:
            low, mid, high, r = (Decimal(str(v)) for v in (q.min, q.preferred, q.max, ratio))
            if r <= Decimal("0.5"):
                value = low + (mid - low) * (r / Decimal("0.5"))
            else:
                value = mid + (high - mid) * ((r - Decimal("0.5")) / Decimal("0.5"))
            expected = _round(value, ROUND_HALF_UP)
            assert sizes[q.quality].preferred == (
                None if expected >= SIZE_LIMITS["sonarr"].preferred_limit else expected
            )


def test_linear_ratio_out_of_range_is_clamped_with_a_warning(sonarr: GuideCatalog) -> None:
    sizes, _, diags = _resolve(
        sonarr, QualityDefinitionConfig(type="series", preferred_ratio=1.5, origin=at(40))
    )
    # ratio 1 reaches the preferred limit, which means unlimited
    assert all(s.preferred is None for s in sizes.values())
    assert [(d.location, d.severity) for d in diags.items] == [("config.yml:40", "warning")]


def test_explicit_overrides_win_and_unlimited_is_none(sonarr: GuideCatalog) -> None:
    overrides = (
        QualitySizeOverride(name="hdtv-720p", min=3, preferred=50, max=60.5, title="HDTV"),
        QualitySizeOverride(name="WEBDL-1080p", max="unlimited", preferred="unlimited"),
    )
    sizes, titles, diags = _resolve(
        sonarr, QualityDefinitionConfig(type="series", preferred_ratio=0.5, qualities=overrides)
    )
    assert sizes["HDTV-720p"] == QualitySize(quality="HDTV-720p", min=3, preferred=50, max=60.5)
    assert (sizes["WEBDL-1080p"].preferred, sizes["WEBDL-1080p"].max) == (None, None)
    assert titles == {"HDTV-720p": "HDTV"}
    assert diags.items == []


def test_override_only_quality_needs_a_min(sonarr: GuideCatalog) -> None:
    overrides = (QualitySizeOverride(name="SDTV", min=1, preferred=20, max=30),)
    sizes, _, _ = _resolve(sonarr, QualityDefinitionConfig(qualities=overrides))
    assert list(sizes.values()) == [QualitySize(quality="SDTV", min=1, preferred=20, max=30)]


def test_size_order_is_validated_at_the_override(sonarr: GuideCatalog) -> None:
    overrides = (
        QualitySizeOverride(name="HDTV-720p", min=70, preferred=50, origin=at(51)),
        QualitySizeOverride(name="WEBDL-720p", preferred=80, max=60, origin=at(52)),
        QualitySizeOverride(name="WEBRip-720p", preferred="unlimited", max=60, origin=at(53)),
    )
    _, _, diags = _resolve(sonarr, QualityDefinitionConfig(type="series", qualities=overrides))
    assert sorted((d.location, d.severity) for d in diags.items) == [
        ("config.yml:51", "error"),
        ("config.yml:52", "error"),
        ("config.yml:53", "error"),
    ]


def test_unknown_type_and_quality_are_errors(sonarr: GuideCatalog) -> None:
    config = QualityDefinitionConfig(
        type="movies", origin=at(1), qualities=(QualitySizeOverride(name="Remux-1080p", min=1, origin=at(2)),)
    )
    _, _, diags = _resolve(sonarr, config)
    assert [(d.location, d.severity) for d in diags.items] == [
        ("config.yml:1", "error"),
        ("config.yml:2", "error"),
    ]
    assert "series" in diags.items[0].message
