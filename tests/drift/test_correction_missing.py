"""Multiple-testing correction and the missing-rate signal against scipy."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from creditwatch.drift import correction, missing


@pytest.mark.parametrize("k", [1, 2, 5, 120, 1000])
def test_benjamini_hochberg_matches_scipy(k: int) -> None:
    """BH-adjusted p-values equal scipy.stats.false_discovery_control (ties included)."""
    rng = np.random.default_rng(k)
    p = np.concatenate([rng.uniform(size=k - k // 3), rng.uniform(0, 1e-3, size=k // 3)])
    p[: k // 10] = 0.01  # ties
    np.testing.assert_allclose(correction.adjust(p, "bh"),
                               stats.false_discovery_control(p, method="bh"), rtol=1e-12)


def test_benjamini_hochberg_by_hand() -> None:
    """BH on four p-values, step by step: sorted p·k/i, then running minimum from the top."""
    p = np.array([0.5, 0.6, 0.1, 0.001])
    # sorted: .001·4/1 = .004, .1·4/2 = .2, .5·4/3 = .667, .6·4/4 = .6 -> min from top: .6, .6
    np.testing.assert_allclose(correction.benjamini_hochberg(p), [0.6, 0.6, 0.2, 0.004])


def test_bonferroni_and_nan_entries() -> None:
    """Bonferroni multiplies by the number of tested p-values; NaN stays NaN and is not counted."""
    p = np.array([0.01, np.nan, 0.2, 0.5])
    np.testing.assert_allclose(correction.adjust(p, "bonferroni"), [0.03, np.nan, 0.6, 1.0])
    np.testing.assert_allclose(correction.adjust(p, "none"), p)
    with pytest.raises(ValueError, match="unknown correction"):
        correction.adjust(p, "holm")  # type: ignore[arg-type]


def test_missing_rate_test_equals_uncorrected_chi_square() -> None:
    """The two-proportion z-test p-value equals Pearson's chi-square on the 2×2 table."""
    ref = np.array([1.0] * 900 + [np.nan] * 100)
    cur = np.array([1.0] * 160 + [np.nan] * 40)
    share_ref, share_cur, p = missing.missing_rate(ref, cur)
    table = np.array([[900, 100], [160, 40]])
    assert (share_ref, share_cur) == (0.1, 0.2)
    assert p == pytest.approx(stats.chi2_contingency(table, correction=False).pvalue, rel=1e-10)


def test_missing_rate_without_variation() -> None:
    """No missing value on either side gives p-value 1."""
    assert missing.missing_rate(np.ones(10), np.ones(5)) == (0.0, 0.0, 1.0)
