"""Drift detection: exact two-sample tests per column, effect sizes, corrected verdicts.

``from creditwatch.drift import compare, Reference`` is the notebook API:

    result = compare(reference_df, current_df, alpha=0.05, correction="bh")
    result.features      # one row per column: test, statistic, p-values, effect size, drifted
    result.summary       # n_features_analyzed, n_features_drifted, drift_share, status, ...

    ref = Reference(reference_df, importances=model_importances)   # precomputed once
    ref.compare(window_df)                                          # same result as compare

Statistics (one module each, registered in ``registry``): ``ks`` (numeric, identical to
scipy.stats.ks_2samp), ``chi2`` (categorical, as scipy.stats.chi2_contingency on the pooled
table), effect sizes ``wasserstein`` (numeric gate), ``jensen_shannon`` (categorical gate) and
``psi`` (reported), ``missing`` (missing-rate signal), ``correction`` (Benjamini–Hochberg or
Bonferroni across columns).
"""

from __future__ import annotations

# Importing the method modules registers them, in this order.
from creditwatch.drift import chi2, jensen_shannon, ks, missing, psi, wasserstein
from creditwatch.drift.reference import Reference, column_kinds, compare
from creditwatch.drift.registry import REGISTRY, DriftMethod
from creditwatch.drift.result import DriftResult, DriftSettings, DriftStatus
from creditwatch.windows import Chunker, Window  # re-exported: the notebooks' API

__all__ = [
    "REGISTRY",
    "Chunker",
    "DriftMethod",
    "DriftResult",
    "DriftSettings",
    "DriftStatus",
    "Reference",
    "Window",
    "chi2",
    "column_kinds",
    "compare",
    "jensen_shannon",
    "ks",
    "missing",
    "psi",
    "wasserstein",
]
