"""Exact ECDF statistics of two sorted samples, without merging them.

Both functions take the finite values of a reference ``a`` (size ``n``) and of a window ``c``
(size ``m``), each sorted ascending. Sorting the window is the one O(m log m) step of a
comparison; everything here is linear or touches a fraction of the values.

**KS numerator** (:func:`sup_numerator`): ``n·m·sup|F_a - F_c|``, an integer, so the statistic
does not depend on summation order. ``F_c - F_a`` rises only at window values and ``F_a - F_c``
only at reference values, so with ``c_i`` the ``i``-th window value (1-based)::

    sup(F_c - F_a)·n·m = max_i  f(i) = i·n - R(c_i)·m        R(x) = #{a <= x}
    sup(F_a - F_c)·n·m = max_i  g(i) = L(c_i)·m - (i-1)·n    L(x) = #{a <  x}

(ties need no care: within a run of equal values the last ``i`` maximises ``f`` and the first
maximises ``g``). These are the points ``scipy.stats.ks_2samp`` evaluates, hence the same
statistic. ``R`` and ``L`` are binary searches into ``a`` (what scipy does for all ``n + m``
values); here they are only run on every ``STRIDE``-th window value first. Since ``R`` and
``L`` are monotone, ``f`` and ``g`` on the block between two such samples are bounded by the
samples at its ends; only the blocks whose bound beats the best sampled value are searched in
full. For windows of thousands of values that is a few percent of the blocks (the ECDF
difference wanders far below its maximum most of the time), so about a tenth of the searches
are run; at worst (small windows) all of them are, plus the samples.

**1-Wasserstein distance** (:func:`wasserstein_sorted`): the area between the ECDFs, computed as
the area between the quantile functions, ``∫|A(u) - C(u)| du`` with ``A(u) = a[⌈u·n⌉]``. Both
are step functions on the grids ``k/n`` and ``l/m``, whose merged order is arithmetic: the
piece ending at ``k/n`` has width ``min(m, (k·m - 1) mod n + 1) / (n·m)`` and meets
``c[(k·m - 1) // n]``, the piece ending at ``l/m`` has width ``min(n, l·n mod m) / (n·m)`` and
meets ``a[(l·n - 1) // m]``. Equal sizes reduce it to ``mean|a - c|``.
"""

from __future__ import annotations

import numpy as np

STRIDE = 32  # window values per bracketed block
_FULL_BELOW = 2048  # smaller windows are searched in full (brackets would be too loose)


def sup_numerator(a: np.ndarray, c: np.ndarray) -> int:
    """``n·m·max|F_a - F_c|`` for sorted finite samples ``a`` and ``c`` (0 if one is empty)."""
    n, m = a.size, c.size
    if n == 0 or m == 0:
        return 0
    if m < _FULL_BELOW:
        i = np.arange(1, m + 1, dtype=np.int64)
        return max(_f(a, c, i).max(), _g(a, c, i).max(), 0)
    ends = np.append(np.arange(STRIDE, m, STRIDE, dtype=np.int64), m)  # 1-based block ends
    starts = np.concatenate(([0], ends[:-1]))  # each block is (start, end]
    sample = c[ends - 1]
    r = np.searchsorted(a, sample, side="right")
    lo = _left_from_right(a, sample, r)
    best = max(int((ends * n - r * m).max()), int((lo * m - (ends - 1) * n).max()), 0)
    # f(i) <= end·n - R(c_start)·m and g(i) <= L(c_end)·m - start·n on the block (start, end].
    r_before = np.concatenate(([0], r[:-1]))
    f_blocks = np.flatnonzero(ends * n - r_before * m > best)
    g_blocks = np.flatnonzero(lo * m - starts * n > best)
    if f_blocks.size:
        best = max(best, int(_f(a, c, _members(starts[f_blocks], m)).max()))
    if g_blocks.size:
        best = max(best, int(_g(a, c, _members(starts[g_blocks], m)).max()))
    return best


def _left_from_right(a: np.ndarray, x: np.ndarray, right: np.ndarray) -> np.ndarray:
    """``searchsorted(a, x, 'left')`` from the 'right' one: they differ only where ``x`` is in
    ``a``, so the second search runs on those values only (few, unless the column is discrete).
    """
    tied = np.flatnonzero(a.take(right - 1, mode="clip") == x)  # right >= 1 where tied
    if tied.size == 0:
        return right
    left = right.copy()
    left[tied] = np.searchsorted(a, x[tied], side="left")
    return left


def _members(starts: np.ndarray, m: int) -> np.ndarray:
    """1-based indices of the blocks starting after ``starts`` (the last one cut at ``m``)."""
    i = (starts[:, None] + np.arange(1, STRIDE + 1, dtype=np.int64)).ravel()
    return np.minimum(i, m, out=i)  # repeats of m are harmless for a maximum


def _f(a: np.ndarray, c: np.ndarray, i: np.ndarray) -> np.ndarray:
    return i * a.size - np.searchsorted(a, c[i - 1], side="right") * c.size


def _g(a: np.ndarray, c: np.ndarray, i: np.ndarray) -> np.ndarray:
    return np.searchsorted(a, c[i - 1], side="left") * c.size - (i - 1) * a.size


class Scratch:
    """Work arrays for :func:`wasserstein_sorted`, allocated once per batch of columns.

    Why: a fresh temporary of a column's size is returned to the system when freed and faults
    its pages in again on the next call, which costs more than the arithmetic on it. The grid
    pieces depend only on the two sizes, so those of the last pair are kept for the next
    column (columns with a shared missing pattern come in runs, see ``numeric_batch``).
    """

    def __init__(self, size: int) -> None:
        self.grid = np.arange(1, size + 1, dtype=np.float64)  # 1, 2, ..., size
        self.width = np.empty((2, size))  # piece widths on a's grid, on c's grid
        self.index = np.empty((2, size), dtype=np.intp)  # the other sample's value there
        self.height = np.empty(size)
        self.pair: tuple[int, int] | None = None

    def pieces(self, n: int, m: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Widths and indices of the pieces on both grids for sizes ``n`` and ``m``."""
        if self.pair != (n, m):
            _pieces(n, m, self, 0, ties=True)
            _pieces(m, n, self, 1, ties=False)
            self.pair = (n, m)
        return self.width[0, :n], self.index[0, :n], self.width[1, :m], self.index[1, :m]


def wasserstein_sorted(a: np.ndarray, c: np.ndarray, work: Scratch | None = None) -> float:
    """1-Wasserstein distance between sorted finite samples (NaN if one is empty)."""
    n, m = a.size, c.size
    if n == 0 or m == 0:
        return float("nan")
    work = work if work is not None and work.grid.size >= max(n, m) else Scratch(max(n, m))
    if n == m:
        diff = np.subtract(a, c, out=work.height[:n])
        return float(np.abs(diff, out=diff).sum()) / n
    width_a, index_a, width_c, index_c = work.pieces(n, m)
    # einsum, not a BLAS dot: OpenBLAS threads cost milliseconds per call on a busy machine.
    total = float(np.einsum("i,i->", width_a, _heights(a, c, index_a, work.height)))
    total += float(np.einsum("i,i->", width_c, _heights(c, a, index_c, work.height)))
    return total / (float(n) * float(m))


def _heights(a: np.ndarray, c: np.ndarray, index: np.ndarray, out: np.ndarray) -> np.ndarray:
    """``|a - c[index]|``; ``mode="clip"`` because "raise" would buffer the output."""
    height = np.take(c, index, out=out[: a.size], mode="clip")
    np.subtract(a, height, out=height)
    return np.abs(height, out=height)


def _pieces(n: int, m: int, work: Scratch, side: int, *, ties: bool) -> None:
    """Widths (times ``n·m``) of the pieces ending on the grid ``k/n``, and ``j`` there.

    With ``k`` from 1 to ``n``: ``j = (k·m - 1) // n`` and width ``min(m, k·m - j·n)``; where
    ``k/n`` is also on the other grid the piece is counted on one side only (``ties`` says
    whether on this one; the other gets width 0). Float arithmetic is exact here: the products
    are integers below 2^53, and ``(k·m - 1/2)/n`` lies at least ``1/(2n)`` from every integer.
    """
    k_m, j = work.height[:n], work.width[side, :n]
    np.multiply(work.grid[:n], m, out=k_m)
    np.subtract(k_m, 0.5, out=j)
    np.floor(np.divide(j, n, out=j), out=j)
    np.copyto(work.index[side, :n], j, casting="unsafe")
    width = j  # overwritten in place: j is kept as the index
    if not ties:  # grid points of the other sample up to and including k/n
        np.floor(np.divide(k_m, n, out=width), out=width)
    np.multiply(width, n, out=width)
    np.subtract(k_m, width, out=width)
    np.minimum(width, m, out=width)
