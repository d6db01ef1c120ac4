"""Reads of the reasons stored with predictions: one decision with its reasons (the
adverse-action letter, ``GET /predictions/{id}``), and the reasons of a window (reason
drift, ``creditwatch.explain.drift``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy import select

from creditwatch.store._base import StoreBase, window
from creditwatch.store.models import PREDICTION_REASONS, PREDICTIONS

# What a stored decision is answered with (the raw inputs stay in the store).
DECISION_COLUMNS = ("id", "request_id", "received_at", "application_time", "endpoint",
                    "model_version", "probability", "decision", "threshold", "confidence",
                    "data_quality_score", "client_id", "quality_flags")


class ReasonsMixin(StoreBase):
    def read_decision(self, request_id: str) -> dict[str, Any] | None:
        """The stored prediction ``request_id`` (the API's ``prediction_id``) with its
        reasons, best first (``[]`` when none were given: an approval not explained);
        None when no such prediction is stored."""
        pred = select(*(PREDICTIONS.c[c] for c in DECISION_COLUMNS)).where(
            PREDICTIONS.c.request_id == request_id)
        r = PREDICTION_REASONS.c
        with self.engine.connect() as conn:
            row = conn.execute(pred).mappings().first()
            if row is None:
                return None
            reasons = conn.execute(
                select(r.code, r.text, r.fields, r.field_values, r.contribution)
                .where(r.prediction_id == row["id"]).order_by(r.rank)).all()
        out = dict(row)
        out["reasons"] = [{"code": code, "text": text, "fields": fields,
                           # [] once the retention purge removed the applicant's values
                           "values": dict(zip(fields, values, strict=True)) if values else {},
                           "contribution": contribution}
                          for code, text, fields, values, contribution in reasons]
        return out

    def read_reasons(self, start: datetime | None = None, end: datetime | None = None, *,
                     decision: str | None = None) -> pd.DataFrame:
        """Stored reasons in ``[start, end)`` of application time, long format
        (prediction_id, rank, code, contribution, application_time, decision), optionally
        only those of predictions with ``decision``; by prediction, then rank."""
        r = PREDICTION_REASONS.c
        stmt = (select(r.prediction_id, r.rank, r.code, r.contribution, r.application_time,
                       PREDICTIONS.c.decision)
                .join_from(PREDICTION_REASONS, PREDICTIONS, PREDICTIONS.c.id == r.prediction_id)
                .where(*window(r.application_time, start, end)))
        if decision is not None:
            stmt = stmt.where(PREDICTIONS.c.decision == decision)
        return self._frame(stmt.order_by(r.prediction_id, r.rank))
