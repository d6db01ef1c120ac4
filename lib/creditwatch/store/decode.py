"""Bulk reads of stored inputs without a Python object per row or per value.

Drift compares thousands of stored applications per window, and building a Python string
per row (the driver) and then a float per value (pandas) cost more than the database's own
work. Here the rows come back as one buffer and Arrow's C++ readers do the parsing:

- on PostgreSQL, ``COPY (SELECT id, inputs::text ...) TO STDOUT`` streams the rows as
  tab-separated text, which Arrow's CSV reader splits into an id column and a JSON column;
- the JSON column, one object per line, goes to Arrow's JSON reader with the schema's types.
"""

from __future__ import annotations

import contextlib
import functools
import io
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.json as pajson
from sqlalchemy import Connection, Dialect

from creditwatch.schema import FIELD_BY_NAME, pandas_dtypes
from creditwatch.store.types import loads

# COPY's text format: tab between columns, one row per line, and every backslash doubled
# (jsonb's text output escapes control characters itself, so a backslash is the only
# character COPY escapes in it): a CSV reader with backslash escapes and no quoting undoes it.
_TSV = pacsv.ParseOptions(delimiter="\t", quote_char=False, escape_char="\\",
                          double_quote=False, newlines_in_values=False)
_ID_JSON = pacsv.ConvertOptions(column_types={"id": pa.int64(), "json": pa.string()},
                                strings_can_be_null=False, quoted_strings_can_be_null=False,
                                null_values=[])


def copy_out(conn: Connection, stmt: Any, params: Mapping[str, Any] | None = None, *,
             csv: bool = False) -> bytes:
    """The rows of a SELECT as PostgreSQL ``COPY ... TO STDOUT`` output (text format, or
    CSV with ``csv``), in one buffer.

    Parameters go through the statement's own bind processors (UTC datetimes, arrays)
    exactly as ``execute`` would apply them; psycopg binds them client-side for COPY.
    """
    sql, defaults, processors = _copy_statement(stmt, conn.dialect, csv)
    values = {**defaults, **(params or {})}
    for name, processor in processors.items():
        values[name] = processor(values[name])
    out = bytearray()
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        with cursor.copy(sql, values) as copy:
            # read() hands over whatever arrived; iterating the copy costs a Python
            # generator round per row (4x slower on 33k rows)
            while chunk := copy.read():
                out += chunk
    finally:
        cursor.close()
    return bytes(out)


@functools.lru_cache(maxsize=256)
def _copy_statement(stmt: Any, dialect: Dialect, csv: bool
                    ) -> tuple[str, dict[str, Any], dict[str, Callable[[Any], Any]]]:
    """COPY text, default parameters and bind processors of ``stmt``, compiled once per
    statement object (the analytics refresh statements are built once and run every
    second)."""
    compiled = stmt.compile(dialect=dialect)
    processors = {}
    for bind, name in compiled.bind_names.items():  # rendered names, as in compiled.params
        processor = bind.type.bind_processor(dialect)
        if processor is not None:
            processors[name] = processor
    suffix = " (FORMAT csv)" if csv else ""
    return f"COPY ({compiled}) TO STDOUT{suffix}", dict(compiled.params), processors


def split_id_json(data: bytes) -> tuple[np.ndarray, pa.Buffer | bytes]:
    """COPY text of ``(id, json)`` rows → the ids and the JSON objects, one per line."""
    if not data:
        return np.empty(0, dtype=np.int64), b""
    table = pacsv.read_csv(io.BytesIO(data), parse_options=_TSV, convert_options=_ID_JSON,
                           read_options=pacsv.ReadOptions(column_names=["id", "json"]))
    ids = table.column("id").to_numpy()
    texts = table.column("json").combine_chunks()
    # one C++ join of the whole column into newline-delimited JSON
    lines = pc.binary_join(pa.ListArray.from_arrays(pa.array([0, len(texts)], pa.int32()),
                                                    texts), "\n")
    return ids, lines[0].as_buffer()


def ndjson(texts: Sequence[str]) -> bytes:
    """JSON texts (one object each) as newline-delimited JSON. A raw line break can only be
    whitespace between tokens in valid JSON, so it becomes a space."""
    return "\n".join(t.replace("\n", " ").replace("\r", " ") if "\n" in t or "\r" in t else t
                     for t in texts).encode()


def decode_inputs(lines: pa.Buffer | bytes, names: Sequence[str]) -> pd.DataFrame:
    """Newline-delimited JSON objects → one typed column per name, schema dtypes.

    Arrow's JSON reader parses straight into typed columns, and the integer fields are cast
    in Arrow too. It needs every value to fit the schema's type; anything else (a name
    outside the schema, a value of the wrong type) falls back to the generic path, which
    coerces such values to missing.
    """
    if lines and all(n in FIELD_BY_NAME for n in names):
        schema = pa.schema([pa.field(n, pa.string() if FIELD_BY_NAME[n].dtype == "str"
                                     else pa.float64()) for n in names])
        options = pajson.ParseOptions(explicit_schema=schema, unexpected_field_behavior="ignore")
        try:
            table = pajson.read_json(pa.BufferReader(lines), parse_options=options)
        except pa.ArrowException:
            pass
        else:
            return _arrow_to_schema(table.select(list(names)))
    raw = lines.to_pybytes() if isinstance(lines, pa.Buffer) else lines
    records = loads(b"[" + b",".join(raw.split(b"\n")) + b"]") if raw else []
    return _schema_dtypes(pd.DataFrame.from_records(records, columns=list(names)))


def _arrow_to_schema(table: pa.Table) -> pd.DataFrame:
    """Integer fields cast to int64 in Arrow (nullable ``Int64`` in pandas) when every value
    is integral; a field holding a non-integral value stays float rather than failing."""
    columns = []
    for name, column in zip(table.column_names, table.columns, strict=True):
        if FIELD_BY_NAME[name].dtype == "int":
            with contextlib.suppress(pa.ArrowInvalid):
                column = column.cast(pa.int64())  # a safe cast: refuses 2.5
        columns.append(column)
    cast = pa.table(columns, names=table.column_names)
    return cast.to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get)


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
