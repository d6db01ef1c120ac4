"""Encode raw applications into a float matrix in schema order.

Categorical string fields become integer codes from a stable mapping (stored in the model
bundle); missing values and 'XNA' (where the schema's rules make it a missing value) become
NaN; a value outside the mapping of an *open* category (a new ORGANIZATION_TYPE, say) also
becomes NaN and is counted, never an error, because new categories are drift to watch.
Numeric fields are cast to float; values that cannot be read as numbers become NaN and are
reported as invalid.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from creditwatch import schema
from creditwatch.schema.rules import FIELD_RULES

CategoryMaps = dict[str, list[str]]
_NAMES = schema.FIELD_NAMES
_NUMBERS = (int, float, np.integer, np.floating)
_BOOLS = (bool, np.bool_)
_STRING_IDX = [i for i, f in enumerate(schema.FIELDS) if f.dtype == "str"]
_NUMERIC_IDX = [i for i, f in enumerate(schema.FIELDS) if f.dtype != "str"]
# "XNA" is a missing value, except in a closed set that does not list it: an unknown level there
_XNA_MISSING = [r.xna_missing for r in FIELD_RULES]


_PLAIN = frozenset({float, int, type(None)})
_NAN = math.nan
_ABSENT = [_NAN] * len(_NAMES)
_COLUMNWISE_ROWS = 5_000  # from here on, numeric columns are copied one by one


def _check_numbers(values: list[Any], r: int, wrong_at: list[tuple[int, int]]) -> None:
    """Check a row's numeric fields one by one: numpy scalars become floats; bools,
    strings, lists and dicts are not numbers (recorded, left missing)."""
    for i in _NUMERIC_IDX:
        value = values[i]
        kind = type(value)
        if value is None or kind is float or kind is int:
            continue  # NaN stays NaN: missing, not wrong
        if isinstance(value, _NUMBERS) and not isinstance(value, _BOOLS):
            values[i] = float(value)
        else:
            wrong_at.append((r, i))
            values[i] = None


@functools.lru_cache(maxsize=256)
def _is_number(dtype: Any) -> bool:
    """A numeric, non-bool dtype (memoised: pandas' dtype checks cost microseconds each)."""
    return bool(pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype))


def default_category_maps() -> CategoryMaps:
    """The schema's categories (minus 'XNA', which means missing) for every string field."""
    return {
        f.name: [str(c) for c in f.categories or () if c != schema.XNA]
        for f in schema.FIELDS
        if f.dtype == "str"
    }


@dataclass(slots=True)
class Encoded:
    """Raw values as a matrix, plus what was wrong with them."""

    values: np.ndarray  # (n, 120) float64, schema order
    unknown: np.ndarray  # (n, 120) bool: a category outside the mapping
    wrong_type: np.ndarray  # (n, 120) bool: not a usable value of the field's type

    @property
    def invalid(self) -> np.ndarray:
        """Given but unusable (unknown category or wrong type): scored as missing."""
        return self.unknown | self.wrong_type

    def __len__(self) -> int:
        return int(self.values.shape[0])


class Encoder:
    """Encodes raw rows with a fixed category mapping."""

    def __init__(self, category_maps: CategoryMaps | None = None) -> None:
        self.category_maps: CategoryMaps = category_maps or default_category_maps()
        # value -> code lookups, one dict per string field, in schema order
        self._lookups: list[dict[str, float] | None] = [None] * len(_NAMES)
        self._string_lookups: list[tuple[int, dict[str, float]]] = []
        self._indexes: list[pd.Index] = [pd.Index([])] * len(_NAMES)
        for i in _STRING_IDX:
            levels = self.category_maps.get(_NAMES[i], [])
            lookup = {level: float(code) for code, level in enumerate(levels)}
            if _XNA_MISSING[i]:
                lookup[schema.XNA] = math.nan
            self._lookups[i] = lookup
            self._string_lookups.append((i, lookup))
            self._indexes[i] = pd.Index(levels, dtype=object)

    # --- dicts: the API's hot path. Plain Python lists on purpose: a numpy element
    # assignment per value costs more than the whole list fill.
    def encode_one(self, row: Mapping[str, Any]) -> Encoded:
        return self.encode_records((row,))

    def encode_records(self, rows: Sequence[Mapping[str, Any]]) -> Encoded:
        """Encode a list of dicts (missing keys and None are missing values; keys that are
        not schema fields, such as SK_ID_CURR, are ignored). A value of the wrong JSON type
        (a string for a number, a number or bool for a category) is recorded in
        ``wrong_type`` and left missing; a string outside the category map in ``unknown``.

        Per row: one ``get`` per field (a C-level ``map``), the categories coded, and one
        ``set`` of the value types; numbers are checked one by one only when that set holds
        something other than plain floats, ints and None (bools, strings, numpy scalars)."""
        matrix: list[list[Any]] = []
        unknown_at: list[tuple[int, int]] = []
        wrong_at: list[tuple[int, int]] = []
        for r, row in enumerate(rows):
            # NaN for an absent key (None only for an explicit null): a float-only list
            # converts to numpy faster
            values = list(map(row.get, _NAMES, _ABSENT))
            self._code_categories(values, r, unknown_at, wrong_at)
            if not set(map(type, values)) <= _PLAIN:
                _check_numbers(values, r, wrong_at)
            matrix.append(values)
        # None (a missing value) becomes NaN here
        out = np.array(matrix, dtype=float).reshape(len(matrix), len(_NAMES))
        unknown = np.zeros(out.shape, dtype=bool)
        wrong = np.zeros(out.shape, dtype=bool)
        for r, i in unknown_at:
            unknown[r, i] = True
        for r, i in wrong_at:
            wrong[r, i] = True
        # NaN / Infinity given as numbers are not usable numbers: missing, and flagged
        not_finite = np.isinf(out)
        if not_finite.any():
            out[not_finite] = math.nan
            wrong |= not_finite
        return Encoded(out, unknown, wrong)

    def _code_categories(self, values: list[Any], r: int, unknown_at: list[tuple[int, int]],
                         wrong_at: list[tuple[int, int]]) -> None:
        """Replace each category string of a row by its code (NaN for a missing XNA, None when
        unknown)."""
        for i, lookup in self._string_lookups:
            value = values[i]
            if value is None or value is _NAN:  # _NAN: the key was absent
                continue
            if type(value) is str or isinstance(value, str):
                code = lookup.get(value)
                if code is None:
                    unknown_at.append((r, i))
                values[i] = code
            else:
                if value == value:  # a number or bool for a category; NaN is only missing
                    wrong_at.append((r, i))
                values[i] = None

    # --- DataFrame: vectorised per column
    def encode_frame(self, frame: pd.DataFrame) -> Encoded:
        """Encode a DataFrame; absent columns are entirely missing.

        Categories go through a hash index (``Index.get_indexer``, one C call per column)
        and numeric columns are copied as they are when already numeric: per-column pandas
        conversions dominated small batches.
        """
        n = len(frame)
        # column-major: every write below fills one contiguous column
        out = np.full((n, len(_NAMES)), np.nan, order="F")
        unknown = np.zeros((n, len(_NAMES)), dtype=bool, order="F")
        wrong = np.zeros((n, len(_NAMES)), dtype=bool, order="F")
        columns = set(frame.columns)
        dtypes = frame.dtypes
        fast: list[int] = []  # numeric fields already held in a numeric dtype
        for i, name in enumerate(_NAMES):
            if name not in columns:
                continue
            if self._lookups[i] is not None:
                raw = frame[name].to_numpy(dtype=object)
                # pandas-stubs want an Index here; an object ndarray is what pandas takes fastest
                codes = self._indexes[i].get_indexer(raw)  # type: ignore[arg-type]
                known = codes >= 0
                out[known, i] = codes[known]
                if not known.all():
                    # given but not known: an unknown level (XNA may be a "missing" marker)
                    rest = raw[~known]
                    given = ~pd.isna(rest)
                    unknown[~known, i] = given & (rest != schema.XNA) if _XNA_MISSING[i] else given
            elif _is_number(dtypes[name]):
                fast.append(i)
            else:
                col = frame[name]
                values = pd.to_numeric(col, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
                wrong[:, i] = col.notna().to_numpy() & ~np.isfinite(values)
                values[~np.isfinite(values)] = np.nan
                out[:, i] = values
        if fast:
            if n >= _COLUMNWISE_ROWS:
                # a large frame: one contiguous copy per column (a block conversion would
                # copy and transpose the whole frame twice)
                for i in fast:
                    col = frame[_NAMES[i]]
                    out[:, i] = (col.to_numpy(dtype=float) if isinstance(col.dtype, np.dtype)
                                 else col.to_numpy(dtype=float, na_value=np.nan))
            else:
                # a small one: one block conversion (pandas' per-column cost dominates here)
                out[:, fast] = frame[[_NAMES[i] for i in fast]].to_numpy(dtype=float,
                                                                         na_value=np.nan)
            infinite = np.isinf(out)  # categories are codes and the rest cleaned: only these
            if infinite.any():
                out[infinite] = np.nan
                wrong |= infinite
        return Encoded(out, unknown, wrong)

    def encode(self, data: pd.DataFrame | Mapping[str, Any] | Sequence[Mapping[str, Any]]) -> Encoded:
        if isinstance(data, pd.DataFrame):
            return self.encode_frame(data)
        if isinstance(data, Mapping):
            return self.encode_one(data)
        return self.encode_records(data)


def fit_category_maps(frame: pd.DataFrame) -> CategoryMaps:
    """The schema's levels, plus any level a training file holds that an open set lacks (a
    closed set stays closed: its levels are exactly what validation accepts).

    Levels are kept in schema order first, then extra levels sorted, so the mapping is
    stable for the same data and never depends on row order.
    """
    maps = default_category_maps()
    for name, levels in maps.items():
        if name not in frame.columns or schema.FIELD_BY_NAME[name].closed:
            continue
        seen = set(frame[name].dropna().astype(str).unique()) - {schema.XNA}
        extra = sorted(seen - set(levels))
        maps[name] = [*levels, *extra]
    return maps
