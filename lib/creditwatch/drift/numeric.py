"""The shared numeric kernel: each column sorted once gives KS, Wasserstein and PSI counts.

``NumericReference`` holds, once per reference, everything that does not depend on the window:
each column's finite values sorted (missing values, NaN and ±inf, dropped per column), its
count, robust scale and PSI decile edges. ``numeric_batch`` then copies the window's columns
in blocks sized to stay in cache, sorts each block with one 2-D ``np.sort`` (SIMD quicksort,
NaN last) and reads off, per column, from the two sorted samples (:mod:`ecdf`):

* the KS numerator ``n·m·max|F_ref - F_cur|`` (an integer), at the points scipy evaluates;
* the 1-Wasserstein distance, as the area between the quantile functions;
* the number of current values at or below each PSI edge (nine binary searches).

Nothing is merged: the window's sort is the only step that touches every value more than a few
times. No scipy call is made per column; the p-values are computed for all columns together
(:mod:`ks`).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from creditwatch.drift.ecdf import Scratch, sup_numerator, wasserstein_sorted

PSI_BINS = 10  # reference deciles
_BLOCK_VALUES = 1 << 18  # window values sorted per block: 2 MB, so a block stays in L2
_THREADS = min(2, os.cpu_count() or 1)  # threads for sorting (numpy sorts release the GIL)


@dataclass(frozen=True, slots=True)
class NumericReference:
    """What every window reuses for the numeric columns of one reference."""

    names: tuple[str, ...]
    values: np.ndarray  # (p, n) each row's finite values sorted, then NaN after its count
    counts: np.ndarray  # (p,) finite values per column
    scale: np.ndarray  # (p,) robust scale used to normalise the Wasserstein distance
    edges: np.ndarray  # (p, PSI_BINS - 1) decile edges (reference values)
    edge_ref_cum: np.ndarray  # (p, PSI_BINS - 1) reference values at or below each edge

    @classmethod
    def fit(cls, names: tuple[str, ...], values: np.ndarray) -> NumericReference:
        """Precompute from ``values`` (shape ``(p, n)``; NaN and ±inf = missing)."""
        ordered = np.array(values, dtype=np.float64)  # a copy, sorted in place
        sort_rows(ordered)
        return cls.from_sorted(names, ordered, finite_sorted(ordered))

    @classmethod
    def from_sorted(cls, names: tuple[str, ...], ordered: np.ndarray, counts: np.ndarray
                    ) -> NumericReference:
        """From rows already passed through :func:`finite_sorted`, and its counts (kept)."""
        edges = _decile_edges(ordered, counts)
        edge_ref_cum = np.zeros(edges.shape, dtype=np.int64)
        for i in range(len(names)):  # a few edges per column, once per fit
            edge_ref_cum[i] = np.searchsorted(ordered[i, : counts[i]], edges[i], side="right")
        return cls(names, ordered, counts, robust_scale(ordered, counts), edges, edge_ref_cum)


def finite_sorted(ordered: np.ndarray) -> np.ndarray:
    """Finite values per row of rows sorted by ``np.sort``, moved to the front; NaN after.

    A sorted row is ``[-inf…, finite…, +inf…, NaN…]``, so its finite values are one slice found
    by two binary searches; only the rare rows with infinities are rewritten (in place).
    """
    counts = np.empty(ordered.shape[0], dtype=np.int64)
    for i, row in enumerate(ordered):
        lo = int(np.searchsorted(row, -np.inf, side="right"))
        hi = int(np.searchsorted(row, np.inf, side="left"))
        counts[i] = hi - lo
        if lo or (hi < row.size and row[hi] == np.inf):
            row[: hi - lo] = row[lo:hi].copy()
            row[hi - lo:] = np.nan
    return counts


@dataclass(frozen=True, slots=True)
class NumericBatch:
    """Per-column ECDF results of one window, read by the numeric methods."""

    names: tuple[str, ...]
    n_ref: np.ndarray  # non-missing counts
    n_cur: np.ndarray
    d_num: np.ndarray  # max |F_ref - F_cur|·n·m (KS statistic = d_num / (n·m))
    wasserstein: np.ndarray  # 1-Wasserstein distance in the column's units
    scale: np.ndarray  # robust scale of the reference
    ref_cum: np.ndarray  # (p, PSI_BINS - 1) reference counts at or below each edge
    cur_cum: np.ndarray  # (p, PSI_BINS - 1) current counts at or below each edge


def robust_scale(ordered: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """IQR/1.349 (the standard deviation for normal data); the standard deviation if IQR is 0.

    Why not the standard deviation alone: heavy tails and sentinels inflate it (DAYS_EMPLOYED's
    365243 makes it ~140 000 days for a bulk spread of ~2 500), which would hide real shifts.
    """
    q1 = quantile_sorted(ordered, counts, 0.25)
    q3 = quantile_sorted(ordered, counts, 0.75)
    scale = (q3 - q1) / 1.349
    flat = ~(scale > 0)
    if flat.any():
        with np.errstate(invalid="ignore", divide="ignore"):
            std = np.nanstd(ordered[flat], axis=1)
        scale[flat] = std
    return scale


def quantile_sorted(ordered: np.ndarray, counts: np.ndarray, q: float) -> np.ndarray:
    """Row quantiles of rows sorted with NaN last, as ``np.quantile`` (method 'linear')."""
    pos = (counts - 1) * q
    lo = np.floor(pos).astype(np.int64)
    hi = np.minimum(lo + 1, np.maximum(counts - 1, 0))
    rows = np.arange(ordered.shape[0])
    a, b = ordered[rows, lo], ordered[rows, hi]
    frac = pos - lo
    return a + (b - a) * frac


def _decile_edges(ordered: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Reference values at the deciles (``inverted_cdf``): bins are ``(e[b-1], e[b]]``.

    Edges are reference values so that tied values never straddle an edge; duplicate edges
    (heavy ties) leave empty bins in both samples, which add nothing to the PSI.
    """
    steps = np.arange(1, PSI_BINS) / PSI_BINS
    pos = np.ceil(counts[:, None] * steps[None, :]).astype(np.int64) - 1
    return np.take_along_axis(ordered, np.maximum(pos, 0), axis=1)


def numeric_batch(ref: NumericReference, current: np.ndarray | Sequence[np.ndarray], *,
                  block_values: int = _BLOCK_VALUES) -> NumericBatch:
    """Compare every column of ``current`` (rows as in ``ref``, same length) with ``ref``.

    ``current`` is a ``(p, m)`` array or ``p`` arrays of ``m`` values (NaN, ±inf = missing).
    """
    p = len(ref.names)
    m = len(current[0]) if p else 0
    n_cur = np.zeros(p, dtype=np.int64)
    d_num = np.zeros(p, dtype=np.int64)
    wass = np.full(p, np.nan)
    cur_cum = np.zeros_like(ref.edge_ref_cum)
    scratch = Scratch(max(m, ref.values.shape[1]))
    # Columns with equal reference counts (a shared missing pattern) are taken one after the
    # other, so that the Wasserstein grid of their sizes is computed once.
    order = np.argsort(ref.counts, kind="stable")
    step = max(1, min(p, block_values // max(m, 1)))
    for rows, block, counts in _sorted_blocks(current, order, step):
        for j, i in enumerate(rows):
            a, c = ref.values[i, : ref.counts[i]], block[j, : counts[j]]
            n_cur[i] = counts[j]
            d_num[i] = sup_numerator(a, c)
            wass[i] = wasserstein_sorted(a, c, scratch)
            cur_cum[i] = np.searchsorted(c, ref.edges[i], side="right")
    return NumericBatch(ref.names, ref.counts, n_cur, d_num, wass, ref.scale, ref.edge_ref_cum,
                        cur_cum)


def _sorted_blocks(current: np.ndarray | Sequence[np.ndarray], order: np.ndarray, step: int
                   ) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """``(rows, sorted block, finite counts)`` for blocks of ``step`` columns, in ``order``.

    The columns are copied into two reused buffers (fresh memory per block would cost page
    faults) and sorted there, NaN last. While the caller works on one block, a second thread
    fills and sorts the next: ``np.sort`` releases the GIL, so on two cores the sort, the
    largest cost of a comparison, runs beside the statistics instead of before them.
    """
    starts = range(0, len(order), step)
    m = len(current[0]) if len(order) else 0
    buffers = [np.empty((min(step, len(order)), m)) for _ in range(min(2, len(starts)))]

    def prepare(k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        rows = order[starts[k]: starts[k] + step]
        block = buffers[k % 2][: len(rows)]
        for j, i in enumerate(rows):
            block[j] = current[i]
        block.sort(axis=1)
        return rows, block, finite_sorted(block)

    if len(starts) < 2 or _THREADS < 2:
        for k in range(len(starts)):
            yield prepare(k)
        return
    with ThreadPoolExecutor(max_workers=1) as pool:
        pending = pool.submit(prepare, 0)
        for k in range(len(starts)):
            ready = pending.result()
            if k + 1 < len(starts):  # block k - 1 is done with, so its buffer is free
                pending = pool.submit(prepare, k + 1)
            yield ready


def sort_rows(values: np.ndarray) -> None:
    """``values.sort(axis=1)`` in place, split between two threads when there are two cores."""
    half = values.shape[0] // 2
    if _THREADS < 2 or half == 0:
        values.sort(axis=1)
        return
    with ThreadPoolExecutor(max_workers=1) as pool:
        other = pool.submit(values[half:].sort, axis=1)
        values[:half].sort(axis=1)
        other.result()
