"""Domain features derived from the encoded raw matrix (vectorised numpy, no pandas).

The DAYS_EMPLOYED sentinel (365243, "not employed") becomes NaN plus a flag, because as a
number it would sit 1000 years away from every real value. Ratios follow the well-known
Home Credit kernels: credit/income, annuity/income, credit term, employment/age, income
per person, goods/credit, and EXT_SOURCE aggregates.
"""

from __future__ import annotations

import numpy as np

from creditwatch import schema

_IDX = {name: i for i, name in enumerate(schema.FIELD_NAMES)}
_EMPLOYED = _IDX["DAYS_EMPLOYED"]
_EXT = [_IDX["EXT_SOURCE_1"], _IDX["EXT_SOURCE_2"], _IDX["EXT_SOURCE_3"]]

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


def derive(raw: np.ndarray) -> np.ndarray:
    """Return the model matrix: the raw columns (sentinel cleaned) then DERIVED_FEATURES.

    Written with plain ufuncs (fmin/fmax reductions, one errstate) rather than nanmean and
    friends, whose per-call overhead dominated single-application scoring.
    """
    n, width = raw.shape
    out = np.empty((n, width + len(DERIVED_FEATURES)))
    base = out[:, :width]
    base[:] = raw
    anom = raw[:, _EMPLOYED] == schema.DAYS_EMPLOYED_SENTINEL
    base[anom, _EMPLOYED] = np.nan
    employed = base[:, _EMPLOYED]
    income, credit = base[:, _IDX["AMT_INCOME_TOTAL"]], base[:, _IDX["AMT_CREDIT"]]
    annuity, goods = base[:, _IDX["AMT_ANNUITY"]], base[:, _IDX["AMT_GOODS_PRICE"]]
    birth = base[:, _IDX["DAYS_BIRTH"]]
    ext = base[:, _EXT]
    present = ext == ext  # NaN != NaN
    count = present.sum(axis=1)
    derived = out[:, width:]
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        ext_mean = np.where(present, ext, 0.0).sum(axis=1) / count
        centred = np.where(present, ext - ext_mean[:, None], 0.0)
        derived[:, 0] = anom
        derived[:, 1] = credit / income
        derived[:, 2] = annuity / income
        derived[:, 3] = annuity / credit
        derived[:, 4] = goods / credit
        derived[:, 5] = credit - goods
        derived[:, 6] = employed / birth
        derived[:, 7] = income / base[:, _IDX["CNT_FAM_MEMBERS"]]
        derived[:, 8] = birth / -365.25
        derived[:, 9] = ext_mean
        derived[:, 10] = np.fmin.reduce(ext, axis=1)  # fmin skips NaN; all-NaN stays NaN
        derived[:, 11] = np.fmax.reduce(ext, axis=1)
        derived[:, 12] = np.sqrt((centred * centred).sum(axis=1) / count)
        derived[:, 13] = 3 - count
        derived[:, 14] = np.where(present, ext, ext_mean[:, None]).prod(axis=1)
    # a zero denominator gives inf; the model treats it as missing
    derived[np.isinf(derived)] = np.nan
    return out
