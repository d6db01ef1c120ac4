"""Order-preserving keys: encoding keeps the order of values and decodes back exactly."""

from __future__ import annotations

import numpy as np

from creditwatch.drift import keys as K


def _reference_keys(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    ordered = np.sort(values).reshape(1, -1)
    offset, fits = K.offsets(ordered, np.array([values.size]))
    assert fits.all()
    return ordered, offset


def test_keys_keep_order_ties_and_sample_bit() -> None:
    """Sorting keys sorts the values; equal values tie; the low bit says which sample."""
    rng = np.random.default_rng(0)
    values = np.concatenate([rng.normal(size=500) * 10.0 ** rng.integers(-6, 7, 500),
                             [0.0, -0.0, 1.5, 1.5, -7.25, 3e9]])
    ordered, offset = _reference_keys(values)
    ref = K.encode(ordered, offset, 0, has_nan=False)[0]
    assert (np.diff(ref) >= 0).all()
    assert ((np.diff(ref) == 0) == (np.diff(ordered[0]) == 0)).all()
    cur = K.encode(ordered, offset, 1, has_nan=False)[0]
    assert ((cur - ref) == 1).all()  # same value, current key right after the reference key


def test_decoding_gives_the_values_back() -> None:
    """Decoding sorted keys returns the original floats bit for bit (signed zeros as 0)."""
    rng = np.random.default_rng(1)
    values = np.sort(np.concatenate([rng.lognormal(size=300), -rng.lognormal(size=200),
                                     [0.0, 0.0, 7.0]]))
    ordered, offset = _reference_keys(values)
    keys = K.encode(ordered, offset, 0, has_nan=False)[0]
    decoded = K.decode_sorted_row(keys, int(offset[0, 0]), np.empty_like(keys))
    np.testing.assert_array_equal(decoded, values)


def test_missing_values_sort_last() -> None:
    """NaN gets the pad keys, above every real key."""
    _, offset = _reference_keys(np.array([1.0, 2.0, 1e300]))
    keys = K.encode(np.array([[np.nan, 1e300, -1e300]]), offset, 1, has_nan=True)[0]
    assert keys[0] == K.PAD_CUR and keys[0] > keys[1] > keys[2]
