"""Proxies: how well the model's own features predict each protected attribute.

Excluding a field from the model does not remove the information: other features can carry
it (an income type of "Pensioner" says much about the age band). For each protected
attribute, a small LightGBM classifier (at most 15 leaves, 100 rounds) is fitted on the
model's features (without the attribute's own field and the features derived from it, which
would predict it trivially) and scored by out-of-fold AUC (3-fold stratified
cross-validation; one-vs-rest macro AUC for the age bands). 0.5 means the features say
nothing about the attribute; near 1 they reveal it, and the model *can* behave as if it used
it even when it does not read it. Rows of the ``missing`` group and groups of fewer than
``min_rows`` rows are left out; at most ``max_rows`` rows are sampled.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from lightgbm import LGBMClassifier
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict

from creditwatch.fairness.groups import MISSING, ProtectedAttribute

PROXY_PARAMS: dict[str, Any] = {"n_estimators": 100, "num_leaves": 15, "learning_rate": 0.1,
                "min_child_samples": 50, "subsample": 0.8, "subsample_freq": 1,
                "colsample_bytree": 0.8, "verbose": -1}


def proxy_auc(matrix: np.ndarray, groups: np.ndarray, *, seed: int = 0, min_rows: int = 50,
              max_rows: int = 20_000, num_threads: int = 0) -> float:
    """Out-of-fold AUC of predicting ``groups`` from the columns of ``matrix`` (NaN when
    fewer than two groups have ``min_rows`` rows)."""
    groups = np.asarray(groups, dtype=object)
    labels, counts = np.unique(groups[groups != MISSING].astype(str), return_counts=True)
    keep_labels = labels[counts >= min_rows]
    if len(keep_labels) < 2:
        return float("nan")
    rows = np.flatnonzero(np.isin(groups.astype(str), keep_labels))
    rng = np.random.default_rng(seed)
    if len(rows) > max_rows:
        rows = np.sort(rng.choice(rows, max_rows, replace=False))
    x, y = matrix[rows], np.searchsorted(keep_labels, groups[rows].astype(str))
    model = LGBMClassifier(**PROXY_PARAMS, random_state=seed, n_jobs=num_threads or None)
    folds = StratifiedKFold(n_splits=3, shuffle=True, random_state=seed)
    proba = cross_val_predict(model, x, y, cv=folds, method="predict_proba")
    if len(keep_labels) == 2:
        return float(roc_auc_score(y, proba[:, 1]))
    return float(roc_auc_score(y, proba, multi_class="ovr", average="macro"))


def proxy_report(matrix: np.ndarray, feature_names: Sequence[str], raw_values: dict[str, np.ndarray],
                 attributes: Sequence[ProtectedAttribute], own_features: dict[str, list[str]],
                 *, seed: int = 0, num_threads: int = 0) -> dict[str, float]:
    """Attribute name -> proxy AUC. ``raw_values``: each attribute's field values for the
    rows of ``matrix``; ``own_features``: per field, the features built from it (left out)."""
    out: dict[str, float] = {}
    for attribute in attributes:
        drop = set(own_features.get(attribute.field, [attribute.field]))
        columns = [i for i, name in enumerate(feature_names) if name not in drop]
        out[attribute.name] = proxy_auc(matrix[:, columns], attribute.groups(
            raw_values[attribute.field]), seed=seed, num_threads=num_threads)
    return out
