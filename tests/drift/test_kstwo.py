"""The fast evaluation of kstwo.sf's slow branches against scipy's own values."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import smirnov
from scipy.stats import distributions
from scipy.stats._ksstats import _kolmogn_DMTW  # the scipy routine durbin_cdf reproduces

from creditwatch.drift.kstwo import durbin_cdf, kstwo_sf, smirnov_sf


@pytest.mark.parametrize("n", [141, 500, 1_013, 2_000, 25_000, 100_000])
def test_smirnov_sum_matches_scipy(n: int) -> None:
    """The vectorised Birnbaum–Tingey sum equals scipy.special.smirnov to 1e-10 relative."""
    rng = np.random.default_rng(n)
    d = np.concatenate([rng.uniform(np.sqrt(2.2 / n), min(np.sqrt(370 / n), 0.99), 8),
                        rng.uniform(0.5, 0.99, 2)])
    for x in d:
        expected = smirnov(n, x)
        if expected > 1e-300:  # below, both are denormal noise
            assert smirnov_sf(n, float(x)) == pytest.approx(expected, rel=1e-10)


@pytest.mark.parametrize("n", [141, 2_000, 25_000, 99_000])
def test_durbin_matrix_matches_scipy(n: int) -> None:
    """Durbin's formula with n!/n^n from the Stirling series equals scipy's _kolmogn_DMTW."""
    for x in np.linspace(1.01 / n, (1.4 / n) ** (2 / 3), 5):
        assert durbin_cdf(n, float(x)) == pytest.approx(
            float(_kolmogn_DMTW(n, float(x), cdf=True)), rel=1e-10, abs=1e-13)


def test_every_branch_of_kstwo_sf() -> None:
    """Over sizes 1..10^5 and statistics 0..1 (all of scipy's branches), values match."""
    rng = np.random.default_rng(0)
    n = np.round(10 ** rng.uniform(0, 4.5, 160))
    x = np.concatenate([rng.uniform(0, 1, 80) ** 3, rng.uniform(0, 3, 80) / np.sqrt(n[80:])])
    np.testing.assert_allclose(kstwo_sf(x, n), distributions.kstwo.sf(x, n), rtol=1e-10,
                               atol=1e-300)


@pytest.mark.parametrize("n", [500, 25_000])
def test_smirnov_sum_on_the_lattice(n: int) -> None:
    """Statistics with n·d a whole number (common: KS statistics are multiples of 1/n) give
    scipy's value, although the last term's base is a hair below 0 in floating point."""
    lo, hi = int(np.sqrt(2.2 * n)) + 1, min(int(np.sqrt(370 * n)), n // 2)
    for k in np.linspace(lo, hi, 12).astype(int):
        for d in (k / n, np.nextafter(k / n, 1.0)):
            expected = smirnov(n, d)
            if expected > 1e-300:
                assert smirnov_sf(n, float(d)) == pytest.approx(expected, rel=1e-10)
