"""Data quality of raw applications: what is missing, out of range or unknown.

A field is *expected* when it was present in most training rows (stored in the bundle); the
data-quality score is the share of expected fields that are present, inside the real data's
typical range and, for categories, known to the model. Structurally missing blocks (building
columns, EXT_SOURCE_1) are therefore not held against an application.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from creditwatch import schema
from creditwatch.features import Encoded


def _bounds() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    lo = np.full(len(schema.FIELDS), -np.inf)
    hi = np.full(len(schema.FIELDS), np.inf)
    sentinel = np.full(len(schema.FIELDS), np.nan)
    for i, f in enumerate(schema.FIELDS):
        if f.typical is not None:
            lo[i], hi[i] = f.typical
        if f.sentinel is not None:
            sentinel[i] = f.sentinel
    return lo, hi, sentinel


_LO, _HI, _SENTINEL = _bounds()
_NAMES = np.array(schema.FIELD_NAMES)


@dataclass(slots=True)
class Quality:
    """Masks (rows x schema fields) and the per-row score."""

    missing: np.ndarray
    out_of_range: np.ndarray
    unknown: np.ndarray
    score: np.ndarray

    def fields(self, mask: np.ndarray, row: int) -> list[str]:
        return _NAMES[mask[row]].tolist()


def assess(encoded: Encoded, expected: np.ndarray) -> Quality:
    """Score each row; ``expected`` is a bool mask over the schema fields."""
    values = encoded.values
    present = values == values  # NaN != NaN; comparisons with NaN are False, silently
    outside = present & ((values < _LO) | (values > _HI)) & (values != _SENTINEL)
    unknown = encoded.invalid
    missing = ~present & ~unknown & expected
    columns = np.flatnonzero(expected)
    if len(columns):
        good = (present & ~outside & ~unknown)[:, columns]
        score = good.sum(axis=1) / len(columns)
    else:
        score = np.ones(len(values))
    return Quality(missing, outside, unknown, score)
