"""Drift settings seen through 50-row windows, the simulator's batch size: the design promise
that later parts (drift engine, simulator) rely on, checked with plain scipy tests.

Per window every schema column is tested against a clean reference (KS for numeric columns,
chi-square on the reference-vs-window contingency table for categorical ones, levels under 1 %
of the reference pooled), p-values Benjamini-Hochberg corrected at 5 %.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest
from scipy.stats import chi2_contingency, false_discovery_control, ks_2samp

from creditwatch.schema import FIELDS
from creditwatch.synthetic import DriftSpec, generate

WINDOWS = 20
ROWS = 50

pytestmark = pytest.mark.slow


@dataclass
class Reference:
    """Per schema column of the reference, what the tests compare windows with: the values
    as floats (numeric columns; ``None`` when constant) or the level counts (categorical)."""

    numeric: dict[str, np.ndarray | None]
    counts: dict[str, pd.Series]


def prepare(frame: pd.DataFrame) -> Reference:
    """The window-independent part of the per-column tests, done once (the reference's
    string cast and level counts were most of the time when redone for every window)."""
    numeric: dict[str, np.ndarray | None] = {}
    counts: dict[str, pd.Series] = {}
    for f in FIELDS:
        ref = frame[f.name].dropna()
        if f.kind == "numeric":
            numeric[f.name] = ref.to_numpy(float) if ref.nunique() >= 2 else None
        else:
            counts[f.name] = ref.astype(str).value_counts()
    return Reference(numeric, counts)


@pytest.fixture(scope="module")
def reference() -> Reference:
    """The clean reference, prepared once per column for the scipy tests."""
    return prepare(generate(20_000, 99))


def _p_values(reference: Reference, window: pd.DataFrame) -> list[float]:
    out = []
    for f in FIELDS:
        cur = window[f.name].dropna()
        if f.kind == "numeric":
            ref_values = reference.numeric[f.name]
            if len(cur) < 5 or ref_values is None:
                continue
            out.append(float(ks_2samp(ref_values, cur.to_numpy(float)).pvalue))
            continue
        ref_counts = reference.counts[f.name]
        cur_counts = cur.astype(str).value_counts().reindex(ref_counts.index.union(
            cur.astype(str).unique()), fill_value=0)
        ref_counts = ref_counts.reindex(cur_counts.index, fill_value=0)
        rare = ref_counts / ref_counts.sum() < 0.01
        table = np.array([
            [*ref_counts[~rare].to_numpy(), ref_counts[rare].sum()],
            [*cur_counts[~rare].to_numpy(), cur_counts[rare].sum()],
        ])
        table = table[:, table.sum(axis=0) > 0]
        if table.shape[1] < 2:
            continue
        out.append(float(chi2_contingency(table).pvalue))
    return out


def drift_shares(reference: Reference, spec: DriftSpec) -> np.ndarray:
    shares = []
    for w in range(WINDOWS):
        p = _p_values(reference, generate(ROWS, 1_000 + w, spec))
        shares.append(float((false_discovery_control(p) < 0.05).mean()))
    return np.array(shares)


def test_clean_windows_show_no_drift(reference: Reference) -> None:
    """Clean 50-row windows have (almost) no drifted column."""
    shares = drift_shares(reference, DriftSpec())
    assert shares.mean() <= 0.02 and shares.max() < 0.1


def test_gradual_drift_share_rises_with_intensity(reference: Reference) -> None:
    """gradual 0.1 / 0.2 / 0.3 give a rising mean drift share over the same windows."""
    means = [drift_shares(reference, DriftSpec("gradual", i)).mean() for i in (0.1, 0.2, 0.3)]
    assert means[0] < means[1] < means[2]
    assert means[2] > 0.03


@pytest.mark.parametrize("intensity", [0.5, 0.7])
def test_sudden_drift_flags_over_30_percent_of_columns(reference: Reference,
                                                       intensity: float) -> None:
    """sudden 0.5 and 0.7 make more than 30 % of the analysed columns drift in every window."""
    shares = drift_shares(reference, DriftSpec("sudden", intensity))
    assert shares.min() > 0.3, shares
