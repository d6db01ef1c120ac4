"""Broken copies of the real-format train fixture, one per kind of bad input, each with the
row (1 = the first data row) and the words its error message must hold."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from tests.plugins.paths import FIXTURES

TRAIN = FIXTURES / "application_train_sample.csv"
TEST = FIXTURES / "application_test_sample.csv"


@dataclass(frozen=True)
class BadFile:
    """How to write one bad file and what its error must say."""

    name: str
    write: Callable[[Path], Path]
    words: tuple[str, ...]


def _cells(path: Path, changes: dict[tuple[int, str], str], *, drop: str | None = None) -> Path:
    """The fixture with some cells replaced (CSV text) or a column dropped, as CSV or Parquet
    (every column as text, so a wrong value keeps its wrong type)."""
    raw = pd.read_csv(TRAIN, dtype=str, keep_default_na=False)
    for (row, column), text in changes.items():
        raw.loc[row, column] = text
    if drop:
        raw = raw.drop(columns=drop)
    if path.suffix == ".parquet":
        raw.replace("", None).to_parquet(path, index=False)
    else:
        raw.to_csv(path, index=False)
    return path


def _latin1(path: Path) -> Path:
    """Row 3 (line 4) gets an occupation written in Latin-1, not UTF-8."""
    lines = TRAIN.read_bytes().split(b"\n")
    lines[3] = lines[3].replace(b"Laborers", "Labörers".encode("latin-1"), 1)
    path.write_bytes(b"\n".join(lines))
    return path


def _latin1_header(path: Path) -> Path:
    """A header with a column name written in Latin-1."""
    text = TRAIN.read_bytes()
    path.write_bytes(text.replace(b"SK_ID_CURR", "SK_ID_CURR_Nº".encode("latin-1"), 1))
    return path


def _truncated(path: Path) -> Path:
    """The file cut in the middle of its last line (row 12), as an interrupted copy leaves it."""
    text = TRAIN.read_bytes().rstrip(b"\n")
    path.write_bytes(text[: text.rindex(b"\n") + 300])
    return path


def _not_parquet(path: Path) -> Path:
    path.write_text("PAR1 but not really\n")
    return path


BAD_FILES: tuple[BadFile, ...] = (
    BadFile("missing.csv", lambda p: p, ("missing.csv", "no such file")),
    BadFile("columns.csv", lambda p: _cells(p, {}, drop="EXT_SOURCE_3"),
            ("columns.csv", "1 schema column(s) missing: EXT_SOURCE_3")),
    BadFile("latin1.csv", _latin1, ("latin1.csv", "row 3 (line 4)", "not UTF-8")),
    BadFile("latin1_header.csv", _latin1_header,
            ("latin1_header.csv", "the header (line 1)", "not UTF-8")),
    BadFile("truncated.csv", _truncated, ("truncated.csv", "row 12 (line 13)", "truncated")),
    BadFile("type.csv", lambda p: _cells(p, {(4, "AMT_CREDIT"): "lots"}),
            ("type.csv", "AMT_CREDIT", "not numbers", "'lots'", "first in row 5")),
    BadFile("type.parquet", lambda p: _cells(p, {(6, "DAYS_BIRTH"): "old"}),
            ("type.parquet", "DAYS_BIRTH", "not numbers", "first in row 7")),
    BadFile("columns.parquet", lambda p: _cells(p, {}, drop="AMT_CREDIT"),
            ("columns.parquet", "schema column(s) missing: AMT_CREDIT")),
    BadFile("broken.parquet", _not_parquet, ("broken.parquet", "cannot read it as parquet")),
)
