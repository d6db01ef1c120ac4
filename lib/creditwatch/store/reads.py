"""Time-window reads into DataFrames. Windows are half-open: ``start <= t < end``, so
consecutive windows never count a prediction twice; a ``None`` bound is open."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.json as pajson
from sqlalchemy import BigInteger, Text, bindparam, cast, func, select, type_coerce
from sqlalchemy.dialects import postgresql

from creditwatch.schema import FIELD_BY_NAME, FIELD_NAMES, pandas_dtypes
from creditwatch.store._base import StoreBase, time_column, window
from creditwatch.store.models import ANOMALIES, API_LOGS, FEATURE_VALUES, PREDICTIONS
from creditwatch.store.types import loads

# Everything but the raw inputs, which have their own reader.
DEFAULT_PREDICTION_COLUMNS = tuple(c.key for c in PREDICTIONS.c if c.key != "inputs")


class ReadsMixin(StoreBase):
    def read_predictions(
        self,
        start: datetime | None = None,
        end: datetime | None = None,
        *,
        columns: Sequence[str] | None = None,
        time_column: str = "application_time",
        model_version: str | None = None,
    ) -> pd.DataFrame:
        """Predictions in ``[start, end)`` of ``time_column``, oldest first (by time, then id).

        ``columns`` defaults to every column but ``inputs`` (see ``read_inputs``).
        """
        names = list(columns or DEFAULT_PREDICTION_COLUMNS)
        unknown = set(names) - set(PREDICTIONS.c.keys())
        if unknown:
            raise ValueError(f"unknown prediction columns: {sorted(unknown)}")
        stmt = self._prediction_window(
            select(*(PREDICTIONS.c[n] for n in names)), start, end, time_column, model_version
        )
        return self._frame(stmt)

    def count_predictions(
        self,
        start: datetime | None = None,
        end: datetime | None = None,
        *,
        time_column: str = "application_time",
        model_version: str | None = None,
    ) -> int:
        """How many predictions fall in ``[start, end)``."""
        stmt = select(func.count()).select_from(PREDICTIONS)
        stmt = self._prediction_window(stmt, start, end, time_column, model_version, order=False)
        with self.engine.connect() as conn:
            return int(conn.execute(stmt).scalar_one())

    def read_inputs(
        self,
        start: datetime | None = None,
        end: datetime | None = None,
        *,
        fields: Sequence[str] | None = None,
        time_column: str = "application_time",
        model_version: str | None = None,
        ids: Sequence[int] | None = None,
    ) -> pd.DataFrame:
        """The raw application inputs in ``[start, end)``: one column per schema field (all
        of them unless ``fields``), schema dtypes, absent values as missing, indexed by
        prediction id. This is the "current" side of a drift window. ``ids`` restricts the
        read to those predictions (a sample of a large window, see ``prediction_ids``)."""
        names = list(fields or FIELD_NAMES)
        # Fetch the JSON as text and decode it in bulk (see decode_inputs), instead of the
        # driver building a Python dict per row.
        raw = (
            cast(PREDICTIONS.c.inputs, Text)
            if self.dialect == "postgresql"
            else type_coerce(PREDICTIONS.c.inputs, Text)
        )
        stmt = self._prediction_window(
            select(PREDICTIONS.c.id, raw.label("inputs")), start, end, time_column, model_version
        )
        params: dict[str, Any] = {}
        if ids is not None:
            params["ids"] = [int(i) for i in ids]
            if self.dialect == "postgresql":
                # one array parameter: an IN list of 5000 placeholders cost more to format
                # and plan than to run
                stmt = stmt.where(PREDICTIONS.c.id == func.any(
                    bindparam("ids", type_=postgresql.ARRAY(BigInteger))))
            else:
                stmt = stmt.where(PREDICTIONS.c.id.in_(bindparam("ids", expanding=True)))
        with self.engine.connect() as conn:
            rows = conn.execute(stmt, params).all()
        index = pd.Index([r[0] for r in rows], name="prediction_id")
        texts = [r[1] for r in rows]
        frame = decode_inputs(texts, names)
        frame.index = index
        return frame

    def prediction_ids(
        self,
        start: datetime | None = None,
        end: datetime | None = None,
        *,
        time_column: str = "application_time",
        model_version: str | None = None,
    ) -> np.ndarray:
        """Ids of the predictions in ``[start, end)`` (index-only: cheap even for big windows)."""
        stmt = self._prediction_window(select(PREDICTIONS.c.id), start, end, time_column,
                                       model_version, order=False)
        with self.engine.connect() as conn:
            return np.array(conn.execute(stmt).scalars().all(), dtype=np.int64)

    def read_feature_values(
        self,
        start: datetime | None = None,
        end: datetime | None = None,
        *,
        features: Sequence[str] | None = None,
        wide: bool = False,
    ) -> pd.DataFrame:
        """Stored top-feature values in ``[start, end)`` of application time: long format
        (prediction_id, feature, value, application_time), or one column per feature."""
        stmt = select(FEATURE_VALUES).where(*window(FEATURE_VALUES.c.application_time, start, end))
        if features is not None:
            stmt = stmt.where(FEATURE_VALUES.c.feature.in_(list(features)))
        frame = self._frame(stmt.order_by(FEATURE_VALUES.c.prediction_id, FEATURE_VALUES.c.feature))
        if not wide:
            return frame
        table = frame.pivot(index="prediction_id", columns="feature", values="value")
        table.columns.name = None
        return table

    def read_anomalies(
        self, start: datetime | None = None, end: datetime | None = None
    ) -> pd.DataFrame:
        """Rejected requests in ``[start, end)`` of ``occurred_at``, oldest first."""
        stmt = select(ANOMALIES).where(*window(ANOMALIES.c.occurred_at, start, end))
        return self._frame(stmt.order_by(ANOMALIES.c.occurred_at, ANOMALIES.c.id))

    def read_logs(
        self,
        start: datetime | None = None,
        end: datetime | None = None,
        *,
        request_id: str | None = None,
        level: str | None = None,
    ) -> pd.DataFrame:
        """API log events in ``[start, end)`` of ``ts``, oldest first."""
        stmt = select(API_LOGS).where(*window(API_LOGS.c.ts, start, end))
        if request_id is not None:
            stmt = stmt.where(API_LOGS.c.request_id == request_id)
        if level is not None:
            stmt = stmt.where(API_LOGS.c.level == level)
        return self._frame(stmt.order_by(API_LOGS.c.ts, API_LOGS.c.id))

    def _prediction_window(
        self,
        stmt: Any,
        start: datetime | None,
        end: datetime | None,
        time_name: str,
        model_version: str | None,
        *,
        order: bool = True,
    ) -> Any:
        column = time_column(PREDICTIONS, time_name)
        stmt = stmt.where(*window(column, start, end))
        if model_version is not None:
            stmt = stmt.where(PREDICTIONS.c.model_version == model_version)
        return stmt.order_by(column, PREDICTIONS.c.id) if order else stmt


def decode_inputs(texts: list[str], names: Sequence[str]) -> pd.DataFrame:
    """JSON objects (one per row) → one typed column per name, schema dtypes.

    Arrow's JSON reader parses straight into typed columns, about twice as fast as building
    a dict per row and a DataFrame from them. It needs every value to fit the schema's type;
    anything else (a name outside the schema, a value of the wrong type) falls back to the
    generic path, which coerces such values to missing.
    """
    if texts and all(n in FIELD_BY_NAME for n in names):
        schema = pa.schema(
            [pa.field(n, pa.string() if FIELD_BY_NAME[n].dtype == "str" else pa.float64())
             for n in names]
        )
        options = pajson.ParseOptions(explicit_schema=schema, unexpected_field_behavior="ignore")
        try:
            table = pajson.read_json(
                io.BytesIO("\n".join(texts).encode()), parse_options=options
            )
        except pa.ArrowException:
            pass
        else:
            return _schema_dtypes(table.select(list(names)).to_pandas())
    records = loads("[" + ",".join(texts) + "]") if texts else []
    return _schema_dtypes(pd.DataFrame.from_records(records, columns=list(names)))


def _schema_dtypes(frame: pd.DataFrame) -> pd.DataFrame:
    """Cast known schema fields to the schema's pandas dtypes (floats stay floats when an
    integer field holds a non-integral value, rather than failing the whole window)."""
    dtypes = pandas_dtypes()
    out: dict[str, Any] = {}
    for name in frame.columns:
        dtype = dtypes.get(name)
        column = frame[name]
        if dtype == "object":  # text: missing is None, whichever path decoded it
            out[name] = column.astype(object).where(column.notna(), None)
        elif dtype is None or column.dtype == dtype:
            out[name] = column
        else:
            numeric = pd.to_numeric(column, errors="coerce")
            try:
                out[name] = numeric.astype(pd.api.types.pandas_dtype(dtype))
            except (TypeError, ValueError):
                out[name] = numeric.astype("float64")
    return pd.DataFrame(out, index=frame.index)
