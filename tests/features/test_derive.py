"""The derived features: one application (plain floats) and a batch (numpy) agree exactly."""

from __future__ import annotations

import numpy as np
import pandas as pd

from creditwatch import schema
from creditwatch.features import FeaturePipeline, derive, derive_row
from creditwatch.synthetic.generator import generate


def _adversarial(n: int, seed: int) -> np.ndarray:
    """Encoded synthetic rows with zeros, NaN, -0.0, huge values and the sentinel sprinkled in."""
    values = FeaturePipeline().encode(generate(n, seed)).values.copy()
    rng = np.random.default_rng(seed)
    u = rng.random(values.shape)
    values[u < 0.05] = 0.0
    values[(u >= 0.05) & (u < 0.10)] = np.nan
    values[(u >= 0.10) & (u < 0.12)] = 1e300  # products and sums overflow to inf
    values[(u >= 0.12) & (u < 0.13)] = -0.0
    employed = schema.FIELD_NAMES.index("DAYS_EMPLOYED")
    values[rng.random(n) < 0.2, employed] = schema.DAYS_EMPLOYED_SENTINEL
    return values


def test_one_row_equals_the_batch_bit_for_bit() -> None:
    """derive_row on one row gives exactly the batch derive's row, NaN where NaN."""
    values = _adversarial(3_000, 11)
    batch = derive(values)
    for i in range(len(values)):
        np.testing.assert_array_equal(np.array(derive_row(values[i].tolist())), batch[i])


def test_no_inf_survives_either_path() -> None:
    """Zero denominators and overflows become NaN on both paths, never inf."""
    values = _adversarial(500, 12)
    assert not np.isinf(derive(values)).any()
    assert not any(np.isinf(derive_row(values[i].tolist())).any() for i in range(len(values)))


def test_memory_order_follows_the_input() -> None:
    """A column-major input gives a column-major matrix with the same values as row-major."""
    values = _adversarial(200, 13)
    f_order, c_order = derive(np.asfortranarray(values)), derive(np.ascontiguousarray(values))
    assert f_order.flags.f_contiguous and c_order.flags.c_contiguous
    np.testing.assert_array_equal(f_order, c_order)


def test_large_frames_encode_like_records() -> None:
    """A frame large enough for the column-by-column copy encodes like the same rows as dicts."""
    frame = generate(6_000, 14)
    frame.loc[frame.index[:50], "AMT_CREDIT"] = np.inf
    frame["AMT_ANNUITY"] = pd.array(frame["AMT_ANNUITY"], dtype="Float64")  # nullable dtype
    pipe = FeaturePipeline()
    a = pipe.encode(frame)
    records = [{k: (None if v is pd.NA else v) for k, v in row.items()}
               for row in frame.to_dict("records")]
    b = pipe.encode(records)
    np.testing.assert_array_equal(a.values, b.values)
    np.testing.assert_array_equal(a.wrong_type, b.wrong_type)
    assert a.wrong_type[:50, schema.FIELD_NAMES.index("AMT_CREDIT")].all()
