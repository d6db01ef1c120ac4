"""The vectorised KS test against scipy.stats.ks_2samp, on data of many shapes."""

from __future__ import annotations

import warnings
import zlib

import numpy as np
import pytest
from scipy import stats
from scipy.stats import distributions

from creditwatch.drift import ks
from creditwatch.drift.numeric import NumericReference, numeric_batch

TOL = 1e-9


def _seed(*parts: object) -> int:
    return zlib.crc32(repr(parts).encode())


def _scipy(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    a, b = a[~np.isnan(a)], b[~np.isnan(b)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # scipy's exact-path fallback notice
        res = stats.ks_2samp(a, b)
    return float(res.statistic), float(res.pvalue)


def _assert_same(ours: tuple[float, float], theirs: tuple[float, float]) -> None:
    assert ours[0] == pytest.approx(theirs[0], rel=TOL, abs=TOL)
    assert ours[1] == pytest.approx(theirs[1], rel=TOL, abs=1e-300)


def _shape(kind: str, rng: np.random.Generator, n: int) -> np.ndarray:
    if kind == "normal":
        return rng.normal(size=n)
    if kind == "shifted":
        return rng.normal(0.3, 1.2, size=n)
    if kind == "heavy_ties":
        return rng.integers(-3, 4, size=n).astype(float)
    if kind == "discrete":
        return rng.choice([0.0, 1.0, 2.0, 5.0, 10.0], size=n, p=[0.6, 0.2, 0.1, 0.07, 0.03])
    if kind == "rounded_lognormal":
        return np.round(rng.lognormal(size=n), 1)
    if kind == "with_nan":
        x = rng.normal(size=n)
        x[rng.random(n) < 0.3] = np.nan
        return x
    if kind == "signed_zeros_and_tiny":
        return rng.choice([0.0, -0.0, 1e-300, -1e-300, 1e-12, -2.5, 3.0, 1e10], size=n)
    if kind == "scaled":
        return rng.normal(size=n) * 10.0 ** float(rng.integers(-8, 9))
    raise AssertionError(kind)


SHAPES = ["normal", "shifted", "heavy_ties", "discrete", "rounded_lognormal", "with_nan",
          "signed_zeros_and_tiny", "scaled"]


@pytest.mark.parametrize("kind", SHAPES)
@pytest.mark.parametrize(("n1", "n2"), [(1, 1), (1, 5), (3, 2), (5, 5), (4, 50), (37, 23),
                                        (500, 500), (2000, 700), (9000, 10000)])
def test_exact_regime_matches_scipy(kind: str, n1: int, n2: int) -> None:
    """Up to 10 000 values per sample, statistic and exact p-value equal scipy's."""
    rng = np.random.default_rng(_seed(kind, n1, n2))
    a, b = _shape(kind, rng, n1), _shape(kind, rng, n2)
    if np.isnan(a).all() or np.isnan(b).all():
        a[0], b[0] = 0.5, -0.5
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # same exact-path notice as scipy's
        ours = ks.ks_2samp(a, b)
    _assert_same(ours, _scipy(a, b))


@pytest.mark.parametrize("kind", SHAPES)
@pytest.mark.parametrize(("n1", "n2"), [(10_001, 400), (25_000, 25_000), (12_000, 30_000),
                                        (50_000, 9)])
def test_asymptotic_regime_matches_scipy(kind: str, n1: int, n2: int) -> None:
    """Above 10 000 values in a sample, statistic and asymptotic p-value equal scipy's."""
    rng = np.random.default_rng(_seed(kind, n1, n2, "asymp"))
    a, b = _shape(kind, rng, n1), _shape(kind, rng, n2)
    _assert_same(ks.ks_2samp(a, b), _scipy(a, b))


def test_identical_samples_give_zero_and_one() -> None:
    """A sample compared with itself has statistic 0 and p-value 1, as in scipy."""
    x = np.random.default_rng(1).normal(size=300)
    assert ks.ks_2samp(x, x) == (0.0, 1.0) == _scipy(x, x)


def test_disjoint_samples_give_statistic_one() -> None:
    """Samples with no overlap have statistic 1 and scipy's tiny p-value."""
    a, b = np.arange(50.0), np.arange(100.0, 170.0)
    _assert_same(ks.ks_2samp(a, b), _scipy(a, b))
    assert ks.ks_2samp(a, b)[0] == 1.0


def test_current_values_outside_the_reference_range_and_magnitude() -> None:
    """Current values far beyond the reference range or below its smallest magnitude still
    give scipy's result (they are merged into flat stretches of the reference ECDF)."""
    rng = np.random.default_rng(5)
    ref = rng.uniform(2.0, 3.0, size=800)
    cur = np.concatenate([rng.uniform(2.0, 3.0, 300), [1e-200, 5e-324, -1e-250, 1e300, -1e305],
                          rng.uniform(0, 1e-5, 20)])
    _assert_same(ks.ks_2samp(ref, cur), _scipy(ref, cur))


def test_reference_with_extreme_dynamic_range() -> None:
    """A reference mixing denormals, zeros of both signs and 1e10 matches scipy."""
    rng = np.random.default_rng(8)
    ref = rng.choice([5e-324, 1e-300, 0.0, -0.0, -2.5, 1e10], size=400)
    cur = rng.choice([5e-324, 1e-310, 0.0, -0.0, -2.5, 3.0, 1e10], size=300)
    _assert_same(ks.ks_2samp(ref, cur), _scipy(ref, cur))


def test_many_columns_at_once_match_per_column_scipy() -> None:
    """One batch over columns of different shapes and missing counts equals scipy column by
    column, for a large and for a small window (the two merge strategies)."""
    rng = np.random.default_rng(11)
    n = 12_000
    ref = np.stack([_shape(k, rng, n) for k in SHAPES])
    fitted = NumericReference.fit(tuple(SHAPES), ref)
    for m in (15_000, 300):
        cur = np.stack([_shape(k, rng, m) for k in SHAPES])
        cur[0, :7] = np.nan  # a column with missing values only in the window
        stat, p = ks.batch(numeric_batch(fitted, cur, block_values=40_000))
        for i in range(len(SHAPES)):
            _assert_same((stat[i], p[i]), _scipy(ref[i], cur[i]))


def test_pvalue_function_follows_scipy_method_choice() -> None:
    """Exact below 10 001 values (statistic snapped to the lattice), asymptotic above."""
    d, p = ks.pvalues(np.array([0.1234567, 0.1234567, 0.05]), np.array([80, 10_000, 10_001]),
                      np.array([70, 300, 500]))
    assert d[0] == round(0.1234567 * 560) / 560  # lcm(80, 70) = 560
    assert d[2] == 0.05
    assert p[2] == pytest.approx(float(distributions.kstwo.sf(0.05, round(10_001 * 500 /
                                                                          10_501))), rel=TOL)


def test_empty_columns_give_nan_instead_of_raising() -> None:
    """A column without current values gets NaN (the engine reports it as excluded)."""
    fitted = NumericReference.fit(("a", "b"), np.array([[1.0, 2.0, 3.0], [1.0, 5.0, 9.0]]))
    stat, p = ks.batch(numeric_batch(fitted, np.array([[np.nan, np.nan], [2.0, 4.0]])))
    assert np.isnan(stat[0]) and np.isnan(p[0])
    _assert_same((stat[1], p[1]), _scipy(np.array([1.0, 5.0, 9.0]), np.array([2.0, 4.0])))


def test_equal_large_samples_across_the_pvalue_range() -> None:
    """Equal sizes above 10 000 put n·d on whole numbers; small to clear shifts (p from ~1 to
    ~1e-50, every asymptotic branch) all give scipy's p-value."""
    rng = np.random.default_rng(21)
    ref = rng.normal(size=20_000)
    for shift in np.linspace(0.0, 0.12, 25):
        cur = rng.normal(shift, size=20_000)
        _assert_same(ks.ks_2samp(ref, cur), _scipy(ref, cur))


def test_small_integer_samples_with_many_ties() -> None:
    """Samples of a few integer values (every tie pattern between the two samples) give
    scipy's statistic and p-value."""
    rng = np.random.default_rng(13)
    for _ in range(300):
        n1, n2 = (int(v) for v in rng.integers(1, 200, 2))
        a = rng.integers(0, int(rng.integers(1, 6)), n1).astype(float)
        b = rng.integers(0, int(rng.integers(1, 6)), n2).astype(float)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # same exact-path notice as scipy's
            ours = ks.ks_2samp(a, b)
        _assert_same(ours, _scipy(a, b))
