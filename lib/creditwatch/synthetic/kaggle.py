"""Synthetic applications written as the real Kaggle files, at any size, in bounded memory.

``write_kaggle_file(path, rows)`` writes what ``application_train.csv`` looks like byte for
byte in layout (``target=False``: ``application_test.csv``):

- the columns in the real file order: SK_ID_CURR, TARGET (train only), the 120 schema
  fields; no TRUE_PD;
- comma-separated, ``\\n`` line ends, quotes only around the cells that hold a comma
  ("Spouse, partner", "Stone, brick"), empty cells for missing values;
- float columns as the real file writes them (``202500.0``, ``0.08303696739132256``),
  integer columns without a decimal point (``-9461``, ``365243``);
- the generator's quirks: ``XNA`` genders and employers, the DAYS_EMPLOYED 365243 sentinel on
  exactly the XNA-employer rows, the structural missing blocks.

It is written in chunks of ``chunk_rows``: chunk ``i`` is ``generate(chunk_rows, seed + i)``
with consecutive SK_ID_CURR, so memory stays that of one chunk whatever ``rows`` is. The full
train file is :data:`TRAIN_ROWS` x 122 columns, the test file :data:`TEST_ROWS` x 121.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from creditwatch.schema import TARGET_COLUMN, TRUE_PD_COLUMN
from creditwatch.synthetic.generator import FIRST_ID, generate
from creditwatch.synthetic.shift import DriftSpec

TRAIN_ROWS = 307_511
TEST_ROWS = 48_744
CHUNK_ROWS = 50_000


def write_kaggle_file(path: str | Path, rows: int = TRAIN_ROWS, *, seed: int = 0,
                      target: bool = True, drift: DriftSpec | None = None,
                      chunk_rows: int = CHUNK_ROWS, id_start: int = FIRST_ID,
                      on_rows: Callable[[int], None] | None = None) -> Path:
    """Write ``rows`` synthetic applications to the CSV ``path`` in the Kaggle layout (see
    the module docstring); ``on_rows(n)`` after each chunk of ``n`` rows."""
    path = Path(path)
    if rows < 0 or chunk_rows < 1:
        raise ValueError(f"rows must be >= 0 and chunk_rows >= 1; got {rows}, {chunk_rows}")
    path.parent.mkdir(parents=True, exist_ok=True)
    dropped = [TRUE_PD_COLUMN] + ([] if target else [TARGET_COLUMN])
    with path.open("w", encoding="utf-8", newline="") as out:
        for i, first in enumerate(range(0, max(rows, 1), chunk_rows)):
            size = min(chunk_rows, rows - first)
            frame = generate(size, seed + i, drift, id_start=id_start + first)
            frame.drop(columns=dropped).to_csv(out, index=False, header=i == 0,
                                               lineterminator="\n")
            if on_rows is not None:
                on_rows(size)
    return path
