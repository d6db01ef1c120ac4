"""A file of outcomes (CSV or Parquet): one key column, one 0/1 column, an optional time.

Columns, by name:

* the key: ``SK_ID_CURR``, ``request_id`` or ``prediction_id`` (the first found, in that
  order, unless ``key=`` names it): which prediction each row is about (see ``items``);
* the outcome: ``TARGET`` (the Kaggle training file's) or ``defaulted``, 0 or 1;
* the time: ``observed_at`` (or the column named by ``date_column=``), ISO dates or times
  (UTC when they carry no offset). Without one, every row is observed at load time, so a
  client's outcome goes to the client's latest prediction.

Only these columns are read, so the Kaggle ``application_train.csv`` (122 columns) loads as
a file of outcomes as it is. Rows are checked column-wise; a bad row is reported with its
line number and reason, never silently dropped, and the others still load.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from creditwatch.errors import DataFileError
from creditwatch.files.loader import read_header, read_table
from creditwatch.outcomes.items import MAX_PREDICTION_ID, MAX_REQUEST_ID
from creditwatch.schema import ID_COLUMN, TARGET_COLUMN, rules
from creditwatch.store.outcomes import OUTCOME_KEYS, OutcomeRecord

VALUE_COLUMNS = (TARGET_COLUMN, "defaulted")
DATE_COLUMN = "observed_at"


@dataclass
class OutcomeFile:
    """The valid rows of a file as store records, and the invalid ones: (line, reason, row)."""

    path: Path
    key: str
    rows: int
    records: list[OutcomeRecord] = field(default_factory=list)
    invalid: list[tuple[int, str, dict[str, Any]]] = field(default_factory=list)


def _pick(names: list[str], wanted: tuple[str, ...], given: str | None, what: str,
          path: Path) -> str:
    if given is not None:
        if given not in names:
            raise DataFileError(f"{path}: no column {given!r} ({what})")
        return given
    for name in wanted:
        if name in names:
            return name
    raise DataFileError(f"{path}: needs {what} column: one of {', '.join(wanted)}")


def _digest(path: Path) -> str:
    """A short content hash: the rows' event ids, so loading a file twice is recognised."""
    h = hashlib.blake2b(digest_size=8)
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _keys(values: pd.Series, key: str) -> tuple[list[Any], np.ndarray]:
    """The key values and a mask of the valid ones (ids checked by the schema's rule, on
    integers when the column is integer: 2**62 + 1 is exact there, not as a float)."""
    if key == "request_id":
        text = values.astype("string")
        lengths = text.str.len()
        valid = ((lengths > 0) & (lengths <= MAX_REQUEST_ID)).fillna(False)
        return text.fillna("").tolist(), valid.to_numpy(dtype=bool)
    numbers = pd.to_numeric(values, errors="coerce")
    raw = numbers.to_numpy() if numbers.dtype.kind in "iu" else numbers.to_numpy(dtype=float)
    if key == ID_COLUMN:
        ok = ~rules.client_id_violations(raw)
    else:
        with np.errstate(invalid="ignore"):
            ok = (np.remainder(raw, 1) == 0) & (raw >= 1) & (raw <= MAX_PREDICTION_ID)
    return [int(v) if good else None for v, good in zip(raw, ok, strict=True)], ok


def read_outcome_file(path: str | Path, *, source: str, received_at: datetime,
                      key: str | None = None, date_column: str | None = None
                      ) -> OutcomeFile:
    """The outcomes in ``path`` as store records (event ids from the file's content)."""
    path = Path(path)
    names = read_header(path)
    key = _pick(names, OUTCOME_KEYS, key, "a key", path)
    value = _pick(names, VALUE_COLUMNS, None, "an outcome", path)
    date = date_column or (DATE_COLUMN if DATE_COLUMN in names else None)
    if date is not None and date not in names:
        raise DataFileError(f"{path}: no column {date!r} (the observation time)")
    frame = read_table(path, [key, value] + ([date] if date else []))
    keys, key_ok = _keys(frame[key], key)
    outcome = pd.to_numeric(frame[value], errors="coerce").to_numpy(dtype=float)
    value_ok = np.isin(outcome, (0.0, 1.0))
    # Without a date column every row shares ``received_at`` itself (one object: the store
    # stamps it once).
    when: list[Any] = [received_at] * len(frame)
    time_ok = np.ones(len(frame), dtype=bool)
    if date is not None:
        observed = pd.to_datetime(frame[date], utc=True, errors="coerce", format="ISO8601")
        time_ok = observed.notna().to_numpy()
        when = pd.DatetimeIndex(observed).to_pydatetime().tolist()  # aware datetimes
    result = OutcomeFile(path, key, len(frame))
    prefix = f"file-{_digest(path)}"
    valid = key_ok & value_ok & time_ok
    defaulted = outcome.tolist()
    # The records from plain lists in one comprehension, not row by row through pandas.
    result.records = [{"event_id": f"{prefix}-{i}", "key": key, "value": keys[i],
                       "defaulted": int(defaulted[i]), "observed_at": when[i],
                       "received_at": received_at, "source": source}
                      for i in np.flatnonzero(valid).tolist()]
    csv = path.suffix.lower() != ".parquet" and not path.name.lower().endswith(".pq")
    for i in np.flatnonzero(~valid).tolist():
        reason = (f"{key} is not a valid {key}" if not key_ok[i] else
                  f"{value} must be 0 or 1" if not value_ok[i] else
                  f"{date} is not a date or time")
        line = i + 2 if csv else i  # CSV: the header is line 1; Parquet: the row index
        row = {c: frame[c].iat[i] for c in frame.columns}
        result.invalid.append((line, reason, row))
    return result
