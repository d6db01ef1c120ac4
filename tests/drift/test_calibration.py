"""Calibration and power of the engine on 500-row windows of synthetic applications.

Reference: 20 000 clean applications; windows: 200 × 500 further clean applications (another
seed), all schema columns, default settings (alpha 5 %, Benjamini–Hochberg, effect minimums).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from creditwatch.drift import Reference

WINDOWS, ROWS = 200, 500


def _windows(pool: pd.DataFrame) -> list[pd.DataFrame]:
    return [pool.iloc[i * ROWS:(i + 1) * ROWS].copy() for i in range(WINDOWS)]


def _analyzed(ref: Reference, kind: str) -> list[str]:
    return [n for n, k in ref.kinds.items() if k == kind and n not in ref.reasons]


@pytest.mark.slow
def test_no_drift_windows_stay_within_alpha(drift_reference_frame: pd.DataFrame,
                                            drift_window_pool: pd.DataFrame) -> None:
    """Without drift, at most 8 % of 200 windows (alpha 5 % plus sampling error) flag any
    column."""
    ref = Reference(drift_reference_frame)
    flagged = [bool(ref.compare(w).drifted_features) for w in _windows(drift_window_pool)]
    assert np.mean(flagged) <= 0.08


@pytest.mark.slow
def test_half_sd_shift_on_five_numeric_columns_is_detected(
        drift_reference_frame: pd.DataFrame, drift_window_pool: pd.DataFrame) -> None:
    """Shifting 5 random numeric columns by 0.5 reference SD is detected in >= 95 % of windows,
    and on average <= 5 % of the flagged columns are unchanged ones."""
    ref = Reference(drift_reference_frame)
    numeric = _analyzed(ref, "numeric")
    sd = {c: float(np.nanstd(drift_reference_frame[c].to_numpy(np.float64))) for c in numeric}
    rng = np.random.default_rng(2024)
    detected, false_share = [], []
    for window in _windows(drift_window_pool):
        moved = set(rng.choice(numeric, size=5, replace=False).tolist())
        for c in moved:
            window[c] = window[c] + 0.5 * sd[c]
        flagged = set(ref.compare(window).drifted_features)
        detected.append(bool(flagged & moved))
        if flagged:
            false_share.append(len(flagged - moved) / len(flagged))
    assert np.mean(detected) >= 0.95
    assert np.mean(false_share) <= 0.05


@pytest.mark.slow
def test_moving_a_fifth_of_a_categorical_column_is_detected(
        drift_reference_frame: pd.DataFrame, drift_window_pool: pd.DataFrame) -> None:
    """Moving 20 % of a categorical column's mass from its top level to another level is
    detected in >= 95 % of windows, with <= 5 % of flagged columns unchanged on average."""
    ref = Reference(drift_reference_frame)
    shares = {c: drift_reference_frame[c].value_counts(normalize=True)
              for c in _analyzed(ref, "categorical")}
    eligible = [c for c, s in shares.items() if s.iloc[0] >= 0.25]  # a top level to move from
    rng = np.random.default_rng(77)
    detected, false_share = [], []
    for window in _windows(drift_window_pool):
        column = str(rng.choice(eligible))
        values = window[column]
        source = values.value_counts().index[0]
        target = rng.choice([lv for lv in shares[column].index if lv != source])
        rows = np.flatnonzero((values == source).to_numpy())
        count = round(0.2 * values.notna().sum())
        moved = rng.choice(rows, size=min(count, rows.size), replace=False)
        window.iloc[moved, window.columns.get_loc(column)] = target
        flagged = set(ref.compare(window).drifted_features)
        detected.append(column in flagged)
        if flagged:
            false_share.append(len(flagged - {column}) / len(flagged))
    assert np.mean(detected) >= 0.95
    assert np.mean(false_share) <= 0.05
