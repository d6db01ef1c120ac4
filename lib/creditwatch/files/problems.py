"""Where an application file goes wrong: the row of a parse failure, of a byte that is not
UTF-8, of an invalid value.

Rows are counted from 1 for the first data row (the header is not a row). For CSV the
messages also give the line of the file (the header is line 1), which differs from the row
only when quoted cells hold line breaks. The fast readers (Arrow) say *what* failed but not
*where*; these slower scans run only after a failure, to name the row.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd

from creditwatch.schema.frames import ValidationReport

_BLOCK = 1 << 20


def open_binary(path: Path) -> IO[bytes]:
    """``path``'s bytes, uncompressed when it is gzipped."""
    if path.name.lower().endswith(".gz"):
        return gzip.open(path, "rb")  # type: ignore[return-value]  # a GzipFile reads bytes
    return open(path, "rb")


def utf8_problem(path: Path) -> str | None:
    """The first byte of ``path`` that is not UTF-8, as a message naming file, row and line;
    None when the whole file decodes."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    lines = 1
    with open_binary(path) as fh:
        while block := fh.read(_BLOCK):
            try:
                decoder.decode(block)
            except UnicodeDecodeError as exc:
                at = max(exc.start, 0)
                line = lines + block.count(b"\n", 0, at)
                where = "the header (line 1)" if line == 1 else f"row {line - 1} (line {line})"
                return (f"{path}: {where} is not UTF-8 text (byte 0x{block[at]:02x}); save the "
                        "file as UTF-8")
            lines += block.count(b"\n")
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return f"{path}: the file ends inside a character (line {lines}): not UTF-8 text"
    return None


def shape_problem(path: Path) -> str | None:
    """The first CSV record whose field count differs from the header's (a truncated line,
    an unquoted comma), as a message; None when every record fits."""
    with open_binary(path) as raw, io.TextIOWrapper(raw, encoding="utf-8", newline="") as text:
        reader = csv.reader(text)
        header = next(reader, None)
        if header is None:
            return f"{path}: the file is empty (no header line)"
        for row, record in enumerate(reader, start=1):
            if len(record) != len(header):
                kind = "truncated" if len(record) < len(header) else "too long"
                return (f"{path}: row {row} (line {reader.line_num}) is {kind}: {len(record)} "
                        f"field(s) where the header has {len(header)}")
    return None


def csv_problem(path: Path, fallback: str) -> str:
    """Why reading the CSV ``path`` failed, with its row when a scan finds it."""
    return utf8_problem(path) or shape_problem(path) or f"{path}: {fallback}"


def first_bad_row(column: pd.Series, examples: Sequence[Any]) -> int | None:
    """The position (0-based) of the first cell of ``column`` equal to one of ``examples``
    (a validation report's invalid values; NaN stands for a missing cell)."""
    found: list[int] = []
    for example in examples:
        if isinstance(example, float) and np.isnan(example):
            mask = column.isna().to_numpy()
        else:
            mask = (column == example).to_numpy(dtype=bool, na_value=False)
        hits = np.flatnonzero(mask)
        if len(hits):
            found.append(int(hits[0]))
    return min(found) if found else None


def describe_errors(report: ValidationReport, raw: pd.DataFrame, *, first_row: int = 1) -> list[str]:
    """The report's error lines, each invalid column with the row of its first bad value
    (``first_row``: the row number of ``raw``'s first row)."""
    lines = []
    if report.missing_columns:
        lines.append(report.errors()[0])
    for name, bad in report.invalid.items():
        examples = ", ".join(repr(x) for x in bad.examples)
        where = first_bad_row(raw[name], bad.examples) if name in raw else None
        at = "" if where is None else f", first in row {first_row + where}"
        lines.append(f"{name}: {bad.count} value(s) {bad.reason} (e.g. {examples}){at}")
    return lines


def validation_message(path: Path, lines: list[str]) -> str:
    """One line: the file, how many problems, each problem."""
    return (f"{path} does not match the application schema ({len(lines)} problem(s)): "
            + "; ".join(lines))
