"""Domain features derived from the encoded raw matrix.

The DAYS_EMPLOYED sentinel (365243, "not employed") becomes NaN plus a flag, because as a
number it would sit 1000 years away from every real value. Ratios follow the well-known
Home Credit kernels: credit/income, annuity/income, credit term, employment/age, income
per person, goods/credit, and EXT_SOURCE aggregates.

The formulas are written once, in :func:`_formulas`, against an arithmetic namespace
(:mod:`creditwatch.arith`), and evaluated two ways: on numpy columns for any number of rows
(:func:`derive`), and on plain Python floats for one application (:func:`derive_row`). One
row through numpy costs ~30 ufunc calls of fixed overhead each, which dominated
single-application scoring; the scalar evaluation gives bit-identical values (same operations
in the same order, checked by a test). Sums and products are spelled out term by term rather
than as axis reductions, because numpy's reduction order is not the left-to-right order of
Python arithmetic.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from creditwatch import schema
from creditwatch.arith import FloatOps, NumpyOps

_IDX = {name: i for i, name in enumerate(schema.FIELD_NAMES)}
_EMPLOYED = _IDX["DAYS_EMPLOYED"]
_EXT = [_IDX["EXT_SOURCE_1"], _IDX["EXT_SOURCE_2"], _IDX["EXT_SOURCE_3"]]
_COLUMNS = {key: _IDX[name] for key, name in (
    ("income", "AMT_INCOME_TOTAL"), ("credit", "AMT_CREDIT"), ("annuity", "AMT_ANNUITY"),
    ("goods", "AMT_GOODS_PRICE"), ("birth", "DAYS_BIRTH"), ("family", "CNT_FAM_MEMBERS"))}
_DAYS_PER_YEAR = 365.25

DERIVED_FEATURES: tuple[str, ...] = (
    "DAYS_EMPLOYED_ANOM",
    "CREDIT_INCOME_RATIO",
    "ANNUITY_INCOME_RATIO",
    "CREDIT_TERM",
    "GOODS_CREDIT_RATIO",
    "CREDIT_GOODS_DIFF",
    "EMPLOYED_AGE_RATIO",
    "INCOME_PER_PERSON",
    "AGE_YEARS",
    "EXT_SOURCE_MEAN",
    "EXT_SOURCE_MIN",
    "EXT_SOURCE_MAX",
    "EXT_SOURCE_STD",
    "EXT_SOURCE_NAN_COUNT",
    "EXT_SOURCE_PROD",
)


def _formulas(col: Callable[[str], Any], employed: Any, anom: Any, ext: Sequence[Any],
              xp: Any) -> list[Any]:
    """DERIVED_FEATURES, in order; ``col`` reads a raw column, ``employed`` is cleaned."""
    income, credit, annuity = col("income"), col("credit"), col("annuity")
    goods, birth = col("goods"), col("birth")
    e1, e2, e3 = ext
    p1, p2, p3 = e1 == e1, e2 == e2, e3 == e3  # NaN != NaN
    count = p1 * 1.0 + p2 + p3
    mean = xp.div(xp.where(p1, e1, 0.0) + xp.where(p2, e2, 0.0) + xp.where(p3, e3, 0.0), count)
    c1, c2, c3 = (xp.where(p, e - mean, 0.0) for p, e in ((p1, e1), (p2, e2), (p3, e3)))
    return [
        anom * 1.0,
        xp.div(credit, income),
        xp.div(annuity, income),
        xp.div(annuity, credit),
        xp.div(goods, credit),
        credit - goods,
        xp.div(employed, birth),
        xp.div(income, col("family")),
        birth / -_DAYS_PER_YEAR,
        mean,
        xp.fmin(xp.fmin(e1, e2), e3),  # all-NaN stays NaN
        xp.fmax(xp.fmax(e1, e2), e3),
        xp.sqrt(xp.div(c1 * c1 + c2 * c2 + c3 * c3, count)),
        3.0 - count,
        xp.where(p1, e1, mean) * xp.where(p2, e2, mean) * xp.where(p3, e3, mean),
    ]


def derive(raw: np.ndarray) -> np.ndarray:
    """Return the model matrix: the raw columns (sentinel cleaned) then DERIVED_FEATURES."""
    n, width = raw.shape
    # Same memory order as the input: a frame's column-major matrix stays column-major
    # (LightGBM reads both layouts; transposing 100k rows cost more than the formulas).
    if raw.flags.f_contiguous and n > 1:
        out = np.empty((n, width + len(DERIVED_FEATURES)), order="F")
    else:
        out = np.empty((n, width + len(DERIVED_FEATURES)), order="C")
    base = out[:, :width]
    base[:] = raw
    anom = raw[:, _EMPLOYED] == schema.DAYS_EMPLOYED_SENTINEL
    base[anom, _EMPLOYED] = np.nan
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        columns = _formulas(lambda key: base[:, _COLUMNS[key]], base[:, _EMPLOYED], anom,
                            [base[:, i] for i in _EXT], NumpyOps)
        derived = out[:, width:]
        for j, column in enumerate(columns):
            derived[:, j] = column
    # a zero denominator or an overflow gives inf; the model treats it as missing
    derived[np.isinf(derived)] = np.nan
    return out


def derive_row(raw: list[float]) -> list[float]:
    """One application's model row (raw values in schema order, as floats) as a list.

    Equal to ``derive(np.array([raw]))[0]``, element for element (NaN where NaN).
    """
    row = list(raw)
    anom = row[_EMPLOYED] == schema.DAYS_EMPLOYED_SENTINEL
    if anom:
        row[_EMPLOYED] = math.nan
    derived = _formulas(lambda key: row[_COLUMNS[key]], row[_EMPLOYED], anom,
                        [row[i] for i in _EXT], FloatOps)
    row.extend(v if v - v == 0.0 else math.nan for v in derived)  # inf - inf is NaN
    return row
