"""Realized figures against sklearn/scipy on the same rows (ties, tiny and lopsided windows)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import binom, ks_2samp
from sklearn.metrics import brier_score_loss, confusion_matrix, log_loss, roc_auc_score

from creditwatch.model.threshold import cost_at, optimal_threshold
from creditwatch.performance import PerformanceSettings, calibration_table, realized
from creditwatch.performance.calibration import jeffreys_interval
from creditwatch.performance.ranking import Ranked, auc, ks_separation

TOL = 1e-9


def window(seed: int, n: int, *, ties: bool) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    p = rng.beta(1.2, 9.0, n)
    if ties:  # scores on a coarse grid: many runs of equal values, across both classes
        p = np.round(p, 2)
    y = (rng.random(n) < np.clip(p * 1.5, 0, 1)).astype(int)
    y[:2] = [0, 1]  # both classes present
    return p, y


@pytest.mark.parametrize("seed", range(40))
@pytest.mark.parametrize("ties", [False, True])
def test_auc_ks_brier_log_loss_match_sklearn_and_scipy(seed: int, ties: bool) -> None:
    """AUC, Gini, KS, Brier and log loss equal sklearn's and scipy's to 1e-9, with and without
    tied scores."""
    n = [5, 37, 500, 4000][seed % 4]
    p, y = window(seed, n, ties=ties)
    r = realized(p, y, threshold=0.1, cost_fn=10, cost_fp=1)
    assert r.auc == pytest.approx(roc_auc_score(y, p), abs=TOL)
    assert r.gini == pytest.approx(2 * roc_auc_score(y, p) - 1, abs=TOL)
    assert r.ks == pytest.approx(ks_2samp(p[y == 1], p[y == 0]).statistic, abs=TOL)
    assert r.brier == pytest.approx(brier_score_loss(y, p), abs=TOL)
    assert r.log_loss == pytest.approx(log_loss(y, p, labels=[0, 1]), abs=TOL)
    assert r.default_rate == pytest.approx(y.mean(), abs=TOL)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 6), st.booleans()), min_size=2, max_size=60))
def test_ranking_figures_on_arbitrary_ties(rows: list[tuple[int, bool]]) -> None:
    """On any small window of heavily tied scores, AUC and KS equal sklearn's and scipy's (NaN
    when a class is absent)."""
    s = np.array([a for a, _ in rows], dtype=float) / 6
    y = np.array([b for _, b in rows], dtype=int)
    ranked = Ranked.of(s)
    if y.min() == y.max():
        assert np.isnan(auc(y, ranked)) and np.isnan(ks_separation(y, ranked))
        return
    assert auc(y, ranked) == pytest.approx(roc_auc_score(y, s), abs=TOL)
    assert ks_separation(y, ranked) == pytest.approx(ks_2samp(s[y == 1], s[y == 0]).statistic,
                                                     abs=TOL)


def test_log_loss_clips_certain_mistakes_like_sklearn() -> None:
    """Probabilities of exactly 0 and 1 on the wrong outcome are clipped to machine epsilon,
    as sklearn does, so the loss is finite."""
    y = np.array([1, 0, 1, 0])
    p = np.array([0.0, 1.0, 1.0, 0.0])
    r = realized(p, y, threshold=0.5, cost_fn=10, cost_fp=1)
    assert np.isfinite(r.log_loss)
    assert r.log_loss == pytest.approx(log_loss(y, p), abs=TOL)


@pytest.mark.parametrize("seed", range(10))
def test_decisions_match_sklearn_confusion_and_the_training_costs(seed: int) -> None:
    """Confusion counts equal sklearn's, the cost is cost_at's, and the hindsight optimum is
    the training's optimal_threshold on the same rows."""
    p, y = window(seed, 3000, ties=seed % 2 == 0)
    t = 0.08 + 0.01 * seed
    d = realized(p, y, threshold=t, cost_fn=10, cost_fp=1).decisions
    tn, fp, fn, tp = confusion_matrix(y, (p >= t).astype(int), labels=[0, 1]).ravel()
    assert (d.tp, d.fp, d.fn, d.tn) == (tp, fp, fn, tn)
    assert d.cost == cost_at(y, p, t, 10, 1) == 10 * fn + fp
    assert d.cost_per_application == pytest.approx(d.cost / 3000, abs=TOL)
    assert (d.optimal_threshold, d.optimal_cost) == optimal_threshold(y, p, 10, 1)
    assert d.optimal_cost <= d.cost


def test_only_labelled_rows_count_and_maturity_follows_the_share() -> None:
    """Unlabelled rows (NaN outcome or a False mask) are left out of every figure; a window
    below the maturity share is marked immature."""
    p, y = window(3, 1000, ties=False)
    outcomes = y.astype(float)
    outcomes[700:] = np.nan
    r = realized(p, outcomes, threshold=0.1, cost_fn=10, cost_fp=1)
    assert (r.n_predictions, r.n_labelled, r.labelled_share) == (1000, 700, 0.7)
    assert r.auc == pytest.approx(roc_auc_score(y[:700], p[:700]), abs=TOL)
    assert not r.mature
    assert realized(p, outcomes, threshold=0.1, cost_fn=10, cost_fp=1,
                    settings=PerformanceSettings(maturity_share=0.7)).mature
    mask = np.arange(1000) < 900
    r2 = realized(p, y, labelled=mask, threshold=0.1, cost_fn=10, cost_fp=1)
    assert r2.mature and r2.n_labelled == 900
    assert r2.to_dict()["calibration"][0]["band"] == "[0, 0.02)"


def test_outcomes_other_than_zero_and_one_are_refused() -> None:
    """An outcome of 2 on a labelled row is a clear error, not a silent figure."""
    with pytest.raises(ValueError, match=r"0 .* or 1"):
        realized(np.array([0.1, 0.2]), np.array([0, 2]), threshold=0.5, cost_fn=10, cost_fp=1)


def two_sided_binomial_p(k: int, n: int, p: float) -> float:
    """Oracle: the central exact test, twice the smaller tail, tails summed from the
    probability mass function by enumeration."""
    pmf = binom.pmf(np.arange(n + 1), n, p)
    return float(min(1.0, 2 * min(pmf[: k + 1].sum(), pmf[k:].sum())))


@pytest.mark.parametrize("seed", range(8))
def test_calibration_bands_expected_observed_jeffreys_and_binomial_p(seed: int) -> None:
    """Per PD band: n, the sum of probabilities, the observed defaults, the Jeffreys interval
    (Beta quantiles) and the exact two-sided (central) binomial p-value by enumeration."""
    p, y = window(seed, 2500, ties=False)
    edges = (0.02, 0.05, 0.1, 0.2, 0.35)
    table = calibration_table(y, p, edges, level=0.9, alpha=0.01)
    bounds = [0.0, *edges, 1.0]
    assert len(table) == 6
    for i, row in table.iterrows():
        inside = (p >= bounds[i]) & (p < bounds[i + 1])
        n, k = int(inside.sum()), int(y[inside].sum())
        assert (row["n"], row["observed"]) == (n, k)
        if n == 0:
            assert np.isnan(row["p_value"])
            continue
        assert row["expected"] == pytest.approx(p[inside].sum(), abs=TOL)
        assert row["p_value"] == pytest.approx(two_sided_binomial_p(k, n, p[inside].mean()),
                                               abs=1e-9)
        assert row["miscalibrated"] == (row["p_value"] < 0.01)
        from scipy.stats import beta
        if 0 < k < n:
            assert beta.cdf(row["ci_low"], k + 0.5, n - k + 0.5) == pytest.approx(0.05, abs=1e-9)
            assert beta.cdf(row["ci_high"], k + 0.5, n - k + 0.5) == pytest.approx(0.95, abs=1e-9)


def test_jeffreys_interval_ends_at_zero_and_one() -> None:
    """With no default the interval starts at 0, with all defaults it ends at 1; an empty band
    has none."""
    low, high = jeffreys_interval(np.array([0, 5, 0]), np.array([5, 5, 0]), 0.95)
    assert low[0] == 0 and high[1] == 1
    assert 0 < high[0] < 1 and 0 < low[1] < 1
    assert np.isnan(low[2]) and np.isnan(high[2])


def test_auc_sd_matches_hanley_mcneil_by_hand() -> None:
    """The AUC's standard error is Hanley & McNeil's, computed here by hand for A = 0.8,
    50 positives, 450 negatives; NaN without both classes."""
    from creditwatch.performance.ranking import auc_sd

    a, n1, n2 = 0.8, 50, 450
    q1, q2 = a / (2 - a), 2 * a**2 / (1 + a)
    by_hand = np.sqrt((a * (1 - a) + (n1 - 1) * (q1 - a**2) + (n2 - 1) * (q2 - a**2)) / (n1 * n2))
    assert auc_sd(a, n1, n2) == pytest.approx(by_hand, rel=1e-12)
    assert np.isnan(auc_sd(a, 0, 10))


def test_auc_sd_agrees_with_the_spread_of_simulated_aucs() -> None:
    """On binormal scores with a true AUC of 0.8 (50 defaulters, 450 others), the standard
    error is close to the SD of sklearn's AUC over 1,000 simulated windows, on the safe side
    (Hanley-McNeil's exponential model overstates the binormal spread by about 15 %: at most
    25 % above, never more than 5 % below)."""
    from scipy.stats import norm

    from creditwatch.performance.ranking import auc_sd

    rng = np.random.default_rng(3)
    shift = np.sqrt(2) * norm.ppf(0.8)
    y = np.r_[np.ones(50), np.zeros(450)]
    aucs = [roc_auc_score(y, np.r_[rng.normal(shift, 1, 50), rng.normal(0, 1, 450)])
            for _ in range(1000)]
    assert 0.95 <= auc_sd(0.8, 50, 450) / np.std(aucs) <= 1.25
