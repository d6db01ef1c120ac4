"""Shadow predictions: the challenger's scores of answered predictions (``creditwatch.shadow``).

    store.write_shadow(records)               # batched, idempotent on (request id, version)
                                              # (``WritesMixin``, like every write)
    store.read_shadow(start, end)             # DataFrame by received_at, oldest first

The API's shadow worker spools ``shadow`` records and the background writer ships them with
everything else (``Store.write_batch(shadow=...)``), so a shadow score reaches the store
through the same spool, batching and replay as the prediction it shadows.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, TypedDict

import pandas as pd
from sqlalchemy import select

from creditwatch.store._base import StoreBase, window
from creditwatch.store.models import SHADOW_PREDICTIONS
from creditwatch.store.records import Stamp, check_keys, key_sets
from creditwatch.store.types import clean_float, to_utc


class _ShadowRequired(TypedDict):
    request_id: str  # the champion's prediction's
    model_version: str  # the challenger's
    received_at: datetime  # the prediction's
    probability: float
    decision: str
    threshold: float
    scored_at: datetime


class ShadowRecord(_ShadowRequired, total=False):
    """One challenger score to store."""

    application_time: datetime | None  # default: received_at
    scoring_ms: float | None


SHADOW_COLUMNS = ("request_id", "model_version", "received_at", "application_time",
                  "probability", "decision", "threshold", "scored_at", "scoring_ms")
SHADOW_KEY = "request_id, model_version"  # ON CONFLICT target: the unique pair
_KEYS = key_sets(ShadowRecord)


def shadow_row(record: Mapping[str, Any], stamp: Stamp) -> tuple[Any, ...]:
    """The ``shadow_predictions`` row of ``record``, in SHADOW_COLUMNS order."""
    check_keys(record, _KEYS)
    received = to_utc(record["received_at"])
    applied = record.get("application_time")
    probability = clean_float(float(record["probability"]))
    if probability is None:
        raise ValueError(f"shadow probability of {record['request_id']} is not a number")
    return (
        str(record["request_id"]), str(record["model_version"]), stamp(received),
        stamp(to_utc(applied) if applied is not None else received), probability,
        str(record["decision"]), float(record["threshold"]),
        stamp(to_utc(record["scored_at"])), clean_float(record.get("scoring_ms")),
    )


class ShadowMixin(StoreBase):
    def read_shadow(self, start: datetime | None = None, end: datetime | None = None, *,
                    model_version: str | None = None) -> pd.DataFrame:
        """Shadow scores of the predictions received in ``[start, end)``, oldest first."""
        t = SHADOW_PREDICTIONS
        stmt = select(t).where(*window(t.c.received_at, start, end))
        if model_version is not None:
            stmt = stmt.where(t.c.model_version == model_version)
        return self._frame(stmt.order_by(t.c.received_at, t.c.id))
