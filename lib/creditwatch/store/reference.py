"""The training reference: the model bundle's reference sample and per-feature statistics,
stored once per model version so drift windows compare against what the serving model saw.

The sample is stored by column (one JSON array per column, with its pandas dtype), so it
comes back with the same dtypes and a reader can fetch only the columns it needs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import delete, select

from creditwatch.store._base import StoreBase
from creditwatch.store.models import TRAINING_REFERENCE, TRAINING_REFERENCE_COLUMNS

_COLUMNS = TRAINING_REFERENCE_COLUMNS
_REFERENCE = TRAINING_REFERENCE


@dataclass(frozen=True)
class StoredReference:
    model_version: str
    loaded_at: datetime
    data: pd.DataFrame
    stats: dict[str, Any]


class ReferenceMixin(StoreBase):
    def write_reference(
        self,
        model_version: str,
        reference: pd.DataFrame,
        stats: Mapping[str, Any] | None = None,
        *,
        replace: bool = False,
    ) -> bool:
        """Store the reference of ``model_version``; returns False (and changes nothing) when
        it is already stored, unless ``replace``."""
        columns = [
            {"name": str(name), "position": i, "dtype": str(reference[name].dtype),
             "values": _column_values(reference[name])}
            for i, name in enumerate(reference.columns)
        ]
        with self._write() as conn:
            existing = conn.execute(
                select(_REFERENCE.c.id).where(_REFERENCE.c.model_version == model_version)
            ).scalar_one_or_none()
            if existing is not None:
                if not replace:
                    return False
                # Delete columns explicitly: SQLite cascades only with foreign_keys on.
                conn.execute(delete(_COLUMNS).where(_COLUMNS.c.reference_id == existing))
                conn.execute(delete(_REFERENCE).where(_REFERENCE.c.id == existing))
            ref_id = conn.execute(
                _REFERENCE.insert().returning(_REFERENCE.c.id),
                {"model_version": model_version, "loaded_at": datetime.now(UTC),
                 "n_rows": len(reference), "n_columns": reference.shape[1],
                 "stats": dict(stats) if stats is not None else None},
            ).scalar_one()
            if columns:
                conn.execute(_COLUMNS.insert(), [{"reference_id": ref_id, **c} for c in columns])
        return True

    def reference_versions(self) -> pd.DataFrame:
        """Stored references: model_version, loaded_at, n_rows, n_columns (newest first)."""
        stmt = select(
            _REFERENCE.c.model_version, _REFERENCE.c.loaded_at,
            _REFERENCE.c.n_rows, _REFERENCE.c.n_columns,
        ).order_by(_REFERENCE.c.loaded_at.desc(), _REFERENCE.c.id.desc())
        return self._frame(stmt)

    def read_reference(
        self, model_version: str | None = None, *, columns: Sequence[str] | None = None
    ) -> StoredReference | None:
        """The reference of ``model_version`` (default: the latest loaded), or None."""
        stmt = select(_REFERENCE)
        if model_version is None:
            stmt = stmt.order_by(_REFERENCE.c.loaded_at.desc(), _REFERENCE.c.id.desc()).limit(1)
        else:
            stmt = stmt.where(_REFERENCE.c.model_version == model_version)
        with self.engine.connect() as conn:
            header = conn.execute(stmt).mappings().one_or_none()
            if header is None:
                return None
            col_stmt = select(_COLUMNS.c.name, _COLUMNS.c.dtype, _COLUMNS.c["values"]).where(
                _COLUMNS.c.reference_id == header["id"]
            )
            if columns is not None:
                col_stmt = col_stmt.where(_COLUMNS.c.name.in_(list(columns)))
            stored = conn.execute(col_stmt.order_by(_COLUMNS.c.position)).all()
        data = pd.DataFrame(
            {name: _restore(values, dtype) for name, dtype, values in stored},
            index=pd.RangeIndex(header["n_rows"]),
        )
        return StoredReference(
            header["model_version"], header["loaded_at"], data, header["stats"] or {}
        )


def load_reference(
    repo: ReferenceMixin,
    model_version: str,
    reference_df: pd.DataFrame,
    stats: Mapping[str, Any] | None = None,
    *,
    replace: bool = False,
) -> bool:
    """Load a bundle's reference sample into the store (idempotent per model version).

    Returns True when it was written, False when that version was already there.
    """
    return repo.write_reference(model_version, reference_df, stats, replace=replace)


def _column_values(column: pd.Series) -> Any:
    """A column as JSON-ready values: numpy floats go straight to orjson (NaN → null)."""
    if isinstance(column.dtype, np.dtype) and column.dtype.kind == "f":
        return column.to_numpy(dtype="float64")
    if isinstance(column.dtype, np.dtype) and column.dtype.kind in "iub":
        return column.to_numpy()
    return [None if _missing(v) else v for v in column.astype(object).tolist()]


def _missing(value: Any) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or (
        isinstance(value, float) and np.isnan(value)
    )


def _restore(values: list[Any], dtype: str) -> pd.Series:
    if dtype.startswith("float"):
        return pd.Series(np.array([np.nan if v is None else v for v in values], dtype=dtype))
    try:
        return pd.Series(values).astype(pd.api.types.pandas_dtype(dtype))
    except (TypeError, ValueError):  # e.g. a datetime dtype stored as ISO text
        return pd.Series(values, dtype=object)
