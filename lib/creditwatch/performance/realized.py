"""Realized performance of one window (application-time cohort), from its outcomes.

A window holds the predictions made in a period; an outcome (default or not) arrives months
later, so at any time only a share of the window is *labelled*. Every figure below is computed
on the labelled rows only; ``labelled_share`` says how many that is, and a window whose share
is below ``PerformanceSettings.maturity_share`` is marked immature: its figures are shown but
may still move as outcomes arrive (early outcomes are not a random sample: early defaults
come first), and they never raise an alarm.

Figures: default rate; AUC and Gini (ranking quality, ties count one half); KS (largest gap
between the score distributions of defaulters and non-defaulters); Brier score and log loss of
the raw model probabilities; the calibration table by PD band (``calibration``); confusion
matrix and cost at the bundle's threshold, and the hindsight-optimal threshold (``decisions``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from creditwatch.drift.result import _plain as plain_scalar  # the drift results' NaN -> None
from creditwatch.performance import ranking, scoring_rules
from creditwatch.performance.calibration import calibration_table
from creditwatch.performance.decisions import Decisions, realized_decisions
from creditwatch.performance.settings import PerformanceSettings


def labelled_rows(outcomes: NDArray[Any], labelled: NDArray[np.bool_] | None) -> NDArray[np.bool_]:
    """The labelled mask: given, or the rows whose outcome is not NaN; outcomes must be 0/1."""
    y = np.asarray(outcomes, dtype=np.float64)
    mask = ~np.isnan(y) if labelled is None else np.asarray(labelled, dtype=bool)
    if mask.shape != y.shape:
        raise ValueError("outcomes and the labelled mask must have one entry per prediction")
    if not np.isin(y[mask], (0.0, 1.0)).all():
        raise ValueError("outcomes must be 0 (repaid) or 1 (defaulted) on labelled rows")
    return mask


@dataclass(frozen=True)
class RealizedPerformance:
    """The realized figures of one window (labelled rows only)."""

    n_predictions: int
    n_labelled: int
    mature: bool
    default_rate: float
    auc: float
    gini: float
    ks: float
    brier: float
    log_loss: float
    decisions: Decisions
    calibration: pd.DataFrame

    @property
    def labelled_share(self) -> float:
        return self.n_labelled / self.n_predictions if self.n_predictions else 0.0

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON (NaN as None): the figures, the decisions and the calibration rows."""
        return _plain({
            "n_predictions": self.n_predictions, "n_labelled": self.n_labelled,
            "labelled_share": self.labelled_share, "mature": self.mature,
            "default_rate": self.default_rate, "auc": self.auc, "gini": self.gini, "ks": self.ks,
            "brier": self.brier, "log_loss": self.log_loss,
            "decisions": self.decisions.to_dict(),
            "calibration": self.calibration.to_dict(orient="records"),
        })


def realized(scores: NDArray[np.floating], outcomes: NDArray[Any], *, threshold: float,
             cost_fn: float, cost_fp: float, labelled: NDArray[np.bool_] | None = None,
             settings: PerformanceSettings | None = None) -> RealizedPerformance:
    """Realized performance of a window: ``scores`` are the raw model probabilities of all its
    predictions, ``outcomes`` 0/1 where known (NaN, or ``labelled`` False, where not)."""
    settings = settings or PerformanceSettings()
    p_all = np.asarray(scores, dtype=np.float64)
    mask = labelled_rows(outcomes, labelled)
    if mask.shape != p_all.shape:
        raise ValueError("scores and outcomes must have one entry per prediction")
    p = p_all[mask]
    y = np.asarray(outcomes, dtype=np.float64)[mask].astype(np.int64)
    ranked = ranking.Ranked.of(p)
    auc = ranking.auc(y, ranked)
    n = len(p_all)
    return RealizedPerformance(
        n_predictions=n, n_labelled=len(p),
        mature=n > 0 and len(p) >= settings.maturity_share * n,
        default_rate=float(y.mean()) if len(y) else float("nan"),
        auc=auc, gini=ranking.gini(auc), ks=ranking.ks_separation(y, ranked),
        brier=scoring_rules.brier(y, p), log_loss=scoring_rules.log_loss(y, p),
        decisions=realized_decisions(y, p, threshold, cost_fn, cost_fp),
        calibration=calibration_table(y, p, settings.pd_bands, level=settings.band_level,
                                      alpha=settings.calibration_alpha),
    )


def _plain(value: Any) -> Any:
    """JSON-ready copy: containers walked, numpy scalars unwrapped, NaN as None."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return plain_scalar(value)
