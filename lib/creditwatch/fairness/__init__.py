"""Fairness: protected attributes, and whether decisions and errors differ across groups.

    from creditwatch.fairness import evaluate, protected_attributes
    r = evaluate(groups, probability, threshold, defaulted, attribute="CODE_GENDER",
                 cost_fn=bundle.cost_fn, cost_fp=bundle.cost_fp)
    r.table            # per group: counts, approval, AIR + Katz CI, mean score, default rate,
                       # TPR/FPR, calibration (observed vs expected, tested), realized cost
    r.independence     # group × decision test; r.tpr_test / r.fpr_test: the error gaps

One small module per statistic, results separate from computation: ``groups`` (protected
attributes, age bands), ``rates`` (per-group counts), ``impact`` (adverse impact ratio, Katz
interval), ``independence`` (chi-square / Fisher), ``calibration`` (observed vs expected),
``evaluate`` (one window), ``result`` (what a run finds), ``proxies`` (how well the model's
features predict each attribute). Pure computation on arrays: the windows of the store are
``analytics.fairness``'s (one clock, ``received_at``; every window counted in one grouped
pass, ``rates.window_group_counts``), stored by ``fairness run|history`` in
``fairness_reports``; the alert source is ``alerts.fairness``, the training side
``model.protected``. See docs/fairness.md for the definitions and their caveats.
"""

from __future__ import annotations

from creditwatch.fairness.evaluate import evaluate
from creditwatch.fairness.groups import (
    DEFAULT_AGE_BANDS,
    ProtectedAttribute,
    age_band_labels,
    age_bands,
    protected_attributes,
)
from creditwatch.fairness.impact import adverse_impact, katz_interval
from creditwatch.fairness.independence import TestResult, independence_test
from creditwatch.fairness.result import AttributeFairness

__all__ = ["DEFAULT_AGE_BANDS", "AttributeFairness", "ProtectedAttribute", "TestResult",
           "adverse_impact", "age_band_labels", "age_bands", "evaluate", "independence_test",
           "katz_interval", "protected_attributes"]
