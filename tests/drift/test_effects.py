"""Effect sizes against hand computations and scipy: PSI, Jensen–Shannon, Wasserstein."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats
from scipy.spatial import distance

from creditwatch.drift import jensen_shannon, psi, wasserstein


def test_numeric_psi_by_hand() -> None:
    """PSI on reference deciles equals the sum computed by hand."""
    ref = np.arange(1.0, 101.0)  # deciles: edges 10, 20, ..., 90
    cur = np.concatenate([np.full(30, 5.0), np.full(20, 15.0), np.full(50, 95.0)])
    p = np.full(10, 0.1)
    q = np.array([0.3, 0.2, 0, 0, 0, 0, 0, 0, 0, 0.5])
    q = np.maximum(q, psi.EPSILON)
    expected = float(((q - p) * np.log(q / p)).sum())
    assert psi.psi(ref, cur) == pytest.approx(expected, rel=1e-12)


def test_numeric_psi_with_ties_and_missing() -> None:
    """Tied reference values give empty bins on both sides, which add nothing; NaN is dropped."""
    ref = np.array([0.0] * 70 + [1.0] * 20 + [2.0] * 10 + [np.nan] * 5)
    cur = np.array([0.0] * 50 + [1.0] * 30 + [2.0] * 20 + [np.nan] * 9)
    # deciles (inverted cdf) of the 100 values: 0 x7, 1 x2, then 2 -> bins (<=0], (0,1], (1,2]
    p, q = np.array([0.7, 0.2, 0.1]), np.array([0.5, 0.3, 0.2])
    assert psi.psi(ref, cur) == pytest.approx(float(((q - p) * np.log(q / p)).sum()), rel=1e-12)


def test_categorical_psi_from_counts() -> None:
    """PSI on level counts equals the formula, with empty levels floored at EPSILON."""
    ref, cur = np.array([[50, 30, 20, 0]]), np.array([[40, 40, 10, 10]])
    p = np.maximum(ref[0] / 100, psi.EPSILON)
    q = np.maximum(cur[0] / 100, psi.EPSILON)
    assert psi.from_counts(ref, cur)[0] == pytest.approx(((q - p) * np.log(q / p)).sum())


def test_jensen_shannon_matches_scipy_and_hand_value() -> None:
    """The distance equals scipy's jensenshannon (base 2) and a hand computation."""
    ref = np.array(["a"] * 50 + ["b"] * 50, dtype=object)
    cur = np.array(["a"] * 100, dtype=object)
    # p = (.5, .5), q = (1, 0), m = (.75, .25):
    # JSD = .5·(.5·log2(.5/.75) + .5·log2(.5/.25)) + .5·log2(1/.75)
    jsd = 0.5 * (0.5 * np.log2(0.5 / 0.75) + 0.5 * np.log2(0.5 / 0.25)) + 0.5 * np.log2(1 / 0.75)
    assert jensen_shannon.js_distance(ref, cur) == pytest.approx(np.sqrt(jsd), rel=1e-12)
    rng = np.random.default_rng(2)
    r, c = rng.integers(0, 50, size=(2, 9))
    assert jensen_shannon.from_counts(r[None], c[None])[0] == pytest.approx(
        distance.jensenshannon(r, c, base=2), rel=1e-12)


def test_jensen_shannon_counts_unseen_levels() -> None:
    """A value the reference never showed is its own level, so it raises the distance."""
    ref = np.array(["a", "b"] * 100, dtype=object)
    same = np.array(["a", "b"] * 50, dtype=object)
    new = np.array(["a", "b", "c", "c"] * 25, dtype=object)
    assert jensen_shannon.js_distance(ref, same) == 0.0
    assert jensen_shannon.js_distance(ref, new) == pytest.approx(
        distance.jensenshannon([0.5, 0.5, 0], [0.25, 0.25, 0.5], base=2), rel=1e-12)


@pytest.mark.parametrize("seed", range(6))
def test_wasserstein_matches_scipy_over_robust_scale(seed: int) -> None:
    """The normalised distance is scipy's wasserstein_distance / (IQR / 1.349)."""
    rng = np.random.default_rng(seed)
    ref = rng.lognormal(size=3000) if seed % 2 else np.round(rng.normal(size=5000), 1)
    cur = ref[:1000] * 1.1 + 0.2
    cur = np.concatenate([cur, [np.nan] * 10])
    q1, q3 = np.quantile(ref, [0.25, 0.75])
    expected = stats.wasserstein_distance(ref, cur[~np.isnan(cur)]) / ((q3 - q1) / 1.349)
    assert wasserstein.normalised_wasserstein(ref, cur) == pytest.approx(expected, rel=1e-10)


def test_wasserstein_falls_back_to_std_when_iqr_is_zero() -> None:
    """A mostly-zero column (IQR 0) is scaled by its standard deviation."""
    ref = np.array([0.0] * 90 + [1.0, 2.0, 3.0, 4.0, 5.0] * 2)
    cur = np.array([0.0] * 80 + [1.0, 2.0, 3.0, 4.0, 5.0] * 4)
    expected = stats.wasserstein_distance(ref, cur) / ref.std()
    assert wasserstein.normalised_wasserstein(ref, cur) == pytest.approx(expected, rel=1e-12)


def test_location_shift_reads_in_standard_deviations() -> None:
    """Shifting a normal sample by half its SD gives a normalised distance near 0.5."""
    x = np.random.default_rng(0).normal(10, 3, size=50_000)
    assert wasserstein.normalised_wasserstein(x, x + 1.5) == pytest.approx(0.5, abs=0.01)
