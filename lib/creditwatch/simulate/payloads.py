"""Request payloads: generator rows as JSON objects, and deliberately bad ones."""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

import numpy as np
import pandas as pd

from creditwatch import schema
from creditwatch.schema import APPLICATION_TIME
from creditwatch.simulate.schedule import BatchPlan
from creditwatch.synthetic.generator import generate
from creditwatch.windows import Window

_KEEP = (schema.ID_COLUMN, *schema.FIELD_NAMES)
# What a broken client sends; each must be refused with a 4xx naming the problem.
CORRUPTIONS = ("wrong_type", "negative_amount", "unknown_field", "bad_category",
               "ext_source_out_of_bounds", "missing_required")


def _jsonable(value: Any) -> Any:
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating, float)):
        v = float(value)
        return int(v) if v.is_integer() and abs(v) < 2**53 else v
    return value


def batch_frame(plan: BatchPlan, seed: int, *, id_start: int) -> pd.DataFrame:
    """The batch's applications as the generator draws them: SK_ID_CURR, TARGET, the fields
    and TRUE_PD (the same plan, seed and first id give the same frame)."""
    return generate(plan.size, seed + plan.index * 7919, plan.drift, id_start=id_start)


def request_rows(frame: pd.DataFrame, *, window: Window | None,
                 of: tuple[int, int] | None = None) -> list[dict[str, Any]]:
    """``frame``'s applications as JSON-ready dicts (missing values omitted), spread evenly
    inside ``window`` through their application time when one is given; ``of=(first, n)``:
    ``frame`` is rows ``first``... of a batch of ``n``, stamped where they are in it."""
    frame = frame[[c for c in _KEEP if c in frame.columns]]
    rows: list[dict[str, Any]] = []
    for record in frame.to_dict("records"):
        rows.append({str(k): _jsonable(v) for k, v in record.items()
                     if v is not None and not (isinstance(v, float) and math.isnan(v))})
    if window is not None:
        first, n = of or (0, len(rows))
        start, end = window.bounds
        span = (end - start).total_seconds()
        for i, row in enumerate(rows):  # spread evenly inside the window
            when = start + timedelta(seconds=span * (first + i + 0.5) / n)
            row[APPLICATION_TIME] = when.isoformat()
    return rows


class LazyRows:
    """``request_rows(frame, window=window)`` made ``block`` rows at a time as they are asked
    for (the two latest blocks kept), so a large batch is never held as dicts all at once;
    a row asked for again after its block was dropped is made again, the same."""

    def __init__(self, frame: pd.DataFrame, window: Window | None, block: int = 1000) -> None:
        self.frame, self.window, self.block = frame, window, block
        self._blocks: dict[int, list[dict[str, Any]]] = {}

    def __len__(self) -> int:
        return len(self.frame)

    def __getitem__(self, i: int) -> dict[str, Any]:
        b, first = i // self.block, i // self.block * self.block
        rows = self._blocks.get(b)
        if rows is None:
            rows = request_rows(self.frame.iloc[first:first + self.block], window=self.window,
                                of=(first, len(self.frame)))
            self._blocks = {k: v for k, v in self._blocks.items() if k == b - 1 or k == b + 1}
            self._blocks[b] = rows
        return rows[i - first]


def batch_rows(plan: BatchPlan, seed: int, *, window: Window | None,
               id_start: int) -> list[dict[str, Any]]:
    """The batch's applications as JSON-ready dicts (missing values omitted)."""
    return request_rows(batch_frame(plan, seed, id_start=id_start), window=window)


def corrupt(row: dict[str, Any], kind: str) -> dict[str, Any]:
    """A copy of ``row`` broken in one documented way."""
    bad = dict(row)
    if kind == "wrong_type":
        bad["AMT_CREDIT"] = "a lot"
    elif kind == "negative_amount":
        bad["AMT_INCOME_TOTAL"] = -abs(float(bad.get("AMT_INCOME_TOTAL", 1.0)))
    elif kind == "unknown_field":
        bad["FAVOURITE_COLOUR"] = "blue"
    elif kind == "bad_category":
        bad["CODE_GENDER"] = "Q"
    elif kind == "ext_source_out_of_bounds":
        bad["EXT_SOURCE_2"] = 1.7
    elif kind == "missing_required":
        bad.pop("AMT_CREDIT", None)
    else:
        raise ValueError(f"unknown corruption {kind!r}")
    return bad
