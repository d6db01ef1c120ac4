"""The thresholds of performance monitoring, with their defaults (the app wires them to
``creditwatch.config.Settings``; the library takes them as this one object)."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from creditwatch.config_groups import PerformanceConfig

# Upper edges of the PD bands of the calibration table (the last band ends at 1).
DEFAULT_PD_BANDS = (0.02, 0.05, 0.10, 0.20, 0.35)


@dataclass(frozen=True, slots=True)
class PerformanceSettings:
    """What counts as mature, how wide a band is, when concept drift is signalled.

    ``maturity_share``: a window is *mature* when at least this share of its predictions have
    an outcome; figures of immature windows are reported, marked, and never raise an alarm.
    ``band_level``: two-sided coverage of the estimate's band (0.95: ±1.96 SD).
    ``concept_alpha``: family-wise level of the concept-drift signal (two one-sided tests,
    Bonferroni, see ``concept``). ``min_labelled``: fewer labelled rows than this and no
    signal is computed. ``pd_bands``: upper edges of the calibration bands.
    ``calibration_alpha``: a PD band is flagged when its exact binomial p-value is below it.
    ``coverage_quantile``: a row is outside the reference's coverage when its novelty exceeds
    this quantile of the reference rows' novelty. ``coverage_fields``: how many of the most
    important numeric fields the novelty reads. ``extrapolation_logit``: how far (log-odds)
    the probability of a row outside the coverage may be off; the band spans the estimates
    with those rows' log-odds moved, spread or squeezed by up to this much.
    """

    maturity_share: float = 0.8
    band_level: float = 0.95
    concept_alpha: float = 0.01
    min_labelled: int = 200
    pd_bands: tuple[float, ...] = field(default=DEFAULT_PD_BANDS)
    calibration_alpha: float = 0.01
    coverage_quantile: float = 0.99
    coverage_fields: int = 12
    extrapolation_logit: float = 1.0

    @classmethod
    def of(cls, config: PerformanceConfig) -> PerformanceSettings:
        """The library's part of the ``performance`` settings group (same field names)."""
        given = config.model_dump()
        return cls(**{f.name: given[f.name] for f in fields(cls) if f.name in given})

    def __post_init__(self) -> None:
        for name in ("maturity_share", "band_level", "concept_alpha", "calibration_alpha",
                     "coverage_quantile"):
            value = getattr(self, name)
            if not 0.0 < value <= 1.0:
                raise ValueError(f"{name} must be in (0, 1]; got {value!r}")
        edges = self.pd_bands
        if any(not 0.0 < e < 1.0 for e in edges) or list(edges) != sorted(set(edges)):
            raise ValueError(f"pd_bands must be increasing edges inside (0, 1); got {edges!r}")
        if self.min_labelled < 2 or self.coverage_fields < 1 or self.extrapolation_logit < 0:
            raise ValueError("min_labelled >= 2, coverage_fields >= 1, extrapolation_logit >= 0")
