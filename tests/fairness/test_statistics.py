"""The fairness statistics against independent oracles: fairlearn's MetricFrame, scipy's
tests, a hand computation, and the Katz interval's coverage by simulation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from fairlearn.metrics import (
    MetricFrame,
    count,
    false_positive_rate,
    selection_rate,
    true_positive_rate,
)
from scipy.stats import chi2_contingency, fisher_exact, norm

from creditwatch.config_groups import PerformanceConfig
from creditwatch.fairness import (
    adverse_impact,
    age_band_labels,
    age_bands,
    evaluate,
    independence_test,
    katz_interval,
)
from creditwatch.fairness.rates import group_counts, window_group_counts

TOL = 1e-9
MATURITY = PerformanceConfig().maturity_share


def _window(seed: int = 1, n: int = 6000) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(seed)
    groups = rng.choice(np.array(["F", "M", "missing"], dtype=object), n, p=[0.55, 0.44, 0.01])
    p = rng.beta(2.0, 18.0, n) * np.where(groups == "M", 1.3, 1.0)
    y = (rng.random(n) < p).astype(float)
    y[rng.random(n) < 0.2] = np.nan  # outcome not known yet
    return groups, p, y


def test_group_rates_agree_with_fairlearn_metricframe() -> None:
    """Counts, approval rate, mean score, default rate, TPR and FPR per group equal
    fairlearn's MetricFrame on the same rows (labelled rows for the outcome figures)."""
    groups, p, y = _window()
    threshold = 0.12
    r = evaluate(groups, p, threshold, y, attribute="CODE_GENDER", cost_fn=5, cost_fp=1,
                 maturity_share=MATURITY)
    table = r.table.set_index("group")
    approved = (p < threshold).astype(int)
    decisions = MetricFrame(metrics={"count": count, "approval": selection_rate},
                            y_true=approved, y_pred=approved, sensitive_features=groups)
    known = ~np.isnan(y)
    refused = (p >= threshold).astype(int)
    outcomes = MetricFrame(
        metrics={"tpr": true_positive_rate, "fpr": false_positive_rate, "labelled": count,
                 "default_rate": lambda yt, yp: float(np.mean(yt))},
        y_true=y[known].astype(int), y_pred=refused[known], sensitive_features=groups[known])
    scores = MetricFrame(metrics={"mean_score": lambda yt, yp: float(np.mean(yp))},
                         y_true=p, y_pred=p, sensitive_features=groups)
    for name in ("count", "approval"):
        column = {"count": "n", "approval": "approval_rate"}[name]
        np.testing.assert_allclose(table[column], decisions.by_group[name].astype(float),
                                   rtol=0, atol=TOL)
    for name in ("tpr", "fpr", "labelled", "default_rate"):
        np.testing.assert_allclose(table[name], outcomes.by_group[name].astype(float),
                                   rtol=0, atol=TOL)
    np.testing.assert_allclose(table["mean_score"], scores.by_group["mean_score"].astype(float),
                               rtol=0, atol=TOL)
    # the AIR is fairlearn's selection-rate ratio to the best group, for every group
    best = decisions.by_group["approval"].max()
    np.testing.assert_allclose(table["air"], decisions.by_group["approval"] / best,
                               rtol=0, atol=TOL)


def test_calibration_cost_and_katz_match_a_hand_computation() -> None:
    """Observed/expected defaults with their z test, the realized cost and the Katz interval
    per group equal the textbook formulas written out row by row."""
    groups, p, y = _window(seed=2)
    threshold, level = 0.1, 0.9
    r = evaluate(groups, p, threshold, y, attribute="CODE_GENDER", cost_fn=7.0, cost_fp=1.5,
                 maturity_share=MATURITY, level=level, min_group_size=1)
    z = norm.ppf(0.95)
    table = r.table.set_index("group")
    ref = table["approval_rate"].idxmax()
    assert r.reference == ref
    x2, n2 = int(np.sum((groups == ref) & (p < threshold))), int(np.sum(groups == ref))
    for g in table.index:
        rows = groups == g
        lab = rows & ~np.isnan(y)
        o, e = y[lab].sum(), p[lab].sum()
        v = (p[lab] * (1 - p[lab])).sum()
        assert table.loc[g, "expected_defaults"] == pytest.approx(e, abs=TOL)
        assert table.loc[g, "calibration_z"] == pytest.approx((o - e) / np.sqrt(v), abs=TOL)
        assert table.loc[g, "calibration_p"] == pytest.approx(
            2 * norm.sf(abs(o - e) / np.sqrt(v)), abs=TOL)
        fn = np.sum(lab & (y == 1) & (p < threshold))
        fp = np.sum(lab & (y == 0) & (p >= threshold))
        assert table.loc[g, "cost"] == pytest.approx(7.0 * fn + 1.5 * fp, abs=TOL)
        assert table.loc[g, "cost_per_application"] == pytest.approx(
            (7.0 * fn + 1.5 * fp) / lab.sum(), abs=TOL)
        if g == ref:
            assert table.loc[g, "air"] == 1.0 and np.isnan(table.loc[g, "air_low"])
            continue
        x1, n1 = int(np.sum(rows & (p < threshold))), int(rows.sum())
        se = np.sqrt(1 / x1 - 1 / n1 + 1 / x2 - 1 / n2)
        air = (x1 / n1) / (x2 / n2)
        assert table.loc[g, "air_low"] == pytest.approx(air * np.exp(-z * se), abs=TOL)
        assert table.loc[g, "air_high"] == pytest.approx(air * np.exp(z * se), abs=TOL)


def test_independence_tests_agree_with_scipy() -> None:
    """The group × decision test is scipy's chi-square without continuity correction, and
    Fisher's exact test for a sparse 2 × 2 table; an untestable table gives NaN."""
    yes, no = np.array([410, 380, 12]), np.array([90, 140, 8])
    stat, p, dof, _ = chi2_contingency(np.column_stack([yes, no]), correction=False)
    t = independence_test(yes, no)
    assert t.method == "chi-square" and t.dof == dof
    assert t.statistic == pytest.approx(stat, abs=TOL) and t.p_value == pytest.approx(p, abs=TOL)
    t = independence_test(np.array([3, 9]), np.array([2, 1]))
    assert t.method == "fisher"
    assert t.p_value == pytest.approx(fisher_exact([[3, 2], [9, 1]])[1], abs=TOL)
    assert np.isnan(independence_test(np.array([5]), np.array([5])).p_value)
    assert np.isnan(independence_test(np.array([5, 7]), np.array([0, 0])).p_value)


def test_gap_tests_are_the_chi_square_of_errors_among_defaulters_and_good_clients() -> None:
    """The TPR (FPR) gap test is scipy's chi-square of group × refused among the defaulters
    (the good clients) of the eligible groups."""
    groups, p, y = _window(seed=3)
    r = evaluate(groups, p, 0.1, y, attribute="CODE_GENDER", cost_fn=5, cost_fp=1,
                 maturity_share=MATURITY, min_group_size=100)  # "missing" (about 60 rows) is not eligible
    big = (groups != "missing") & ~np.isnan(y)
    for outcome, test in ((1, r.tpr_test), (0, r.fpr_test)):
        rows = big & (y == outcome)
        table = pd.crosstab(groups[rows], p[rows] >= 0.1).to_numpy()
        stat, pv, _, _ = chi2_contingency(table, correction=False)
        assert test.statistic == pytest.approx(stat, abs=TOL)
        assert test.p_value == pytest.approx(pv, abs=TOL)


def test_small_groups_are_shown_but_never_the_reference() -> None:
    """A group below the minimum size cannot be the most favoured one (3 of 3 approved
    would make everyone else look adversely treated) but keeps its figures."""
    groups = np.array(["A"] * 3 + ["B"] * 100 + ["C"] * 100, dtype=object)
    p = np.r_[np.zeros(3), np.full(80, 0.01), np.full(20, 0.9), np.full(60, 0.01),
              np.full(40, 0.9)]
    r = evaluate(groups, p, 0.5, None, attribute="X", cost_fn=1, cost_fp=1, min_group_size=30,
                 maturity_share=MATURITY)
    table = r.table.set_index("group")
    assert r.reference == "B" and not table.loc["A", "eligible"]
    assert table.loc["A", "air"] == pytest.approx(1 / 0.8)
    assert table.loc["C", "air"] == pytest.approx(0.6 / 0.8)
    assert not r.mature and np.isnan(r.tpr_gap)


def test_katz_interval_covers_the_true_ratio_at_its_level() -> None:
    """Simulated: 4,000 pairs of binomial samples; the 95 % Katz interval covers the true
    ratio of approval rates in 93-97 % of them (a fixed reference group)."""
    rng = np.random.default_rng(11)
    p1, p2, n1, n2 = 0.55, 0.75, 400, 900
    x1, x2 = rng.binomial(n1, p1, 4000), rng.binomial(n2, p2, 4000)
    _, low, high = katz_interval(x1, n1, x2, n2, 0.95)
    covered = np.mean((low <= p1 / p2) & (p1 / p2 <= high))
    assert 0.93 <= covered <= 0.97


def test_katz_interval_stays_finite_with_no_approval() -> None:
    """A group with no approval gets a finite interval (0.5 continuity correction) that
    still lies below the threshold of adverse impact."""
    ref, air, low, high = adverse_impact(np.array([0, 80]), np.array([40, 100]), 0.95)
    assert ref == 1 and air[0] == 0.0 and 0 < low[0] < high[0] < 0.8


def test_age_bands_follow_the_documented_edges() -> None:
    """Ages in whole years fall in <25, 25-34, 35-49, 50-64, 65+; an age on an edge opens the
    next band; a missing birth date is 'missing'."""
    assert age_band_labels((25, 35, 50, 65)) == ["<25", "25-34", "35-49", "50-64", "65+"]
    days = -np.array([24.9, 25.0, 34.99, 35, 49.5, 50, 64.9, 65, 80]) * 365.25
    assert list(age_bands(np.r_[days, np.nan], (25, 35, 50, 65))) == [
        "<25", "25-34", "25-34", "35-49", "35-49", "50-64", "50-64", "65+", "65+", "missing"]


def test_grouped_window_counts_equal_each_slice_counted_alone() -> None:
    """window_group_counts over overlapping, nested, empty and gapped windows gives each
    window's group_counts: counts exactly, float sums within 1e-9."""
    rng = np.random.default_rng(11)
    n, k = 5000, 4
    codes = rng.integers(0, k, n)
    p = rng.uniform(0, 1, n)
    y = np.where(rng.random(n) < 0.6, (rng.random(n) < p).astype(float), np.nan)
    refused = p >= 0.3
    lo = np.array([0, 0, 1000, 2500, 4000, 3000, 4999, 700])
    hi = np.array([n, 1000, 2500, 2500, 5000, 4200, 5000, 900])
    grouped = window_group_counts(codes, k, lo, hi, p, refused, y)
    for (a, b), got in zip(zip(lo, hi, strict=True), grouped, strict=True):
        want = group_counts(codes[a:b], k, p[a:b], refused[a:b], y[a:b])
        for name in ("n", "approved", "labelled", "pos", "tp", "fp"):
            assert np.array_equal(getattr(got, name), getattr(want, name)), name
        for name in ("score_sum", "expected_defaults", "variance"):
            np.testing.assert_allclose(getattr(got, name), getattr(want, name), rtol=1e-9,
                                       atol=1e-9, err_msg=name)
