"""The shared categorical kernel: reference levels and counts, and a window's counts on them.

``CategoricalReference.fit`` keeps, per column, the reference's levels ordered from the most to
the least frequent (the order in which rare levels get pooled, see :mod:`chi2`) and their
counts. ``categorical_batch`` counts a window on those levels plus one extra slot, ``unseen``,
for values the reference never showed; missing values are not counted (the missing-rate signal
covers them). Results are padded ``(p, L)`` count matrices, level ``j`` of column ``i`` in
``[i, j]`` and the unseen slot in the last column, so the tests run on all columns at once.

Values are compared after one normalisation: numeric columns (0/1 flags, 1-3 ratings, nullable
integers) as float64, so ``1``, ``1.0`` and ``Int64`` 1 are one level; anything else as Python
objects (strings).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

_SMALL_INT_LEVELS = 1024  # numeric levels that are small integers are coded by table lookup

try:  # private but long-standing (pandas 1.x-2.x); Index.get_indexer is the fallback
    from pandas._libs.hashtable import PyObjectHashTable as _ObjectTable
except ImportError:  # pragma: no cover - other pandas versions
    _ObjectTable = None


UNSEEN = "UNSEEN"  # ``level_shares``' row for values the reference does not have


@dataclass(frozen=True, slots=True)
class CategoricalReference:
    """What every window reuses for the categorical columns of one reference."""

    names: tuple[str, ...]
    levels: tuple[pd.Index, ...]  # per column, most frequent first (hash tables built once)
    ref_counts: np.ndarray  # (p, L) counts on the levels, 0 in the unseen slot and padding
    lookups: tuple[np.ndarray | None, ...]  # value -> code tables for small-integer levels
    hashes: tuple[Any, ...]  # pandas hash tables of object levels (None where not used)

    @classmethod
    def fit(cls, names: tuple[str, ...], columns: list[pd.Series]) -> CategoricalReference:
        """Levels and counts of each reference column (missing values dropped)."""
        return cls.from_counts(names, [level_counts(col) for col in columns])

    @classmethod
    def from_counts(cls, names: tuple[str, ...], tables: list[tuple[pd.Index, np.ndarray]]
                    ) -> CategoricalReference:
        """From ``level_counts`` of each column, already computed."""
        levels = [levels for levels, _ in tables]
        counts = [counts for _, counts in tables]
        width = max((len(c) for c in counts), default=0) + 1
        ref = np.zeros((len(names), width), dtype=np.int64)
        for i, c in enumerate(counts):
            ref[i, : len(c)] = c
        return cls(names, tuple(levels), ref, tuple(_lookup(lv) for lv in levels),
                   tuple(_hash_table(lv) for lv in levels))

    @property
    def n_levels(self) -> np.ndarray:
        return np.array([len(lv) for lv in self.levels], dtype=np.int64)


@dataclass(frozen=True, slots=True)
class CategoricalBatch:
    """Reference and current counts of one window, read by the categorical methods."""

    names: tuple[str, ...]
    ref_counts: np.ndarray  # (p, L), unseen slot last
    cur_counts: np.ndarray  # (p, L)
    missing_cur: np.ndarray  # (p,) missing values in the window

    @property
    def n_ref(self) -> np.ndarray:
        return self.ref_counts.sum(axis=1)

    @property
    def n_cur(self) -> np.ndarray:
        return self.cur_counts.sum(axis=1)


def level_counts(column: pd.Series | np.ndarray) -> tuple[pd.Index, np.ndarray]:
    """Levels of a column, most frequent first, and their counts (missing values dropped)."""
    vc = pd.Series(normalise(column)).value_counts(sort=True, dropna=True)
    return pd.Index(vc.index.to_numpy()), vc.to_numpy(dtype=np.int64)


def normalise(column: pd.Series | np.ndarray) -> np.ndarray:
    """Values as int64 (integer columns without missing values), float64 (other numeric
    columns, NaN = missing) or objects (the rest)."""
    series = column if isinstance(column, pd.Series) else pd.Series(column)
    dtype = series.dtype
    if isinstance(dtype, np.dtype) and (dtype.kind in "iu" or dtype == np.bool_):
        return series.to_numpy(dtype=np.int64)
    if pd.api.types.is_bool_dtype(dtype) or pd.api.types.is_numeric_dtype(dtype):
        return series.to_numpy(dtype=np.float64, na_value=np.nan)
    return series.to_numpy(dtype=object)


def encode(levels: pd.Index, values: np.ndarray, lookup: np.ndarray | None = None,
           table: Any = None) -> np.ndarray:
    """Code of each value: its level index, ``len(levels)`` if unseen, -1 if missing.

    Small-integer levels (flags, ratings) are coded by table lookup, the rest by pandas' hash
    table of the levels.
    """
    k = len(levels)
    if lookup is not None and values.dtype == np.int64 and values.size and (
            values.min() >= 0 and values.max() < _SMALL_INT_LEVELS):
        return lookup.take(values)
    if lookup is not None and values.dtype.kind in "if":
        inside = (values >= 0) & (values < _SMALL_INT_LEVELS) & (values == np.floor(values))
        codes = lookup.take(np.where(inside, values, _SMALL_INT_LEVELS).astype(np.int64))
        if values.dtype == np.float64:
            codes[np.isnan(values)] = -1
        return codes
    if table is not None and values.dtype == object:
        codes = table.lookup(values)
    else:  # pandas takes the array as is; an Index around it would re-infer its dtype
        codes = levels.get_indexer(values)  # type: ignore[arg-type]
    odd = np.flatnonzero(codes < 0)  # unseen or missing: tell them apart on these only
    if odd.size:
        codes[odd] = np.where(pd.isna(values[odd]), -1, k)
    return codes


def categorical_batch(ref: CategoricalReference, columns: list[pd.Series]) -> CategoricalBatch:
    """Count each current column on its reference levels."""
    width = ref.ref_counts.shape[1]
    cur = np.zeros_like(ref.ref_counts)
    missing = np.zeros(len(ref.names), dtype=np.int64)
    for i, (levels, col) in enumerate(zip(ref.levels, columns, strict=True)):
        codes = encode(levels, normalise(col), ref.lookups[i], ref.hashes[i])
        counts = np.bincount(codes + 1, minlength=len(levels) + 2)  # shifted: missing at 0
        missing[i] = counts[0]
        cur[i, : len(levels)] = counts[1: len(levels) + 1]
        cur[i, width - 1] = counts[len(levels) + 1]
    return CategoricalBatch(ref.names, ref.ref_counts, cur, missing)


def _hash_table(levels: pd.Index) -> Any:
    """pandas' own object hash table of the levels, when available.

    ``Index.get_indexer`` first infers the dtype of the whole window column (a full scan of
    Python strings); looking the values up in the table directly takes half the time.
    """
    if _ObjectTable is None or levels.dtype != object:
        return None
    table = _ObjectTable(len(levels))
    table.map_locations(levels.to_numpy())
    return table


def _lookup(levels: pd.Index) -> np.ndarray | None:
    """Table from value to code when every level is an integer in [0, 1024), else None."""
    values = levels.to_numpy()
    if values.dtype.kind not in "iuf" or not values.size:
        return None
    if not ((values >= 0) & (values < _SMALL_INT_LEVELS) & (values == np.floor(values))).all():
        return None
    table = np.full(_SMALL_INT_LEVELS + 1, len(values), dtype=np.int64)  # default: unseen
    table[values.astype(np.int64)] = np.arange(len(values))
    return table


def level_shares(ref: CategoricalReference, data: CategoricalBatch) -> pd.DataFrame:
    """The share of each level among a column's present values, reference and current side
    by side: feature, category, reference_share, current_share, change (current minus
    reference). Levels the reference lacks are one row, category ``UNSEEN``, when the
    current side has any; a side without values has NaN shares."""
    frames = []
    for i, (name, levels) in enumerate(zip(ref.names, ref.levels, strict=True)):
        k = len(levels)
        ref_counts = data.ref_counts[i, :k + 1].astype(np.float64)
        cur_counts = np.concatenate([data.cur_counts[i, :k], data.cur_counts[i, -1:]]).astype(np.float64)
        with np.errstate(invalid="ignore", divide="ignore"):
            ref_share, cur_share = ref_counts / ref_counts.sum(), cur_counts / cur_counts.sum()
        keep = slice(None) if cur_counts[-1] else slice(0, k)
        frames.append(pd.DataFrame({
            "feature": name, "category": [*map(str, levels), UNSEEN][keep],
            "reference_share": ref_share[keep], "current_share": cur_share[keep]}))
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=["feature", "category", "reference_share", "current_share"])
    out["change"] = out["current_share"] - out["reference_share"]
    return out
