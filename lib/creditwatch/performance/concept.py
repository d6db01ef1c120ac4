"""The concept-drift signal: outcomes worse than the label-free estimate said they would be.

Under covariate shift inside the reference's coverage the calibrated probabilities stay right,
so the realized figures fall inside the estimate's band. When the link between inputs and
default changes (concept drift), they leave it. Precisely, on a window:

1. Only mature windows are tested (labelled share >= ``maturity_share``, at least
   ``min_labelled`` labelled rows); others get status ``immature`` or ``insufficient`` and
   never fire.
2. The estimate is recomputed on the *labelled rows only* (same calibrated probabilities,
   same coverage widening), so that realized and expected figures describe the same rows.
3. Two one-sided tests, in the bad direction only: the realized AUC below the band's lower
   value (``p_auc = Φ((auc − low)/sd)``) and the realized default rate above the band's upper
   value (``p_rate``). ``sd`` is the sampling SD at this size; ``low``/``high`` include the
   coverage widening, so rows outside the reference do not fire the signal by themselves.
4. Bonferroni over the two: the signal fires when ``min(p_auc, p_rate) < concept_alpha / 2``.
   With calibrated probabilities the chance that a clean mature window fires is at most
   ``concept_alpha`` (1 % by default).

A fired signal means "the model's probabilities no longer describe who defaults": retraining
on recent outcomes is the remedy, not a threshold change.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

from creditwatch.performance.estimate import EstimatedPerformance
from creditwatch.performance.realized import RealizedPerformance
from creditwatch.performance.settings import PerformanceSettings

Status = Literal["ok", "concept_drift", "immature", "insufficient"]


@dataclass(frozen=True, slots=True)
class ConceptSignal:
    status: Status
    auc_p_value: float
    default_rate_p_value: float
    alpha: float

    @property
    def fired(self) -> bool:
        return self.status == "concept_drift"

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "fired": self.fired}


def concept_signal(realized: RealizedPerformance, paired: EstimatedPerformance,
                   settings: PerformanceSettings) -> ConceptSignal:
    """Compare a window's realized figures with the estimate on the same labelled rows."""
    nan = float("nan")
    alpha = settings.concept_alpha
    if not realized.mature:
        return ConceptSignal("immature", nan, nan, alpha)
    if realized.n_labelled < settings.min_labelled or realized.auc != realized.auc:
        return ConceptSignal("insufficient", nan, nan, alpha)
    p_auc = paired.auc.below(realized.auc)
    p_rate = paired.default_rate.above(realized.default_rate)
    fired = min(p_auc, p_rate) < alpha / 2  # NaN compares False: no evidence, no signal
    return ConceptSignal("concept_drift" if fired else "ok", p_auc, p_rate, alpha)
