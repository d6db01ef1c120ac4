"""Protected attributes and the group each application belongs to.

A protected attribute is a schema field: a categorical one groups applications by its level
(``CODE_GENDER``: F, M; a missing value or ``XNA`` is the group ``missing``), and the
applicant's age, read from ``DAYS_BIRTH`` (days before the application, negative), groups
them by **age band**. The default bands are ``<25``, ``25-34``, ``35-49``, ``50-64`` and
``65+`` years (edges 25, 35, 50, 65): the first marks the young applicants credit rules
often treat apart, 65 the usual retirement age; the bands in between are wide enough to
hold thousands of applications a month each on the Home Credit age profile (21-69).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from creditwatch import schema

AGE_FIELD = "DAYS_BIRTH"
DAYS_PER_YEAR = 365.25  # as the derived AGE_YEARS feature
DEFAULT_AGE_BANDS: tuple[float, ...] = (25.0, 35.0, 50.0, 65.0)
MISSING = "missing"


def age_band_labels(edges: Sequence[float]) -> list[str]:
    """``<25``, ``25-34``, ..., ``65+`` for the edges 25, 35, 50, 65 (whole years)."""
    cuts = [float(e) for e in edges]
    labels = [f"<{cuts[0]:g}"]
    labels += [f"{lo:g}-{hi - 1:g}" if lo.is_integer() and hi.is_integer() else f"{lo:g}-{hi:g}"
               for lo, hi in itertools.pairwise(cuts)]
    return [*labels, f"{cuts[-1]:g}+"]


def age_bands(days_birth: np.ndarray | pd.Series, edges: Sequence[float]) -> np.ndarray:
    """The age band of each ``DAYS_BIRTH`` (an age exactly on an edge opens the next band);
    missing values are ``missing``."""
    days = np.asarray(days_birth, dtype=np.float64)
    years = -days / DAYS_PER_YEAR
    labels = np.array([*age_band_labels(edges), MISSING], dtype=object)
    index = np.searchsorted(np.asarray(edges, dtype=np.float64), years, side="right")
    index[~np.isfinite(years)] = len(labels) - 1
    return labels[index]


@dataclass(frozen=True, slots=True)
class ProtectedAttribute:
    """One protected attribute: the field it is read from and, for age, the band edges."""

    field: str
    bands: tuple[float, ...] = ()

    def __post_init__(self) -> None:
        if self.field not in schema.FIELD_BY_NAME:
            raise ValueError(f"{self.field!r} is not a field of the application schema")
        banded = self.field == AGE_FIELD
        if banded and (not self.bands or list(self.bands) != sorted(set(self.bands))
                       or self.bands[0] <= 0):
            raise ValueError(f"age bands must be increasing positive years; got {self.bands!r}")
        if not banded and schema.FIELD_BY_NAME[self.field].dtype != "str":
            raise ValueError(f"{self.field} is numeric: only categorical fields and "
                             f"{AGE_FIELD} (in age bands) can be protected attributes")

    @property
    def name(self) -> str:
        """``AGE_BAND`` for the age, else the field's own name."""
        return "AGE_BAND" if self.field == AGE_FIELD else self.field

    def codes(self, values: np.ndarray | pd.Series) -> tuple[np.ndarray, np.ndarray]:
        """Integer group codes of raw values and the sorted group labels they index
        (``labels[codes]`` == ``groups(values)``)."""
        if self.field == AGE_FIELD:
            years = -np.asarray(values, dtype=np.float64) / DAYS_PER_YEAR
            raw = np.searchsorted(np.asarray(self.bands, dtype=np.float64), years, side="right")
            raw[~np.isfinite(years)] = -1
            return recode(raw, np.array(age_band_labels(self.bands), dtype=object))
        raw, levels = pd.factorize(pd.Series(np.asarray(values, dtype=object)))
        return self.recode_levels(raw, levels.to_numpy(dtype=object))

    def recode_levels(self, raw: np.ndarray, levels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``codes`` from codes into the field's distinct raw ``levels`` (-1: missing), as
        a database's dictionary gives them: only the levels are labelled, not every row."""
        return recode(raw, self.groups(levels))

    def groups(self, values: np.ndarray | pd.Series) -> np.ndarray:
        """The group label of each raw value of the field (object array of str)."""
        if self.field == AGE_FIELD:
            return age_bands(values, self.bands)
        series = pd.Series(np.asarray(values, dtype=object))
        missing = series.isna() | (series == schema.XNA)
        return series.astype(str).where(~missing, MISSING).to_numpy(dtype=object)


def recode(raw: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Codes into ``labels`` (-1: missing) made codes into the sorted distinct labels (two
    levels may share a label: a missing value and ``XNA``)."""
    names, inverse = np.unique(np.array([*labels, MISSING], dtype=object).astype(str),
                               return_inverse=True)
    raw = np.asarray(raw, np.int64)
    return inverse[np.where(raw < 0, len(labels), raw)].astype(np.int64), names.astype(object)


def protected_attributes(fields: Sequence[str], bands: Sequence[float] = DEFAULT_AGE_BANDS
                         ) -> tuple[ProtectedAttribute, ...]:
    """The attributes of the configured fields (the age bands apply to ``DAYS_BIRTH``)."""
    return tuple(ProtectedAttribute(f, tuple(bands) if f == AGE_FIELD else ()) for f in fields)
