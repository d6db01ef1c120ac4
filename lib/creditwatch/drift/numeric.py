"""The shared numeric kernel: one merged sort per column gives KS, Wasserstein and PSI counts.

``NumericReference`` holds, once per reference, everything that does not depend on the window:
each column sorted (missing values dropped per column) and encoded as keys
(:mod:`creditwatch.drift.keys`), its count, robust scale and PSI decile edges.
``numeric_batch`` then takes the window's columns in blocks sized to stay in cache (one column
at 50k × 50k, dozens for small windows): it encodes the block and sorts each row of
``[reference keys | current keys]`` with one 2-D ``np.sort`` (SIMD quicksort; a galloping merge
for small windows), then scans each column's merged row once, with reused buffers, reading off:

* ``num[q] = cref[q]·m - ccur[q]·n`` at each merged position ``q``, where ``cref``/``ccur``
  count the reference/current values up to ``q``; ``num/(n·m)`` is the ECDF difference
  ``F_ref - F_cur``. Reference keys sort before equal current keys, so the largest
  ``F_cur - F_ref`` is exact over all positions, and the largest ``F_ref - F_cur`` is taken at
  the ends of runs of equal values only: exactly the points ``scipy.stats.ks_2samp``
  evaluates (``searchsorted(..., side='right')`` on all data), hence the same statistic;
* ``Σ |num[q]|·(x[q+1] - x[q]) / (n·m)``, the area between the ECDFs: the 1-Wasserstein
  distance, with ``x`` decoded from the keys;
* the number of current values at or below each PSI edge, by a search of the merged keys.

Counts are integers, so the KS statistic does not depend on summation order. No scipy call is
made per column; the p-values are computed for all columns together (:mod:`ks`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.stats import wasserstein_distance

from creditwatch.drift import keys as K

PSI_BINS = 10  # reference deciles
_BLOCK_VALUES = 1 << 17  # values per sorted block: one 100k-value column stays in L2


@dataclass(frozen=True, slots=True)
class NumericReference:
    """What every window reuses for the numeric columns of one reference."""

    names: tuple[str, ...]
    keys: np.ndarray  # (p, n) sorted reference keys, PAD_REF after each column's count
    counts: np.ndarray  # (p,) non-missing values per column
    offset: np.ndarray  # (p, 1) key offsets
    scale: np.ndarray  # (p,) robust scale used to normalise the Wasserstein distance
    edge_keys: np.ndarray  # (p, PSI_BINS - 1) current-sample keys of the decile edges
    edge_ref_cum: np.ndarray  # (p, PSI_BINS - 1) reference values at or below each edge
    edges: np.ndarray  # (p, PSI_BINS - 1) decile edges (reference values)
    floats: dict[int, np.ndarray]  # sorted values of the rare rows whose keys do not fit

    @classmethod
    def fit(cls, names: tuple[str, ...], values: np.ndarray) -> NumericReference:
        """Precompute from ``values`` (shape ``(p, n)``; NaN and ±inf = missing)."""
        ordered = finite(values)
        ordered = ordered.copy() if ordered is values else ordered
        ordered.sort(axis=1)  # NaN last
        return cls.from_sorted(names, ordered, sorted_counts(ordered))

    @classmethod
    def from_sorted(cls, names: tuple[str, ...], ordered: np.ndarray, counts: np.ndarray
                    ) -> NumericReference:
        """Precompute from rows already sorted with NaN last, and their non-missing counts.

        ``ordered`` is consumed: its memory is reused for the keys.
        """
        offset, fits = K.offsets(ordered, counts)
        edges = _decile_edges(ordered, counts)
        edge_keys = K.encode(edges, offset, 1, has_nan=False)
        edge_ref_cum = np.zeros(edges.shape, dtype=np.int64)
        for i in range(len(names)):  # a few edges per column, once per fit
            edge_ref_cum[i] = np.searchsorted(ordered[i, : counts[i]], edges[i], side="right")
        floats = {int(i): ordered[i, : counts[i]].copy() for i in np.flatnonzero(~fits)}
        scale = robust_scale(ordered, counts)
        ordered = np.ascontiguousarray(ordered)
        ref_keys = K.encode(ordered, offset, 0, has_nan=bool((counts < ordered.shape[1]).any()),
                            out=ordered.view(np.int64))
        return cls(names, ref_keys, counts, offset, scale, edge_keys, edge_ref_cum, edges,
                   floats)


def sorted_counts(ordered: np.ndarray) -> np.ndarray:
    """Non-missing values per row of rows sorted with NaN last (a binary search per row)."""
    return np.array([np.searchsorted(row, np.nan) for row in ordered], dtype=np.int64)


def finite(values: np.ndarray) -> np.ndarray:
    """``values`` as float64 with ±inf turned into NaN: infinities count as missing."""
    out = np.asarray(values, dtype=np.float64)
    if np.isinf(out).any():
        out = np.where(np.isinf(out), np.nan, out)
    return out


@dataclass(frozen=True, slots=True)
class NumericBatch:
    """Per-column merged-ECDF results of one window, read by the numeric methods."""

    names: tuple[str, ...]
    n_ref: np.ndarray  # non-missing counts
    n_cur: np.ndarray
    d_num: np.ndarray  # max |cref·m - ccur·n| (KS statistic = d_num / (n·m))
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


def numeric_batch(ref: NumericReference, current: np.ndarray, *,
                  block_values: int = _BLOCK_VALUES) -> NumericBatch:
    """Merge every column of ``current`` (shape ``(p, m)``, rows as in ``ref``) with ``ref``.

    Encoding and sorting run on 2-D blocks of columns; the linear scans then run on each
    column's slice of the block, with reused buffers (fresh 1 MB arrays cost page faults).
    """
    current = finite(current)
    p, m = current.shape
    n_cur = (~np.isnan(current)).sum(axis=1)
    d_num = np.zeros(p, dtype=np.int64)
    wass = np.zeros(p)
    cur_cum = np.zeros_like(ref.edge_ref_cum)
    n_max = ref.keys.shape[1]
    width = n_max + m
    step = max(1, min(p, block_values // max(width, 1)))
    merged = np.empty((step, width), dtype=np.int64)
    work = _Buffers(width)
    for start in range(0, p, step):
        rows = slice(start, min(p, start + step))
        block = merged[: rows.stop - rows.start]
        block[:, :n_max] = ref.keys[rows]
        K.encode(current[rows], ref.offset[rows], 1, has_nan=bool((n_cur[rows] < m).any()),
                 out=block[:, n_max:], scratch=work.scratch)
        _sort(block, n_max)
        for j, i in enumerate(range(rows.start, rows.stop)):
            d_num[i], wass[i], cur_cum[i] = _scan(
                block[j, : ref.counts[i] + n_cur[i]], int(ref.counts[i]), int(n_cur[i]),
                int(ref.offset[i, 0]), ref.edge_keys[i], work)
    cur_cum -= ref.edge_ref_cum
    for i, ordered in ref.floats.items():
        d_num[i], wass[i], cur_cum[i] = _float_column(ordered, current[i], ref.edges[i])
    return NumericBatch(ref.names, ref.counts, n_cur, d_num, wass, ref.scale, ref.edge_ref_cum,
                        cur_cum)


class _Buffers:
    """Scratch arrays for one column's scan, allocated once per batch."""

    def __init__(self, width: int) -> None:
        self.num = np.empty(width, dtype=np.int64)
        self.bits = np.empty(width, dtype=np.int64)
        self.scratch = np.empty(2 * width, dtype=np.int64)  # for encoding the window
        self.weights = np.empty(width, dtype=np.float64)
        self.gaps = np.empty(width, dtype=np.float64)


def _sort(block: np.ndarray, n_ref: int) -> None:
    """Sort each row of ``[reference keys | current keys]`` in place.

    A small window against a large reference is sorted on its own first and then merged by a
    stable sort (timsort finds the two runs and gallops through the long one); otherwise one
    SIMD quicksort of the whole row is cheaper.
    """
    if (block.shape[1] - n_ref) * 16 < n_ref:
        block[:, n_ref:].sort(axis=1)
        block.sort(axis=1, kind="stable")
    else:
        block.sort(axis=1)


def _scan(merged: np.ndarray, n: int, m: int, offset: int, edge_keys: np.ndarray,
          work: _Buffers) -> tuple[int, float, np.ndarray]:
    """KS numerator, Wasserstein distance and PSI counts (``<=`` each edge) of one column."""
    size = merged.size
    if n == 0 or m == 0:  # nothing to compare (the engine excludes such columns)
        return 0, float("nan"), np.searchsorted(merged, edge_keys, side="right")
    num = work.num[:size]
    np.bitwise_and(merged, 1, out=num)  # 1 for a current value
    num *= -(n + m)
    num += m  # +m per reference value, -n per current value
    np.cumsum(num, out=num)  # = cref·m - ccur·n
    d_num = max(_max_at_run_ends(num, merged), -int(num.min(initial=0)), 0)

    values = K.decode_sorted_row(merged, offset, work.bits[:size])
    gaps = np.subtract(values[1:], values[:-1], out=work.gaps[: size - 1])
    weights = np.abs(num[:-1], out=work.weights[: size - 1])
    # einsum, not BLAS: OpenBLAS threads cost milliseconds per call on a busy machine.
    wass = float(np.einsum("i,i->", weights, gaps)) / (float(n) * float(m))
    return d_num, wass, np.searchsorted(merged, edge_keys, side="right")


def _max_at_run_ends(num: np.ndarray, merged: np.ndarray) -> int:
    """Largest ``num`` at the last position of a run of equal values.

    The overall maximum usually sits at a run end (always when the samples share no value).
    Otherwise its run (equal values, reference copies first) can only count at its end; if
    nothing outside that run goes higher, that is the answer, and only failing that is the
    full run-end mask built.
    """
    if num.size == 0:
        return 0
    top = int(num.argmax())
    end = int(np.searchsorted(merged, merged[top] | 1, side="right")) - 1  # end of top's run
    best = int(num[end])
    if end == top:
        return best
    start = int(np.searchsorted(merged, merged[top] & ~1, side="left"))
    if max(num[:start].max(initial=best), num[end + 1:].max(initial=best)) <= best:
        return best
    bits = merged.view(np.uint64)  # unsigned, so a sign change also counts as a difference
    run_end = (bits[1:] ^ bits[:-1]) > 1
    return max(int(num[-1]), int(num[:-1][run_end].max(initial=num[-1])))


def _float_column(ref: np.ndarray, current: np.ndarray, edges: np.ndarray
                  ) -> tuple[int, float, np.ndarray]:
    """The same three results in plain float arithmetic, as scipy computes them (rare path)."""
    cur = np.sort(current[~np.isnan(current)])
    n, m = ref.size, cur.size
    both = np.concatenate((ref, cur))
    num = np.searchsorted(ref, both, side="right") * m - np.searchsorted(cur, both, side="right") * n
    wass = float(wasserstein_distance(ref, cur)) if n and m else float("nan")
    return int(np.abs(num).max(initial=0)), wass, np.searchsorted(cur, edges, side="right")
