"""The chunked reader: the same frame as the whole-file loader, in bounded chunks, with the
file's row numbers in its errors."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from creditwatch.errors import DataValidationError
from creditwatch.files import (
    LabelScan,
    count_rows,
    iter_application_chunks,
    load_applications,
    scan_labels,
)
from creditwatch.schema.rules import CLIENT_ID_RULE

from tests.support.bad_files import TRAIN


def _copy(tmp_path: Path, suffix: str) -> Path:
    frame = pd.read_csv(TRAIN)
    path = tmp_path / f"train{suffix}"
    if suffix == ".parquet":
        frame.to_parquet(path, index=False)
    else:
        frame.to_csv(path, index=False)
    return path


@pytest.mark.parametrize("suffix", [".csv", ".csv.gz", ".parquet"])
@pytest.mark.parametrize("rows", [1, 5, 12, 100])
def test_chunks_concatenate_to_the_whole_file_frame(tmp_path: Path, suffix: str, rows: int) -> None:
    """Chunks of ``rows`` rows (the last one shorter) concatenate to the frame
    load_applications reads, values and row index alike, whatever the chunk size."""
    path = _copy(tmp_path, suffix)
    whole = load_applications(path).frame
    chunks = list(iter_application_chunks(path, rows=rows))
    sizes = [len(c) for c in chunks]
    assert sizes == [rows] * (12 // rows) + ([12 % rows] if 12 % rows else [])
    joined = pd.concat(chunks)
    pd.testing.assert_frame_equal(joined, whole, check_dtype=False)
    assert list(joined.columns) == list(whole.columns)
    assert count_rows(path) == 12


def test_a_bad_value_in_a_later_chunk_names_its_row_in_the_file(tmp_path: Path) -> None:
    """A bad value in row 11 surfaces when its chunk is read (rows 11-12 of chunks of 5),
    named by its row in the file; the earlier chunks were already handed over. strict=False
    reads it as the whole-file loader does."""
    raw = pd.read_csv(TRAIN, dtype=str, keep_default_na=False)
    raw.loc[10, "EXT_SOURCE_2"] = "1.7"
    path = tmp_path / "late.csv"
    raw.to_csv(path, index=False)
    seen = []
    with pytest.raises(DataValidationError) as caught:
        for chunk in iter_application_chunks(path, rows=5):
            seen.append(len(chunk))
    assert seen == [5, 5]
    message = str(caught.value)
    assert str(path) in message and "EXT_SOURCE_2" in message and "first in row 11" in message
    assert "\n" not in message
    lenient = pd.concat(iter_application_chunks(path, rows=5, strict=False))
    pd.testing.assert_frame_equal(lenient, load_applications(path, strict=False).frame)


def test_text_everywhere_does_not_depend_on_the_first_block(tmp_path: Path) -> None:
    """A column empty in the first rows and filled later (which type guessing from the first
    block gets wrong) reads as numbers, with missing values where the cells were empty."""
    raw = pd.read_csv(TRAIN, dtype=str, keep_default_na=False)
    raw.loc[:9, "OWN_CAR_AGE"] = ""
    raw.loc[11, "OWN_CAR_AGE"] = "7.5"
    path = tmp_path / "late_values.csv"
    raw.to_csv(path, index=False)
    joined = pd.concat(iter_application_chunks(path, rows=4))
    assert joined["OWN_CAR_AGE"].isna().sum() == 10 + int(raw.loc[10, "OWN_CAR_AGE"] == "")
    assert joined.loc[11, "OWN_CAR_AGE"] == 7.5


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
@pytest.mark.parametrize("rows", [1, 4, 100])
def test_label_scan_counts_rows_and_names_the_first_bad_label(tmp_path: Path, suffix: str,
                                                             rows: int) -> None:
    """scan_labels reads the whole file in chunks of any size and gives its exact row count
    and one line per invalid label column: the bad values counted over every chunk and the
    file row of the first one (the other columns, even invalid, are not its business)."""
    good = _copy(tmp_path, suffix)
    scan = scan_labels(good, rows=rows)
    assert (scan.rows, scan.has_target, scan.problems) == (12, True, [])
    frame = pd.read_csv(TRAIN)
    frame["TARGET"] = frame["TARGET"].astype(float)
    frame.loc[[6, 10], "TARGET"] = 2.0
    frame.loc[8, "SK_ID_CURR"] = -3
    frame.loc[1, "AMT_CREDIT"] = -1.0
    bad = tmp_path / f"bad{suffix}"
    frame.to_parquet(bad, index=False) if suffix == ".parquet" else frame.to_csv(bad, index=False)
    seen: list[int] = []
    scan = scan_labels(bad, rows=rows, on_rows=seen.append)
    assert scan.rows == sum(seen) == 12
    assert [line.split(" (e.g.")[0] for line in scan.problems] == [
        "TARGET: 2 value(s) not 0 or 1", f"SK_ID_CURR: 1 value(s) not {CLIENT_ID_RULE}"]
    assert scan.problems[0].endswith("first in row 7") and scan.problems[1].endswith("first in row 9")
    unlabelled = tmp_path / f"unlabelled{suffix}"
    frame = frame.drop(columns=["TARGET", "SK_ID_CURR"])
    frame.to_parquet(unlabelled, index=False) if suffix == ".parquet" else frame.to_csv(
        unlabelled, index=False)
    assert scan_labels(unlabelled, rows=rows) == LabelScan(12, False, [])
