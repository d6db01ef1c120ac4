"""The one order of a drift result's columns, comparable across tests.

A raw test statistic does not compare across tests: a chi-square value grows with the window
and the number of levels, a Kolmogorov–Smirnov D lies in [0, 1], so sorting by it puts every
categorical column first. A corrected p-value measures the evidence of a change, not its size,
and depends on the window's size and each column's missing rate (it breaks ties here). What
compares is the gating effect size divided by its drift minimum, ``relative_effect``: the
normalised Wasserstein distance (numeric) and the Jensen–Shannon distance (categorical) both
become "how many times the smallest change that counts", so 1 is the drift bar for every
column. A caveat: the Jensen–Shannon distance is at most 1 (20 times its minimum) while the
normalised Wasserstein distance is unbounded, so among very large changes the numeric columns
with a narrow reference spread (zero-inflated areas) lead.

The order (``RULE``): drifted columns first; then the relative effect, largest first; then the
corrected p-value, smallest first; then the model's importance, largest first; then the name.
Columns that were not tested (an exclusion reason) come last. Notebook 01's table and chart and
the dashboard's drift page all show this order.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

RULE = ("drifted columns first, then effect size relative to its drift minimum (largest "
        "first), then corrected p-value, then model importance")


def relative_effect(features: pd.DataFrame, min_effect: Mapping[str, float]) -> np.ndarray:
    """Each row's gating effect size over that effect's minimum (NaN when either is unknown)."""
    minimum = features["effect_name"].map(dict(min_effect)).to_numpy(dtype=np.float64)
    effect = features["effect_size"].to_numpy(dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = effect / minimum
    return np.where(minimum > 0, ratio, np.nan)


def rank(features: pd.DataFrame, min_effect: Mapping[str, float]) -> pd.DataFrame:
    """The per-column rows in ``RULE``'s order, with their ``relative_effect`` column.

    ``min_effect`` maps each gating effect size to its minimum: the result's own settings
    (``DriftSettings.min_effect``, stored with every drift report)."""
    rows = features.reset_index(drop=True)
    ratio = relative_effect(rows, min_effect)
    keys = pd.DataFrame({"tested": rows["reason"].isna(), "drifted": rows["drifted"],
                         "ratio": ratio, "p": rows["p_adjusted"],
                         "importance": rows["importance"], "name": rows["feature"]})
    order = keys.sort_values(list(keys.columns), ascending=[False, False, False, True, False, True],
                             na_position="last", kind="mergesort").index
    return rows.assign(relative_effect=ratio).loc[order].reset_index(drop=True)
