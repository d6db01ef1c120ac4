"""The two-sample chi-square test against scipy.stats.chi2_contingency, and its pooling."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from creditwatch.drift import chi2
from creditwatch.drift.categorical import CategoricalReference, categorical_batch

TOL = 1e-9


def _oracle(ref: np.ndarray, cur: np.ndarray) -> tuple[float, float]:
    table = chi2.pooled_table(ref, cur)
    if table.shape[1] < 2:
        return 0.0, 1.0  # chi2_contingency's own answer for a one-level table
    res = stats.chi2_contingency(table)  # defaults: Yates on 1 degree of freedom
    return float(res.statistic), float(res.pvalue)


def _sample(rng: np.random.Generator, levels: list[str], shares: list[float], n: int
            ) -> np.ndarray:
    return rng.choice(np.array(levels, dtype=object), size=n, p=shares)


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize(("n_ref", "n_cur"), [(20_000, 500), (3_000, 3_000), (400, 60),
                                              (50, 2_000)])
def test_statistic_and_pvalue_match_chi2_contingency(seed: int, n_ref: int, n_cur: int) -> None:
    """On random level mixes (rare levels, shifts), our values equal chi2_contingency's on
    the pooled table."""
    rng = np.random.default_rng(seed)
    k = int(rng.integers(2, 30))
    levels = [f"L{i}" for i in range(k)]
    shares = rng.dirichlet(np.full(k, 0.4))
    ref = _sample(rng, levels, list(shares), n_ref)
    drift = rng.dirichlet(np.full(k, 5.0)) if seed % 2 else shares
    cur = _sample(rng, levels, list(0.8 * shares + 0.2 * drift), n_cur)
    stat, p = chi2.chi2_two_sample(ref, cur)
    expected = _oracle(ref, cur)
    assert stat == pytest.approx(expected[0], rel=TOL, abs=TOL)
    assert p == pytest.approx(expected[1], rel=TOL, abs=1e-300)


def test_two_by_two_uses_yates_like_scipy_default() -> None:
    """A 0/1 flag gives the Yates-corrected statistic, as chi2_contingency by default."""
    ref = np.array([0] * 700 + [1] * 300)
    cur = np.array([0] * 130 + [1] * 70)
    res = stats.chi2_contingency(np.array([[700, 300], [130, 70]]))
    uncorrected = stats.chi2_contingency(np.array([[700, 300], [130, 70]]), correction=False)
    stat, p = chi2.chi2_two_sample(ref, cur)
    assert stat == pytest.approx(res.statistic, rel=TOL)
    assert p == pytest.approx(res.pvalue, rel=TOL)
    assert stat < uncorrected.statistic


def test_pooling_rule_by_hand() -> None:
    """Levels under 5 expected counts and unseen values pool into one level; an 'other' level
    still under 5 folds into the smallest kept level."""
    # 1000 reference rows, 100 current rows: a level needs (r + c) * 100 / 1100 >= 5, r + c >= 55.
    ref = np.array(["a"] * 600 + ["b"] * 300 + ["c"] * 60 + ["d"] * 30 + ["e"] * 10, dtype=object)
    cur = np.array(["a"] * 55 + ["b"] * 30 + ["c"] * 6 + ["d"] * 5 + ["z"] * 4, dtype=object)
    # kept: a (655), b (330), c (66); other: d 35 + e 10 + unseen z 4 = 49 < 55 -> into c.
    table = chi2.pooled_table(ref, cur)
    np.testing.assert_array_equal(table, [[600, 300, 60 + 30 + 10], [55, 30, 6 + 5 + 4]])
    cur2 = np.array(["a"] * 50 + ["b"] * 30 + ["c"] * 6 + ["d"] * 10 + ["z"] * 4, dtype=object)
    # other: d 40 + e 10 + z 4 = 54 < 55 still folds; with 2 more unseen it stands alone.
    cur3 = np.concatenate([cur2, np.array(["z", "z"], dtype=object)])
    assert chi2.pooled_table(ref, cur2).shape == (2, 3)
    table3 = chi2.pooled_table(ref, cur3)
    # 102 current rows: threshold (r + c) >= 5 * 1102 / 102 = 54.02 -> other (56) stands alone.
    np.testing.assert_array_equal(table3, [[600, 300, 60, 40], [50, 30, 6, 16]])


def test_single_level_table_is_degenerate() -> None:
    """When every level is rare, everything pools into one level: statistic 0, p-value 1."""
    ref = np.array(["a", "b", "c"] * 4, dtype=object)
    cur = np.array(["a"], dtype=object)
    assert chi2.pooled_table(ref, cur).shape == (2, 1)
    assert chi2.chi2_two_sample(ref, cur) == (0.0, 1.0)


def test_surge_of_a_near_constant_flag_is_not_pooled_away() -> None:
    """A flag that is 1 once in 10 000 reference rows and 100 times in 500 current rows keeps
    its own level (folding it into the only other level would leave nothing to test)."""
    ref = np.array([0] * 9_999 + [1])
    cur = np.array([0] * 400 + [1] * 100)
    np.testing.assert_array_equal(chi2.pooled_table(ref, cur), [[9_999, 1], [400, 100]])
    assert chi2.chi2_two_sample(ref, cur)[1] < 1e-100
    quiet = np.array([0] * 500)
    assert chi2.chi2_two_sample(ref, quiet)[1] == pytest.approx(
        stats.chi2_contingency(np.array([[9_999, 1], [500, 0]])).pvalue, rel=TOL)


def test_numeric_levels_and_missing_values() -> None:
    """1, 1.0 and nullable Int64 1 are one level; missing values are not counted."""
    ref = pd.Series([1, 2, 3, 1, 2, 1] * 100)
    cur = pd.Series([1.0, 2.0, None, 3.0, 1.0] * 40, dtype="Float64")
    fitted = CategoricalReference.fit(("x",), [ref])
    batch = categorical_batch(fitted, [cur])
    assert batch.cur_counts[0].tolist() == [80, 40, 40, 0]  # levels 1, 2, 3, unseen
    assert batch.missing_cur[0] == 40


def test_batch_of_columns_equals_one_at_a_time() -> None:
    """Testing several columns at once gives each column's own result."""
    rng = np.random.default_rng(4)
    refs = [_sample(rng, list("abc"), [0.5, 0.3, 0.2], 900),
            _sample(rng, [f"x{i}" for i in range(40)], list(np.full(40, 1 / 40)), 2000),
            rng.integers(0, 2, 700)]
    curs = [_sample(rng, list("abcd"), [0.4, 0.3, 0.2, 0.1], 300),
            _sample(rng, [f"x{i}" for i in range(40)], list(np.full(40, 1 / 40)), 250),
            rng.integers(0, 2, 90)]
    fitted = CategoricalReference.fit(("a", "b", "c"), [pd.Series(r) for r in refs])
    stat, p = chi2.batch(categorical_batch(fitted, [pd.Series(c) for c in curs]))
    for i in range(3):
        assert (stat[i], p[i]) == pytest.approx(chi2.chi2_two_sample(refs[i], curs[i]), rel=TOL)
