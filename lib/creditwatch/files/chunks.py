"""Read a large application file in chunks of rows, each validated, in bounded memory.

API (what ``score``, ``drift compare`` and ``simulate --from-file`` use)::

    for chunk in iter_application_chunks(path, rows=50_000):
        ...  # a pandas DataFrame like load_applications(path).frame, for those rows

- ``path``: ``.csv``, ``.csv.gz``, ``.parquet`` or ``.pq``.
- ``rows``: the rows per chunk; every chunk has exactly ``rows`` except the last.
- Each chunk holds SK_ID_CURR and TARGET when the file has them, the 120 schema fields in
  schema order and TRUE_PD when present, with ``load_applications``' dtypes *per chunk*: an
  integer field with a blank cell in one chunk is float64 there (``pd.concat`` gives float64).
  The index is the row's position in the file (0-based), so ``pd.concat(chunks)`` numbers the
  rows as ``load_applications`` does.
- Errors (``DataFileError`` / ``DataValidationError``, both ``CreditwatchError``) are raised
  when the iteration reaches them, with the file and the row (1 = the first data row): check
  the header before any row, a bad value when its chunk is read. A consumer that must write
  nothing on bad input collects its output and writes it after the last chunk.
- ``strict=False`` reads invalid values as ``load_applications(strict=False)`` does (kept,
  or missing when they are not numbers) instead of raising.
- Memory: one chunk of Arrow text plus its frame; a CSV is streamed block by block with
  every column read as text and converted per chunk (no type guessing from the first block).

``count_rows(path)`` gives the total for a progress bar: exact for Parquet (its metadata),
the number of line breaks for a CSV (exact unless quoted cells hold line breaks).

``scan_labels(path)`` reads the file once, chunk by chunk, and checks only its SK_ID_CURR and
TARGET: the exact row count and one line per invalid label column, with its first bad row.
A CSV is parsed whole (every cell as text), so a file that cannot be read (a truncated line,
bytes that are not UTF-8) is found here too. ``simulate --from-file`` runs it before sending
anything.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from creditwatch.errors import DataFileError, DataValidationError
from creditwatch.files.loader import file_format, read_header, to_schema_frame
from creditwatch.files.problems import (
    csv_problem,
    describe_errors,
    first_bad_row,
    open_binary,
    validation_message,
)
from creditwatch.schema import FIELD_BY_NAME, ID_COLUMN, STRING_FIELDS, TARGET_COLUMN
from creditwatch.schema.frames import validate_frame

DEFAULT_ROWS = 50_000
_TEXT = frozenset(STRING_FIELDS)


def count_rows(path: str | Path) -> int:
    """Rows of ``path`` (see the module docstring: a CSV's count is its line breaks)."""
    path = Path(path)
    if file_format(path) == "parquet":
        read_header(path)
        return int(pq.ParquetFile(path).metadata.num_rows)
    read_header(path)
    breaks, last = 0, b"\n"
    with open_binary(path) as fh:
        while block := fh.read(1 << 20):
            breaks += block.count(b"\n")
            last = block[-1:]
    return max(breaks - (last == b"\n"), 0)  # the header's break out, a final line without one in


def iter_application_chunks(path: str | Path, *, rows: int = DEFAULT_ROWS,
                            strict: bool = True) -> Iterator[pd.DataFrame]:
    """Validated chunks of ``rows`` applications (see the module docstring)."""
    path = Path(path)
    if rows < 1:
        raise ValueError(f"rows must be at least 1; got {rows}")
    header = read_header(path)
    missing = missing_columns(header)
    if missing and strict:
        raise DataValidationError(validation_message(path, [missing]))
    start = 0
    for table in _tables(path, header, rows):
        raw = _typed(table).to_pandas()
        report = validate_frame(raw)
        if strict and report.invalid:
            raise DataValidationError(
                validation_message(path, describe_errors(report, raw, first_row=start + 1)),
                report=report)
        frame = to_schema_frame(raw)
        frame.index = pd.RangeIndex(start, start + len(raw))
        start += len(raw)
        yield frame


def missing_columns(header: list[str]) -> str | None:
    """The problem line of the schema columns a file's header lacks, or None."""
    missing = [name for name in FIELD_BY_NAME if name not in header]
    if not missing:
        return None
    shown = ", ".join(missing[:10]) + (f" and {len(missing) - 10} more" if len(missing) > 10 else "")
    return f"{len(missing)} schema column(s) missing: {shown}"


@dataclass
class LabelScan:
    """What ``scan_labels`` found: rows, whether TARGET is there, the label problems."""

    rows: int = 0
    has_target: bool = False
    problems: list[str] = field(default_factory=list)  # one line per invalid label column


def scan_labels(path: str | Path, *, rows: int = DEFAULT_ROWS,
                on_rows: Callable[[int], None] | None = None) -> LabelScan:
    """One pass over ``path`` checking SK_ID_CURR and TARGET only (see the module docstring);
    ``on_rows(n)`` after each chunk of ``n`` rows (a progress bar)."""
    path = Path(path)
    header = read_header(path)
    labels = [name for name in (ID_COLUMN, TARGET_COLUMN) if name in header]
    scan = LabelScan(has_target=TARGET_COLUMN in header)
    found: dict[str, tuple[int, str, list[object], int | None]] = {}  # count, reason, e.g., row
    for table in _tables(path, header, rows, columns=labels or None):  # Parquet: not 0 columns
        raw = _typed(table.select(labels)).to_pandas() if labels else pd.DataFrame()
        for name, bad in validate_frame(raw).invalid.items():
            count, _, examples, first = found.get(name, (0, bad.reason, [], None))
            if first is None and (where := first_bad_row(raw[name], bad.examples)) is not None:
                first = scan.rows + 1 + where
            found[name] = (count + bad.count, bad.reason, (examples + bad.examples)[:3], first)
        scan.rows += table.num_rows
        if on_rows:
            on_rows(table.num_rows)
    for name, (count, reason, examples, first) in found.items():
        at = "" if first is None else f", first in row {first}"
        scan.problems.append(f"{name}: {count} value(s) {reason} "
                             f"(e.g. {', '.join(map(repr, examples))}){at}")
    return scan


def _tables(path: Path, header: list[str], rows: int,
            columns: list[str] | None = None) -> Iterator[pa.Table]:
    """Arrow tables of exactly ``rows`` rows (the last may be shorter); ``columns``: a
    Parquet file is read for these only (a CSV is parsed whole in any case)."""
    batches = (_csv_batches(path, header) if file_format(path) == "csv"
               else _parquet_batches(path, rows, columns))
    pending: list[pa.RecordBatch] = []
    held = 0
    for batch in batches:
        pending.append(batch)
        held += batch.num_rows
        while held >= rows:
            table = pa.Table.from_batches(pending)
            yield table.slice(0, rows)
            rest = table.slice(rows)
            pending, held = rest.to_batches(), rest.num_rows
    if held:
        yield pa.Table.from_batches(pending)


def _csv_batches(path: Path, header: list[str]) -> Iterator[pa.RecordBatch]:
    convert = pacsv.ConvertOptions(column_types=dict.fromkeys(header, pa.string()),
                                   strings_can_be_null=True)
    try:
        with pacsv.open_csv(path, convert_options=convert) as reader:
            yield from reader
    except (OSError, pa.ArrowException) as exc:
        message = " ".join(str(exc).split())
        raise DataFileError(csv_problem(path, f"cannot read it as CSV: {message}")) from None


def _parquet_batches(path: Path, rows: int,
                     columns: list[str] | None = None) -> Iterator[pa.RecordBatch]:
    try:
        yield from pq.ParquetFile(path).iter_batches(batch_size=rows, columns=columns)
    except (OSError, pa.ArrowException) as exc:
        message = " ".join(str(exc).split())
        raise DataFileError(f"{path}: cannot read it as parquet: {message}") from None


def _typed(table: pa.Table) -> pa.Table:
    """Text columns of numeric fields as numbers (int64 when every value is one, else
    float64); a column that does not convert stays text for the validator to report."""
    columns = []
    for name, column in zip(table.column_names, table.columns, strict=True):
        if name not in _TEXT and pa.types.is_string(column.type):
            column = _number(column)
        columns.append(column)
    return pa.table(columns, names=table.column_names)


def _number(column: pa.ChunkedArray) -> pa.ChunkedArray:
    for kind in (pa.int64(), pa.float64()):
        try:
            return pc.cast(column, kind)
        except pa.ArrowInvalid:
            continue
    return column
