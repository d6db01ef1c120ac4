"""One protected attribute over one window: every group figure and test, from arrays.

    evaluate(groups, probability, threshold, defaulted, attribute="CODE_GENDER",
             cost_fn=bundle.cost_fn, cost_fp=bundle.cost_fp) -> AttributeFairness

An application is refused when its probability is >= the threshold (as the scorer decides);
``defaulted`` is 0/1, NaN for an application whose outcome is not known yet. Realized cost
of a group = cost_fn × defaulters approved + cost_fp × good clients refused, over its
labelled applications (the bundle's costs). A window is *mature* when at least
``maturity_share`` of its applications have an outcome (the setting
``performance.maturity_share``, the one maturity setting of outcome-based figures).
"""

from __future__ import annotations

from dataclasses import fields
from datetime import datetime

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from creditwatch.fairness.calibration import calibration_test
from creditwatch.fairness.impact import adverse_impact
from creditwatch.fairness.independence import NO_TEST, TestResult, independence_test
from creditwatch.fairness.rates import GroupCounts, group_counts
from creditwatch.fairness.result import AttributeFairness

DEFAULT_MIN_GROUP_SIZE = 30


def evaluate(groups: NDArray[np.object_] | pd.Series, probability: NDArray[np.floating],
             threshold: NDArray[np.floating] | float, defaulted: NDArray[np.floating] | None,
             *, attribute: str, cost_fn: float, cost_fp: float, maturity_share: float,
             level: float = 0.95, min_group_size: int = DEFAULT_MIN_GROUP_SIZE,
             start: datetime | None = None, end: datetime | None = None) -> AttributeFairness:
    """The figures of one attribute's groups (labels as given, sorted) over one window."""
    labels, codes = np.unique(np.asarray(groups, dtype=object).astype(str), return_inverse=True)
    return evaluate_codes(codes, labels.astype(object), probability, threshold, defaulted,
                          attribute=attribute, cost_fn=cost_fn, cost_fp=cost_fp, level=level,
                          maturity_share=maturity_share, min_group_size=min_group_size,
                          start=start, end=end)


def evaluate_codes(codes: NDArray[np.integer], labels: NDArray[np.object_],
                   probability: NDArray[np.floating], threshold: NDArray[np.floating] | float,
                   defaulted: NDArray[np.floating] | None, *, attribute: str, cost_fn: float,
                   cost_fp: float, maturity_share: float, level: float = 0.95,
                   min_group_size: int = DEFAULT_MIN_GROUP_SIZE, start: datetime | None = None,
                   end: datetime | None = None) -> AttributeFairness:
    """As ``evaluate``, with the groups already coded (``labels[codes]``; many windows share
    one coding); groups without an application in the window are left out."""
    p = np.asarray(probability, np.float64)
    y = np.full(len(p), np.nan) if defaulted is None else np.asarray(defaulted, np.float64)
    counts = group_counts(np.asarray(codes, np.int64), len(labels), p, p >= threshold, y)
    return from_counts(labels, counts, attribute=attribute, cost_fn=cost_fn, cost_fp=cost_fp,
                       level=level, maturity_share=maturity_share,
                       min_group_size=min_group_size, start=start, end=end)


def from_counts(labels: NDArray[np.object_], c: GroupCounts, *, attribute: str, cost_fn: float,
                cost_fp: float, level: float, maturity_share: float, min_group_size: int,
                start: datetime | None, end: datetime | None) -> AttributeFairness:
    """The figures and tests from per-group counts (the part every window shares); groups
    without an application are left out."""
    present = c.n > 0
    if not present.all():
        c = GroupCounts(*(getattr(c, f.name)[present] for f in fields(GroupCounts)))
    labels = np.asarray(labels, dtype=object)[present]
    eligible = c.n >= min_group_size
    # the reference is chosen among eligible groups only: a group of 3 approved out of 3
    # would otherwise make every other group look adversely treated
    ref, air, low, high = adverse_impact(c.approved, c.n, level, eligible)
    ratio, z, p_cal = calibration_test(c.pos, c.expected_defaults, c.variance)
    cost = cost_fn * c.fn + cost_fp * c.fp
    total = int(c.n.sum())
    columns = {
        "group": np.asarray(labels, dtype=object), "n": c.n, "share": c.n / max(total, 1),
        "approved": c.approved,
        "approval_rate": c.approval_rate, "air": air, "air_low": low, "air_high": high,
        "mean_score": c.mean_score, "labelled": c.labelled, "defaults": c.pos,
        "default_rate": c.default_rate, "tpr": c.tpr, "fpr": c.fpr,
        "expected_defaults": c.expected_defaults, "calibration_ratio": ratio,
        "calibration_z": z, "calibration_p": p_cal, "cost": cost.astype(float),
        "cost_per_application": np.where(c.labelled > 0, cost / np.maximum(c.labelled, 1),
                                         np.nan),
        "eligible": eligible,
    }
    labelled_share = float(c.labelled.sum() / total) if total else float("nan")
    pick = eligible & (c.labelled > 0)
    return AttributeFairness(
        attribute=attribute, start=start, end=end, level=level,
        reference=str(labels[ref]) if eligible.any() else None, columns=columns,
        independence=independence_test(c.approved[eligible], (c.n - c.approved)[eligible]),
        tpr_gap=_gap(c.tpr[pick]), tpr_test=_error_test(c.tp[pick], c.fn[pick]),
        fpr_gap=_gap(c.fpr[pick]), fpr_test=_error_test(c.fp[pick], (c.neg - c.fp)[pick]),
        labelled_share=labelled_share,
        mature=bool(total and labelled_share >= maturity_share))


def _gap(rates: NDArray[np.float64]) -> float:
    rates = rates[~np.isnan(rates)]
    return float(rates.max() - rates.min()) if len(rates) >= 2 else float("nan")


def _error_test(yes: NDArray[np.int64], no: NDArray[np.int64]) -> TestResult:
    return independence_test(yes, no) if len(yes) >= 2 else NO_TEST
