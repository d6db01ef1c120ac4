"""The drift ranking: one order, comparable across tests, in the result, the notebook table
and the dashboard's stored-report view."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from scipy.spatial import distance

from creditwatch.analytics import Analytics
from creditwatch.config import Settings
from creditwatch.dashboard.pagedata import drift_details
from creditwatch.drift import DriftResult, Window, compare
from creditwatch.drift.monitor import DriftRun
from creditwatch.drift.ranking import rank
from creditwatch.reports.drift import top_table
from creditwatch.store import Store

NUMERIC_DRIFTED = ["shift_big", "shift_small"]
LEVELS = np.array([f"L{i:02d}" for i in range(40)], dtype=object)


def _frames(seed: int = 7, n_ref: int = 4_000, n_cur: int = 1_500
            ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Numeric columns shifted by 0.6 and 0.25 SD or not at all; 40-level categorical
    columns (their chi-square runs in the tens even without drift, a KS D stays below 1),
    one of them drifted; a 3-level one; a constant column the engine cannot test."""
    rng = np.random.default_rng(seed)
    share = rng.dirichlet(np.full(len(LEVELS), 5.0))
    moved = share.copy()
    moved[:4] += 0.03
    moved /= moved.sum()
    small = np.array(["a", "b", "c"], dtype=object)

    def make(n: int, cur: bool) -> pd.DataFrame:
        return pd.DataFrame({
            "shift_big": rng.normal(0.6 if cur else 0.0, 1.0, n),
            "shift_small": rng.normal(0.25 if cur else 0.0, 1.0, n),
            "stable_1": rng.normal(0.0, 1.0, n), "stable_2": rng.lognormal(0.0, 1.0, n),
            "cat_drift": rng.choice(LEVELS, n, p=moved if cur else share),
            "cat_1": rng.choice(LEVELS, n, p=share), "cat_2": rng.choice(LEVELS, n, p=share),
            "cat_small": rng.choice(small, n, p=[0.45, 0.35, 0.2] if cur else [0.5, 0.3, 0.2]),
            "constant": np.ones(n),
        })

    return make(n_ref, False), make(n_cur, True)


@pytest.fixture(scope="module")
def result() -> DriftResult:
    reference, current = _frames()
    return compare(reference, current, alpha=0.05)


def _oracle_relative_effects(result: DriftResult) -> dict[str, float]:
    """Each tested column's gating effect over its minimum, computed with scipy: Wasserstein
    distance over the reference IQR / 1.349 (numeric), Jensen–Shannon distance of the level
    shares, base 2 (categorical)."""
    reference, current = _frames()
    minimum = result.settings.min_effect
    out = {}
    for column in reference.columns.drop("constant"):
        ref, cur = reference[column], current[column]
        if ref.dtype == object:  # every current level is a reference level here
            p = ref.value_counts()
            q = cur.value_counts().reindex(p.index, fill_value=0)
            assert q.sum() == len(cur)
            out[column] = distance.jensenshannon(p, q, base=2) / minimum["jensen_shannon"]
        else:
            q1, q3 = np.quantile(ref, [0.25, 0.75])
            out[column] = (stats.wasserstein_distance(ref, cur) / ((q3 - q1) / 1.349)
                           / minimum["wasserstein"])
    return out


def test_ranking_follows_the_effect_relative_to_its_minimum(result: DriftResult) -> None:
    """Drifted columns come first, then every column by its effect size over its drift
    minimum (scipy's values), whatever its test; the untested column comes last."""
    oracle = _oracle_relative_effects(result)
    drifted = set(result.drifted_features)
    expected = sorted(oracle, key=lambda c: (c not in drifted, -oracle[c]))
    ranked = result.ranked()
    assert ranked["feature"].tolist() == [*expected, "constant"]
    assert ranked["relative_effect"].iloc[:-1].to_numpy() == pytest.approx(
        [oracle[c] for c in expected], rel=1e-9)
    assert np.isnan(ranked["relative_effect"].iloc[-1]) and ranked["reason"].iloc[-1]


def test_drifted_numeric_columns_are_in_the_top_rows(result: DriftResult) -> None:
    """Both shifted numeric columns drift and are among the first three rows, while ranking
    by raw statistic (chi-square against KS D) would show only categorical columns first."""
    assert set(NUMERIC_DRIFTED) <= set(result.drifted_features)
    assert set(NUMERIC_DRIFTED) <= set(result.ranked()["feature"].head(3))
    by_statistic = result.analyzed.sort_values("statistic", ascending=False).head(4)
    assert set(by_statistic["kind"]) == {"categorical"}


def test_notebook_table_is_the_ranking(result: DriftResult) -> None:
    """Notebook 01's top table is the first rows of the ranking, tested columns only."""
    run = DriftRun(Window(datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 1, 2, tzinfo=UTC)),
                   result)
    table = top_table(run, 3)
    assert table["feature"].tolist() == result.ranked()["feature"].head(3).tolist()
    assert "relative_effect" in table.columns
    assert "constant" not in top_table(run, 20)["feature"].tolist()


def test_dashboard_ranks_a_stored_report_the_same_way(result: DriftResult, store: Store
                                                      ) -> None:
    """A report stored as the drift monitor stores it reads back, on the dashboard's drift
    page, in the same order with the same relative effects as the result it came from."""
    as_dict = result.to_dict()
    summary = as_dict["summary"]
    report_id = store.write_drift_report({
        "created_at": datetime.now(UTC), "window_start": datetime(2026, 1, 1, tzinfo=UTC),
        "window_end": datetime(2026, 1, 2, tzinfo=UTC), "status": summary["status"],
        "n_predictions": summary["n_rows_current"],
        "n_features_analyzed": summary["n_features_analyzed"],
        "n_features_drifted": summary["n_features_drifted"],
        "params": as_dict["settings"], "details": as_dict["features"]})
    with Analytics(store, settings=Settings(store={"url": None})) as analytics:
        shown = drift_details(analytics, report_id)
    expected = result.ranked()
    assert shown["feature"].tolist() == expected["feature"].tolist()
    np.testing.assert_allclose(shown["relative_effect"], expected["relative_effect"],
                               rtol=1e-12)


def test_ties_and_unknown_minimums() -> None:
    """Equal relative effects fall back to the corrected p-value, then importance, then name;
    an effect with no known minimum ranks after those with one."""
    rows = pd.DataFrame({
        "feature": ["d", "c", "b", "a", "e"], "drifted": [False] * 5, "reason": [None] * 5,
        "effect_name": ["w", "w", "w", "w", "unknown"], "effect_size": [0.2, 0.2, 0.2, 0.2, 9.0],
        "p_adjusted": [0.5, 0.1, 0.5, 0.5, 0.0], "importance": [1.0, 1.0, 3.0, 1.0, 9.0]})
    assert rank(rows, {"w": 0.1})["feature"].tolist() == ["c", "b", "a", "d", "e"]
