"""The cost-optimal threshold against a brute-force oracle."""

from __future__ import annotations

import numpy as np
import pytest

from creditwatch.model.threshold import cost_at, cost_curve, optimal_threshold


@pytest.mark.parametrize("seed", range(5))
def test_optimal_threshold_equals_brute_force(seed: int) -> None:
    """The O(n log n) curve finds the same minimum cost as trying every threshold."""
    rng = np.random.default_rng(seed)
    n = 400
    y = rng.random(n) < 0.1
    p = np.round(np.clip(0.1 + 0.3 * y + rng.normal(0, 0.15, n), 0, 1), 2)  # many ties
    cost_fn, cost_fp = 10.0, 1.0
    brute = min(cost_at(y, p, t, cost_fn, cost_fp) for t in [*np.unique(p), np.inf])
    threshold, best = optimal_threshold(y, p, cost_fn, cost_fp)
    assert best == pytest.approx(brute)
    assert cost_at(y, p, threshold, cost_fn, cost_fp) == pytest.approx(best)


def test_curve_costs_match_cost_at_everywhere() -> None:
    """Every point of the curve equals a direct count of false negatives and positives."""
    rng = np.random.default_rng(7)
    y = rng.random(200) < 0.2
    p = rng.random(200)
    curve = cost_curve(y, p, 10.0, 1.0)
    for t, c in zip(curve.thresholds, curve.costs, strict=True):
        assert c == pytest.approx(cost_at(y, p, t, 10.0, 1.0))


def test_costs_shape_the_threshold() -> None:
    """Making missed defaulters dearer lowers the threshold (more refusals)."""
    rng = np.random.default_rng(3)
    y = rng.random(5000) < 0.08
    p = np.clip(0.08 + 0.2 * y + rng.normal(0, 0.1, 5000), 0, 1)
    cheap, _ = optimal_threshold(y, p, 2.0, 1.0)
    dear, _ = optimal_threshold(y, p, 20.0, 1.0)
    assert dear < cheap
