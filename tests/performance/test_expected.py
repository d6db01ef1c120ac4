"""Expected figures from calibrated probabilities: exact against brute force, and their
sampling SD against a parametric bootstrap of labels drawn from the same probabilities."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import rankdata
from sklearn.metrics import roc_auc_score

from creditwatch.model.threshold import cost_at
from creditwatch.performance import expected
from creditwatch.performance.ranking import Ranked


def brute_force_auc(q: np.ndarray, s: np.ndarray) -> float:
    """Oracle: Σ_{i≠j} q_i (1 − q_j) H(s_i − s_j) / Σ_{i≠j} q_i (1 − q_j), by double loop."""
    h = (s[:, None] > s[None, :]) + 0.5 * (s[:, None] == s[None, :])
    w = q[:, None] * (1 - q[None, :])
    np.fill_diagonal(w, 0.0)
    return float((w * h).sum() / w.sum())


@pytest.mark.parametrize("seed", range(12))
def test_expected_auc_equals_the_pairwise_sum(seed: int) -> None:
    """The expected AUC is the expected pair count over the expected number of pairs, ties
    one half, exactly (small windows with tied scores)."""
    rng = np.random.default_rng(seed)
    n = 5 + seed * 20
    s = np.round(rng.random(n), 1 if seed % 2 else 6)
    q = rng.beta(1, 6, n)
    assert expected.auc(q, Ranked.of(s)).value == pytest.approx(brute_force_auc(q, s), abs=1e-12)


@pytest.mark.parametrize(("n", "shape"), [(500, 9.0), (2000, 11.0), (2000, 3.0)])
def test_sampling_sd_matches_a_parametric_bootstrap(n: int, shape: float) -> None:
    """The SDs of AUC, default rate and cost equal the spread of the realized figures over
    3,000 label draws from q (within 6 %), and their means equal the expectations."""
    rng = np.random.default_rng(n + int(shape))
    q = rng.beta(1.0, shape, n)
    p = np.clip(q * np.exp(rng.normal(0, 0.3, n)), 0, 1)  # the scores rank, q are the truth
    ranked = Ranked.of(p)
    draws = rng.random((3000, n)) < q
    # Mann-Whitney with scipy's average ranks, all draws at once (checked against sklearn)
    n1 = draws.sum(axis=1)
    aucs = (draws @ rankdata(p) - n1 * (n1 + 1) / 2) / (n1 * (n - n1))
    assert aucs[0] == pytest.approx(roc_auc_score(draws[0], p), abs=1e-12)
    refused = p >= 0.1
    costs = 10 * (draws & ~refused).sum(axis=1) + (~draws & refused).sum(axis=1)
    assert costs[0] == cost_at(draws[0], p, 0.1, 10, 1)
    e_auc = expected.auc(q, ranked)
    assert e_auc.value == pytest.approx(aucs.mean(), abs=3 * aucs.std() / np.sqrt(3000) + 1e-3)
    assert e_auc.sd == pytest.approx(aucs.std(), rel=0.06)
    rate = expected.default_rate(q)
    assert rate.sd == pytest.approx(draws.mean(axis=1).std(), rel=0.06)
    dec = expected.decisions(q, p, 0.1, 10, 1)
    assert dec.cost.value == pytest.approx(costs.mean(), rel=0.01)
    assert dec.cost.sd == pytest.approx(costs.std(), rel=0.06)
    assert dec.tp + dec.fp + dec.fn + dec.tn == pytest.approx(n)
    assert dec.tp + dec.fn == pytest.approx(q.sum())


def test_degenerate_windows_give_nan_not_errors() -> None:
    """An empty window or one whose probabilities are all 0 has no AUC (NaN)."""
    assert np.isnan(expected.auc(np.zeros(0), Ranked.of(np.zeros(0))).value)
    assert np.isnan(expected.auc(np.zeros(5), Ranked.of(np.arange(5.0))).value)
    assert np.isnan(expected.default_rate(np.zeros(0)).value)
