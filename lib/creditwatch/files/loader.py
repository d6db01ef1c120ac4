"""Read real (Kaggle) or synthetic application files into schema dtypes, validated.

``load_applications(path)`` reads ``application_train.csv`` / ``application_test.csv`` (or
the same table as Parquet; the format follows the suffix: ``.csv``, ``.csv.gz``, ``.parquet``,
``.pq``), checks it against the schema and returns the frame with its ``ValidationReport``.
Quoted commas ("Spouse, partner", "Stone, brick") are ordinary CSV quoting; empty cells (and
pandas' usual NA spellings) are missing values.

Output frame: SK_ID_CURR and TARGET when present, the 120 schema fields in file order, and
TRUE_PD when present (synthetic files); other columns are left out and listed in the report.
Dtypes: text fields are ``object`` with NaN for missing; float fields are ``float64``; integer
fields are ``int64`` when the column has no missing value, otherwise ``float64`` (with NaN),
like a plain ``pandas.read_csv``, so every numeric column stays a NumPy dtype. Schema columns
missing from the file are errors; with ``strict=False`` they are added as all-missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from creditwatch.errors import DataFileError, DataValidationError
from creditwatch.files.problems import csv_problem, describe_errors, utf8_problem, validation_message
from creditwatch.schema import FIELDS, ID_COLUMN, STRING_FIELDS, TARGET_COLUMN, TRUE_PD_COLUMN
from creditwatch.schema.frames import EXTRA_COLUMNS, ValidationReport, validate_frame

_CSV = (".csv", ".csv.gz")
_PARQUET = (".parquet", ".pq")


@dataclass
class LoadedApplications:
    """A loaded application file: schema-typed frame, its validation report and origin."""

    frame: pd.DataFrame
    report: ValidationReport
    path: Path

    @property
    def target(self) -> pd.Series | None:
        """TARGET when the file has it (train files), else None."""
        return self.frame.get(TARGET_COLUMN)

    @property
    def features(self) -> pd.DataFrame:
        """Only the 120 schema fields."""
        return self.frame[[f.name for f in FIELDS]]


def file_format(path: Path) -> str:
    name = path.name.lower()
    if name.endswith(_CSV):
        return "csv"
    if name.endswith(_PARQUET):
        return "parquet"
    raise DataFileError(f"{path}: unsupported file type (use .csv, .csv.gz, .parquet or .pq)")


def read_header(path: str | Path) -> list[str]:
    """The column names of a CSV or Parquet file, without reading its rows."""
    path = Path(path)
    kind = file_format(path)
    if not path.is_file():
        raise DataFileError(f"{path}: no such file")
    try:
        if kind == "csv":
            return list(pd.read_csv(path, nrows=0).columns)
        return list(pq.read_schema(path).names)
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        raise _read_error(path, kind, exc) from None


def _read_error(path: Path, kind: str, exc: Exception) -> DataFileError:
    """A one-line error naming the file and, for CSV, the row a scan finds at fault."""
    message = " ".join(str(exc).split()) or type(exc).__name__
    if kind == "csv":
        return DataFileError(csv_problem(path, f"cannot read it as CSV: {message}"))
    return DataFileError(f"{path}: cannot read it as {kind}: {message}")


def read_table(path: str | Path, columns: list[str] | None = None) -> pd.DataFrame:
    """The raw table of a CSV or Parquet file (text fields read as text, nothing converted);
    ``columns``: only these (they must exist, see ``read_header``)."""
    path = Path(path)
    kind = file_format(path)
    if not path.is_file():
        raise DataFileError(f"{path}: no such file")
    try:
        if kind == "csv":
            # pandas' Arrow engine passes bytes that are not UTF-8 through as bytes: refuse them
            problem = utf8_problem(path)
            if problem:
                raise DataFileError(problem)
            # pyarrow's parser is twice as fast as pandas' and reads floats back bit for bit.
            return pd.read_csv(path, dtype=dict.fromkeys(STRING_FIELDS, object), engine="pyarrow",
                               usecols=columns)
        return pd.read_parquet(path, columns=columns)
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        raise _read_error(path, kind, exc) from None


def _as_text(s: pd.Series) -> pd.Series:
    if s.dtype == object and pd.api.types.infer_dtype(s, skipna=True) in ("string", "empty"):
        return s.where(s.notna(), np.nan)  # Parquet gives None for missing text
    present = s.notna()
    out = pd.Series(np.full(len(s), np.nan, dtype=object), index=s.index, name=s.name)
    out[present] = s[present].astype(str).to_numpy()
    return out


def _as_number(s: pd.Series, integer: bool) -> pd.Series:
    x = pd.to_numeric(s, errors="coerce").astype(np.float64)
    if integer and not x.isna().any() and bool((x == np.round(x)).all()):
        return x.astype(np.int64)
    return x


def to_schema_frame(raw: pd.DataFrame) -> pd.DataFrame:
    """``raw`` reduced to the known columns in schema order with schema dtypes.

    Values that cannot be converted become missing; validate ``raw`` first to count them.
    Schema columns absent from ``raw`` come back all-missing.
    """
    data: dict[str, pd.Series] = {}
    n = len(raw)
    if ID_COLUMN in raw:
        data[ID_COLUMN] = _as_number(raw[ID_COLUMN], integer=True)
    if TARGET_COLUMN in raw:
        data[TARGET_COLUMN] = _as_number(raw[TARGET_COLUMN], integer=True)
    for f in FIELDS:
        if f.name not in raw:
            empty = np.full(n, np.nan, dtype=object if f.dtype == "str" else np.float64)
            data[f.name] = pd.Series(empty, index=raw.index)
        elif f.dtype == "str":
            data[f.name] = _as_text(raw[f.name])
        else:
            data[f.name] = _as_number(raw[f.name], integer=f.dtype == "int")
    for name in EXTRA_COLUMNS:
        if name in raw:
            data[name] = _as_number(raw[name], integer=False)
    return pd.DataFrame(data, index=pd.RangeIndex(n))


def load_applications(path: str | Path, *, strict: bool = True) -> LoadedApplications:
    """Read and validate an application file (see the module docstring).

    Raises ``DataValidationError`` (carrying the report) when schema columns are missing or
    values are invalid, unless ``strict=False``, which only reports them.
    """
    path = Path(path)
    raw = read_table(path)
    report = validate_frame(raw)
    if strict and not report.ok:
        raise DataValidationError(validation_message(path, describe_errors(report, raw)),
                                  report=report)
    return LoadedApplications(to_schema_frame(raw), report, path)


def write_applications(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write ``frame`` as CSV (real-file layout, empty cells for missing) or Parquet, by suffix."""
    path = Path(path)
    kind = file_format(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if kind == "csv":
        frame.to_csv(path, index=False)
    else:
        frame.to_parquet(path, index=False)
    return path


__all__ = ["TRUE_PD_COLUMN", "LoadedApplications", "load_applications", "read_table",
           "to_schema_frame", "write_applications"]
