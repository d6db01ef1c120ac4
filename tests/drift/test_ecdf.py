"""The sorted-sample kernel against brute force and scipy: KS numerator and Wasserstein."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from creditwatch.drift import ecdf
from creditwatch.drift.numeric import NumericReference, numeric_batch


def _brute_numerator(a: np.ndarray, c: np.ndarray) -> int:
    """``n·m·max|F_a - F_c|`` over all pooled points, as scipy evaluates it."""
    both = np.concatenate((a, c))
    diff = (np.searchsorted(a, both, side="right") * c.size
            - np.searchsorted(c, both, side="right") * a.size)
    return int(np.abs(diff).max())


def _draw(kind: str, rng: np.random.Generator, size: int, shift: float) -> np.ndarray:
    if kind == "continuous":
        x = rng.normal(shift, 1.0, size)
    elif kind == "few_values":  # every sample value tied many times
        x = rng.poisson(2.0 + shift, size).astype(float)
    elif kind == "rounded":
        x = np.round(rng.uniform(shift, 1.0 + shift, size), 3)
    else:
        raise AssertionError(kind)
    return np.sort(x)


# Window sizes around the full-search cut (2048) and the block stride (32).
SIZES = [(1, 1), (7, 3000), (3000, 7), (50, 2047), (5000, 2048), (5000, 2049), (2048, 4097),
         (20_000, 4096), (4000, 30_001), (30_000, 30_000)]


@pytest.mark.parametrize("kind", ["continuous", "few_values", "rounded"])
@pytest.mark.parametrize("shift", [0.0, 0.01, 0.5])
@pytest.mark.parametrize(("n", "m"), SIZES)
def test_sup_numerator_equals_brute_force(kind: str, shift: float, n: int, m: int) -> None:
    """The bracketed search finds exactly the largest ECDF gap of the pooled points, for
    continuous, tied and rounded data, small and large windows, moved or not."""
    rng = np.random.default_rng(n * 7919 + m + int(shift * 100))
    a, c = _draw(kind, rng, n, 0.0), _draw(kind, rng, m, shift)
    assert ecdf.sup_numerator(a, c) == _brute_numerator(a, c)


def test_sup_numerator_where_the_gap_peaks_inside_a_block() -> None:
    """A window equal to the reference except for a narrow dense cluster (the gap peaks
    between two sampled points) still gives the exact numerator."""
    rng = np.random.default_rng(4)
    a = np.sort(rng.uniform(0, 1, 40_000))
    c = np.sort(np.concatenate((rng.uniform(0, 1, 39_900), rng.uniform(0.5, 0.5001, 100))))
    assert ecdf.sup_numerator(a, c) == _brute_numerator(a, c)


def test_sup_numerator_of_empty_samples_is_zero() -> None:
    """An empty sample gives 0 (the engine excludes such columns before testing)."""
    assert ecdf.sup_numerator(np.array([]), np.array([1.0])) == 0
    assert ecdf.sup_numerator(np.array([1.0]), np.array([])) == 0


@pytest.mark.parametrize(("n", "m"), [(1, 1), (1, 9), (9, 1), (300, 300), (300, 100),
                                      (100, 300), (240, 360), (997, 1009), (5000, 4999),
                                      (12_000, 30_000)])
def test_wasserstein_equals_scipy(n: int, m: int) -> None:
    """The area between the quantile functions equals scipy's wasserstein_distance, for equal,
    multiple, coprime and one-value sizes (grids that share points and grids that do not)."""
    rng = np.random.default_rng(n + 31 * m)
    a, c = np.sort(rng.lognormal(size=n)), np.sort(rng.lognormal(0.2, 1.1, size=m))
    assert ecdf.wasserstein_sorted(a, c) == pytest.approx(stats.wasserstein_distance(a, c),
                                                          rel=1e-12)


def test_wasserstein_scratch_reused_across_sizes() -> None:
    """One scratch reused for sizes that change, repeat and change back gives scipy's value
    every time (the grid kept for the last pair of sizes is only reused for that pair)."""
    rng = np.random.default_rng(9)
    work = ecdf.Scratch(6000)
    for n, m in [(5000, 4000), (5000, 4000), (4000, 5000), (6000, 6000), (5000, 4000),
                 (3000, 4000), (5000, 4001)]:
        a, c = np.sort(rng.normal(size=n)), np.sort(np.round(rng.normal(size=m), 1))
        assert ecdf.wasserstein_sorted(a, c, work) == pytest.approx(
            stats.wasserstein_distance(a, c), rel=1e-12)


def test_infinities_count_as_missing_on_both_sides() -> None:
    """±inf in the reference or the window is dropped like NaN: statistic, p-value, counts
    and Wasserstein distance equal scipy on the finite values."""
    rng = np.random.default_rng(12)
    ref = rng.normal(size=(3, 15_000))
    cur = rng.normal(0.05, 1.0, size=(3, 12_000))
    ref[0, :40], ref[1, -7:], cur[1, :3], cur[2, 100:180] = np.inf, -np.inf, -np.inf, np.nan
    ref[2, 5:9], cur[2, 9:20] = -np.inf, np.inf
    fitted = NumericReference.fit(("a", "b", "c"), ref)
    batch = numeric_batch(fitted, cur)
    for i in range(3):
        a, c = ref[i][np.isfinite(ref[i])], cur[i][np.isfinite(cur[i])]
        assert (batch.n_ref[i], batch.n_cur[i]) == (a.size, c.size)
        expected = stats.ks_2samp(a, c)
        assert batch.d_num[i] / (a.size * c.size) == pytest.approx(expected.statistic, rel=1e-12)
        assert batch.wasserstein[i] == pytest.approx(stats.wasserstein_distance(a, c), rel=1e-12)


def test_batch_is_the_same_with_and_without_the_sorting_thread(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Sorting the next block in a second thread changes nothing in the results, with many
    blocks and columns of different missing counts."""
    from creditwatch.drift import numeric

    rng = np.random.default_rng(3)
    ref = rng.normal(size=(9, 4000))
    cur = rng.normal(size=(9, 3000))
    ref[::2, :500] = np.nan
    cur[1::3, -200:] = np.nan
    fitted = NumericReference.fit(tuple("abcdefghi"), ref)
    results = []
    for threads in (1, 2):
        monkeypatch.setattr(numeric, "_THREADS", threads)
        results.append(numeric_batch(fitted, cur, block_values=7000))  # two columns a block
    for field in ("n_cur", "d_num", "wasserstein", "cur_cum"):
        np.testing.assert_array_equal(getattr(results[0], field), getattr(results[1], field))
