"""Champion against challenger, window by window, on the traffic the challenger shadowed.

For each window and challenger version: decision agreement, the decision flips both ways,
Pearson and Spearman correlation of the scores, both approval rates overall and by group of
every protected attribute (``fairness.attributes``, age in ``fairness.age_bands``), the
label-free performance estimate of both models (``performance.estimate``, each with its own
bundle's calibrator, threshold and costs) and, once outcomes exist, the realized
performance of both on the labelled pairs (``performance.realized``: AUC, default rate,
cost at each model's own threshold).

    with Analytics(store, settings=settings) as analytics:
        results = compare(analytics, Chunker.consecutive(timedelta(days=1), since), settings)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd

from creditwatch.analytics.fairness import configured_attributes
from creditwatch.analytics.layer import Analytics
from creditwatch.config import Settings
from creditwatch.performance.estimate import estimate
from creditwatch.performance.realized import _plain, realized  # JSON-ready, as its reports
from creditwatch.performance.settings import PerformanceSettings
from creditwatch.shadow.models import Models
from creditwatch.shadow.pairs import Pairs, read_pairs
from creditwatch.shadow.statistics import Agreement, agreement, approval_by_group
from creditwatch.windows import Window

ROLES = ("champion", "challenger")


@dataclass(frozen=True)
class WindowComparison:
    start: datetime
    end: datetime
    champion: str  # the version that answered most of the window's shadowed predictions
    challenger: str
    agreement: Agreement
    groups: list[dict[str, Any]]  # approval change per protected group
    estimated: dict[str, dict[str, float] | None]  # by role; None: no calibrated bundle
    realized: dict[str, dict[str, float]] | None  # by role; None: no outcome yet
    n_labelled: int

    def to_dict(self) -> dict[str, Any]:
        return _plain({"window_start": self.start.isoformat(), "window_end": self.end.isoformat(),
                       "champion": self.champion, "challenger": self.challenger,
                       **self.agreement.to_dict(), "n_labelled": self.n_labelled,
                       "estimated": self.estimated, "realized": self.realized,
                       "groups": self.groups})


def compare(analytics: Analytics, windows: Sequence[Window], settings: Settings, *,
            challenger: str | None = None, models: Models | None = None
            ) -> list[WindowComparison]:
    """One comparison per window (bounded, oldest first) and challenger version with
    shadowed predictions in it (``challenger``: that version only)."""
    if not windows:
        return []
    models = models or Models(settings)
    start = min(w.bounds[0] for w in windows)
    end = max(w.bounds[1] for w in windows)
    pairs = read_pairs(analytics, start, end, challenger)
    attributes = configured_attributes(settings)
    out = []
    for window in windows:
        for version in sorted(set(pairs.challenger_version.tolist())):
            rows = pairs.slice(window, version)
            if len(rows):
                out.append(_window(pairs, rows, window, version, attributes, models, settings))
    return out


def _window(pairs: Pairs, rows: np.ndarray, window: Window, challenger: str,
            attributes: Sequence[Any], models: Models, settings: Settings) -> WindowComparison:
    champion = Counter(pairs.champion_version[rows].tolist()).most_common(1)[0][0]
    p = {"champion": pairs.p_champion[rows], "challenger": pairs.p_challenger[rows]}
    t = {"champion": pairs.t_champion[rows], "challenger": pairs.t_challenger[rows]}
    refused = {role: p[role] >= t[role] for role in ROLES}
    groups = [g for a in attributes for g in approval_by_group(
        a, pairs.fields[a.field].to_numpy()[rows], refused["champion"], refused["challenger"])]
    versions = {"champion": champion, "challenger": challenger}
    estimated = {role: _estimated(models, versions[role], p[role]) for role in ROLES}
    outcomes = pairs.defaulted[rows]
    labelled = int(np.sum(~np.isnan(outcomes)))
    perf = PerformanceSettings.of(settings.performance)
    real = None if not labelled else {
        role: _realized(models, versions[role], p[role], float(t[role][0]), outcomes, perf)
        for role in ROLES}
    start, end = window.bounds
    return WindowComparison(start, end, champion, challenger,
                            agreement(p["champion"], t["champion"], p["challenger"],
                                      t["challenger"]), groups, estimated, real, labelled)


def _estimated(models: Models, version: str, scores: np.ndarray) -> dict[str, float] | None:
    reference = models.reference(version)
    if reference is None:
        return None
    est = estimate(reference, scores, with_prediction_drift=False)
    low, high = est.auc.interval(est.level)
    return {"auc": est.auc.value, "auc_low": low, "auc_high": high,
            "default_rate": est.default_rate.value,
            "cost_per_application": est.cost_per_application}


def _realized(models: Models, version: str, scores: np.ndarray, threshold: float,
              outcomes: np.ndarray, perf: PerformanceSettings) -> dict[str, float]:
    cost_fn, cost_fp = models.costs(version)
    r = realized(scores, outcomes, threshold=threshold, cost_fn=cost_fn, cost_fp=cost_fp,
                 settings=perf)
    return {"auc": r.auc, "default_rate": r.default_rate,
            "cost_per_application": r.decisions.cost_per_application,
            "labelled_share": r.labelled_share, "mature": float(r.mature)}


def summary_frame(results: Sequence[WindowComparison]) -> pd.DataFrame:
    """One row per window and challenger: the headline figures (for tables and charts)."""
    rows = []
    for r in results:
        est, real = r.estimated, r.realized or {}
        rows.append({
            "window_start": r.start, "window_end": r.end, "champion": r.champion,
            "challenger": r.challenger, **r.agreement.to_dict(), "n_labelled": r.n_labelled,
            **{f"auc_estimated_{role}": (est[role] or {}).get("auc") for role in ROLES},
            **{f"auc_realized_{role}": (real.get(role) or {}).get("auc") for role in ROLES}})
    return pd.DataFrame(rows)


def groups_frame(results: Sequence[WindowComparison]) -> pd.DataFrame:
    """One row per window, challenger and protected group: both approval rates."""
    return pd.DataFrame([{"window_start": r.start, "challenger": r.challenger, **g}
                         for r in results for g in r.groups])
