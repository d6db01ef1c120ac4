"""Reasons for scored applications: TreeSHAP attributions grouped into reason codes.

A reason is a row of the reason-code table (:mod:`.codes`) whose features together pushed
the application's probability of default *up*: their contributions (log-odds, summed) are
positive. Each application gets at most ``k`` reasons, largest contribution first.

Tie-break rule (documented, tested): equal contributions are ordered by code, ascending
("R02" before "R11"). The same input always gives the same reasons in the same order: the
engine's sums and the grouping run in a fixed order.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from numba import njit

from creditwatch import schema
from creditwatch.explain.codes import REASON_CODES, ReasonCode, resolve
from creditwatch.features import CategoryMaps, Encoded
from creditwatch.features.lineage import feature_sources

DEFAULT_REASONS = 4
Value = float | int | str | None


@dataclass(frozen=True, slots=True)
class Reason:
    """One reason: code, text, the raw fields behind it, the applicant's values of those
    fields (None when absent), and its contribution to the log-odds of default."""

    code: str
    text: str
    fields: tuple[str, ...]
    values: dict[str, Value]
    contribution: float

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "text": self.text, "fields": list(self.fields),
                "values": dict(self.values), "contribution": self.contribution}


class ReasonGrouper:
    """Groups per-feature contributions into reasons for one feature list and category map."""

    def __init__(self, feature_names: list[str], category_maps: CategoryMaps,
                 table: tuple[ReasonCode, ...] = REASON_CODES) -> None:
        value_row, missing_row = resolve(feature_names, table)
        # slots in code order, so that a stable sort breaks ties by code
        order = sorted(range(len(table)), key=lambda i: table[i].code)
        slot_of = {row: slot for slot, row in enumerate(order)}
        self.rows = [table[i] for i in order]
        self.value_slot = np.array([slot_of[i] for i in value_row])
        self.missing_slot = np.array([slot_of[i] for i in missing_row])
        sources = feature_sources()
        field_index = {name: i for i, name in enumerate(schema.FIELD_NAMES)}
        # (schema fields x model features): field j is a source of feature f
        self.sources = np.zeros((len(schema.FIELD_NAMES), len(feature_names)), dtype=np.uint8)
        slot_fields: list[list[str]] = [[] for _ in self.rows]
        for f, name in enumerate(feature_names):
            for field in sources[name]:
                self.sources[field_index[field], f] = 1
            for slot in {int(self.value_slot[f]), int(self.missing_slot[f])}:
                slot_fields[slot].extend(s for s in sources[name] if s not in slot_fields[slot])
        # the same, as lists: feature f's fields are source_field[source_start[f]:source_start[f + 1]]
        self.source_start = np.concatenate([[0], np.cumsum(self.sources.sum(axis=0))]).astype(np.int64)
        self.source_field = np.nonzero(self.sources.T)[1].astype(np.int64)
        self.fields = [tuple(sorted(fs, key=field_index.__getitem__)) for fs in slot_fields]
        self._field_index = field_index
        self._slot_fields = [[(name, field_index[name]) for name in fs] for fs in self.fields]
        self._labels = {field_index[name]: levels for name, levels in category_maps.items()}
        self._ints = {field_index[f.name] for f in schema.FIELDS if f.dtype == "int"}
        self.n_features = len(feature_names)

    def group(self, contributions: np.ndarray, x: np.ndarray, raw: np.ndarray) -> np.ndarray:
        """(rows x slots) summed contributions; a feature goes to its missing reason when it
        is NaN and a raw field it comes from is absent (NaN in ``raw``, schema order)."""
        sums = np.empty((len(x), len(self.rows)))
        _group(np.ascontiguousarray(contributions, dtype=float),
               np.ascontiguousarray(x, dtype=float), np.ascontiguousarray(raw, dtype=float),
               self.value_slot, self.missing_slot, self.source_start, self.source_field, sums)
        return sums

    def reasons(self, contributions: np.ndarray, x: np.ndarray, raw: np.ndarray,
                k: int = DEFAULT_REASONS) -> list[list[Reason]]:
        """At most k reasons per row: positive sums, largest first, ties by code."""
        sums = self.group(contributions, x, raw)
        top = np.argsort(-sums, axis=1, kind="stable")[:, :k].tolist()
        # Python floats from here on: indexing numpy arrays element by element costs more
        return [[self._reason(slot, row_sums[slot], row_raw) for slot in slots
                 if row_sums[slot] > 0.0]
                for slots, row_sums, row_raw in zip(top, sums.tolist(), raw.tolist(), strict=True)]

    def _reason(self, slot: int, contribution: float, raw: list[float]) -> Reason:
        row = self.rows[slot]
        return Reason(row.code, row.text, self.fields[slot],
                      {name: self._value(j, raw[j]) for name, j in self._slot_fields[slot]},
                      contribution)

    def _value(self, j: int, v: float) -> Value:
        if math.isnan(v):
            return None
        levels = self._labels.get(j)
        if levels is not None:
            return levels[int(v)]
        return int(v) if j in self._ints and v.is_integer() else v


def raw_values(raw: Encoded | np.ndarray) -> np.ndarray:
    """The encoded raw matrix (schema order) of an ``Encoded`` or a matrix."""
    values = raw.values if isinstance(raw, Encoded) else raw
    return np.asarray(values, dtype=float).reshape(-1, len(schema.FIELD_NAMES))


@njit(cache=True)
def _group(phi: np.ndarray, x: np.ndarray, raw: np.ndarray, value_slot: np.ndarray,
           missing_slot: np.ndarray, source_start: np.ndarray, source_field: np.ndarray,
           out: np.ndarray) -> None:
    """:meth:`ReasonGrouper.group` compiled: features summed into their slots in feature order."""
    out[:, :] = 0.0
    for r in range(x.shape[0]):
        for f in range(len(value_slot)):
            slot = value_slot[f]
            v = x[r, f]
            if v != v:
                for k in range(source_start[f], source_start[f + 1]):
                    field = raw[r, source_field[k]]
                    if field != field:
                        slot = missing_slot[f]
                        break
            out[r, slot] += phi[r, f]
