"""Order-preserving int64 keys for float64 values, with a spare low bit saying which sample.

Why: the exact two-sample statistics need the merged order of a reference and a current sample
and, at every position, which sample the value came from. ``np.searchsorted`` (what scipy uses)
costs a branchy binary search per value; sorting one int64 array per column, where the low
bit carries the sample, costs one SIMD sort and gives the same information, for a whole block
of columns at once (``np.sort(axis=1)``).

The key of ``x`` is ``2·t(x) + src`` (src 0 = reference, 1 = current), where
``t(x) = sign(x) · max(bits(|x|) − G, 1)`` for ``x ≠ 0`` and ``t(0) = 0``. ``bits`` is the
IEEE-754 bit pattern (monotone in ``|x|`` for non-negative floats). A float needs all 64 bits
(sign + 63), so the per-column offset ``G`` drops the lowest magnitudes to free one bit: it is
set from the reference's largest magnitude ``hi`` so that values up to ``2^64·hi`` still fit,
i.e. only magnitudes below ``hi·2^-959`` are lost, and never above the reference's smallest
non-zero magnitude. Consequences:

* reference values map one-to-one and in order, ties stay ties (``-0.0`` and ``0.0`` both
  map to 0), so the merged order is exact;
* current values with magnitudes below ``G`` map to ``±1``; no reference value lies there, so
  the reference ECDF is flat and merging them cannot change a supremum of ECDF differences
  (KS stays exact); current magnitudes beyond ``2^64·hi`` are clamped, with the same argument.
  Only the Wasserstein distance would see the clamping, for values no real feature takes;
* a reference whose own magnitudes span more than ~2^1000 (denormals next to large values)
  does not fit: :func:`offsets` reports it and the caller uses plain float arithmetic there.

Missing values get the pad keys, above every real key, and are cut off by the callers' counts.
"""

from __future__ import annotations

import numpy as np

LIMIT = (1 << 62) - 2  # largest |t|: 2·t + 1 stays below the pads
PAD_REF = (1 << 63) - 2  # even: a missing reference value, sorted after every real key
PAD_CUR = PAD_REF + 1  # odd (the int64 maximum): a missing current value
_CHUNK = 1 << 16  # values encoded per slice
_HEADROOM = 64 << 52  # 64 binades above the reference's largest magnitude stay exact
_MAG = np.int64(0x7FFF_FFFF_FFFF_FFFF)
_SIGN = np.int64(-(1 << 63))


def offsets(sorted_values: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-row offsets ``G`` (shape ``(p, 1)``) of finite rows sorted with NaN last, and
    whether each row's keys fit (``False``: use exact float arithmetic for that column)."""
    p = sorted_values.shape[0]
    out = np.zeros((p, 1), dtype=np.int64)
    fits = np.ones(p, dtype=bool)
    for i in range(p):  # once per reference fit: a few scalar reads per column
        row = sorted_values[i, : counts[i]]
        if row.size == 0:
            continue
        neg = int(np.searchsorted(row, 0.0, side="left"))  # negatives: row[:neg]
        pos = int(np.searchsorted(row, 0.0, side="right"))  # positives: row[pos:]
        smallest = [abs(row[neg - 1])] if neg > 0 else []
        smallest += [row[pos]] if pos < row.size else []
        if not smallest:
            continue  # all zeros: any offset works
        lo = int(np.float64(min(smallest)).view(np.int64))
        hi = int(np.float64(max(abs(row[0]), abs(row[-1]))).view(np.int64))
        out[i, 0] = min(max(hi + _HEADROOM - LIMIT, 0), max(lo - 2, 0))
        fits[i] = hi - out[i, 0] <= LIMIT
    return out, fits


def encode(values: np.ndarray, offset: np.ndarray, src: int, *, has_nan: bool,
           out: np.ndarray | None = None, scratch: np.ndarray | None = None) -> np.ndarray:
    """Keys of a 2-D float64 block (rows = columns of the data), one int64 per value.

    ``out`` may be ``values`` itself viewed as int64 (the reference fit encodes in place).
    Rows are worked through in slices of about ``_CHUNK`` values so that the temporaries stay
    in cache; ``scratch``, an int64 array of at least two rows, saves their allocation.
    """
    values = np.ascontiguousarray(values, dtype=np.float64)
    rows, width = values.shape
    t = np.empty(values.shape, dtype=np.int64) if out is None else out
    step = max(1, min(rows, _CHUNK // max(width, 1)))
    if scratch is None or scratch.size < 2 * width:
        scratch = np.empty(2 * step * width, dtype=np.int64)
    step = max(1, min(step, scratch.size // (2 * width)))
    mag = scratch[: step * width].reshape(step, width)
    sign = scratch[step * width: 2 * step * width].reshape(step, width)
    for start in range(0, rows, step):
        stop = min(rows, start + step)
        _encode_rows(values[start:stop], offset[start:stop], src, t[start:stop],
                     mag[: stop - start], sign[: stop - start], has_nan)
    return t


def _encode_rows(values: np.ndarray, offset: np.ndarray, src: int, t: np.ndarray,
                 mag: np.ndarray, sign: np.ndarray, has_nan: bool) -> None:
    bits = values.view(np.int64)
    missing = np.isnan(values) if has_nan else None
    np.right_shift(bits, 63, out=sign)  # 0 for +, -1 for -
    np.bitwise_and(bits, _MAG, out=mag)
    # Everything is read from ``values`` by now: ``t`` may overwrite it.
    np.subtract(mag, offset, out=t)
    np.maximum(t, 1, out=t)
    np.minimum(t, mag, out=t)  # zero stays zero
    np.minimum(t, LIMIT, out=t)
    t ^= sign
    t -= sign  # two's-complement negation where the sign bit was set
    t <<= 1
    t |= src
    if missing is not None:
        np.putmask(t, missing, PAD_REF + src)


def decode_sorted_row(keys: np.ndarray, offset: int, out: np.ndarray) -> np.ndarray:
    """Float values of one sorted row of keys (the sample bit ignored), written into ``out``.

    The row is sorted, so negative values, zeros and positive values are three slices of it;
    only the negative slice needs the sign work.
    """
    t = np.right_shift(keys, 1, out=out)
    neg, pos = np.searchsorted(t, (0, 1))
    t[pos:] += offset
    t[neg:pos] = 0
    head = t[:neg]
    np.subtract(offset, head, out=head)
    head |= _SIGN
    return t.view(np.float64)
