"""Applications as a client sends them: JSON objects built from the synthetic generator."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from creditwatch import schema
from creditwatch.synthetic.generator import generate

_KEEP = {*schema.FIELD_NAMES, schema.ID_COLUMN}


def to_json_rows(frame: pd.DataFrame, *, with_id: bool = True) -> list[dict[str, Any]]:
    """One dict per row with Python scalars; missing values left out, as a client would."""
    rows = []
    for record in frame.to_dict("records"):
        row = {k: v for k, v in record.items() if k in _KEEP and v == v and v is not None}
        if not with_id:
            row.pop(schema.ID_COLUMN, None)
        rows.append(row)
    return rows


def applications(n: int, seed: int = 5, *, id_start: int = 800_000,
                 with_id: bool = True) -> list[dict[str, Any]]:
    """``n`` synthetic applications (a different seed from the training data's)."""
    return to_json_rows(generate(n, seed, id_start=id_start), with_id=with_id)


def complete_application(expected: Iterable[str], seed: int = 5) -> dict[str, Any]:
    """One application holding every ``expected`` field (a bundle's expected_fields), each
    inside the real data's typical range."""
    needed = set(expected)
    for row in applications(500, seed):
        if needed <= row.keys() and all(_typical(name, value) for name, value in row.items()):
            return row
    raise AssertionError("no complete application in 500 rows")


def _typical(name: str, value: Any) -> bool:
    f = schema.FIELD_BY_NAME.get(name)
    if f is None or f.typical is None or not isinstance(value, int | float):
        return True
    return f.typical[0] <= value <= f.typical[1] or value == f.sentinel
