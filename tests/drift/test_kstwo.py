"""The fast evaluation of kstwo.sf's slow branches against scipy's own values."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import smirnov
from scipy.stats import distributions
from scipy.stats._ksstats import _kolmogn_DMTW, _kolmogn_PelzGood  # what we reproduce

from creditwatch.drift.kstwo import durbin_cdf, kstwo_sf, pelz_good_cdf, smirnov_sf


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


def test_pelz_good_series_matches_scipy() -> None:
    """The vectorised Pelz–Good series equals scipy's scalar one to 1e-13, for sizes from 141
    to 10^7 and statistics across the branch (z from below 0.042, where it is 0, to ~1.5)."""
    rng = np.random.default_rng(17)
    n = np.round(10 ** rng.uniform(np.log10(141), 7, 400))
    x = np.sqrt(rng.uniform(0.0, 2.2, n.size) / n)
    x[:5] = 0.03 / np.sqrt(n[:5])  # z = 0.03: the series underflows, cdf 0
    expected = np.array([_kolmogn_PelzGood(int(k), float(v), cdf=True) for k, v in zip(n, x,
                                                                                        strict=True)])
    np.testing.assert_allclose(pelz_good_cdf(n, x), expected, rtol=1e-13, atol=1e-300)


def test_kstwo_sf_for_large_sizes() -> None:
    """From 10^4 to 3·10^6 (scipy's smirnov turns asymptotic above 10^6, and so do we) every
    branch of kstwo.sf matches scipy's value to 1e-10."""
    rng = np.random.default_rng(23)
    n = np.concatenate([np.round(10 ** rng.uniform(4, 6, 16)),
                        np.round(rng.uniform(1_000_001, 3e6, 16)), [1e6, 1_000_001]])
    x = np.sqrt(rng.uniform(0.0, 40.0, n.size) / n)
    x[16:] = np.sqrt(rng.uniform(2.2, 40.0, n.size - 16) / n[16:])  # the smirnov branch
    np.testing.assert_allclose(kstwo_sf(x, n), distributions.kstwo.sf(x, n), rtol=1e-10,
                               atol=1e-300)
