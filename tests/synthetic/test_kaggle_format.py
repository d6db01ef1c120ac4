"""The Kaggle-format writer: a small file in the exact layout of application_train.csv /
application_test.csv (the benchmark writes the full 307,511-row size with the same code)."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import numpy as np
import pandas as pd

from creditwatch.files import iter_application_chunks, load_applications
from creditwatch.schema import DAYS_EMPLOYED_SENTINEL, FIELDS
from creditwatch.synthetic.kaggle import write_kaggle_file

from tests.support.bad_files import TEST, TRAIN


def test_train_layout_reads_back_with_the_real_shape_and_quirks(tmp_path: Path) -> None:
    """3,000 rows written in chunks of 700 read back as 3,000 x 122 with the real header,
    consecutive unique ids, the real dtypes (65 float, 41 int, 16 text), quotes only around
    cells with a comma, integers without and floats with a decimal point, XNA employers on
    exactly the DAYS_EMPLOYED=365243 rows, and the same frame through the chunked reader."""
    path = write_kaggle_file(tmp_path / "application_train.csv", 3_000, seed=4, chunk_rows=700)
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    assert lines[0] == TRAIN.read_text().split("\n")[0] and lines[-1] == ""
    assert len(lines) == 3_002 and "\r" not in text

    quoted = set(re.findall(r'"[^"]*"', text))
    assert quoted == {'"Spouse, partner"', '"Stone, brick"'}
    records = list(csv.reader(lines[1:-1]))
    assert {len(r) for r in records} == {122}
    header = lines[0].split(",")
    column = {name: [r[header.index(name)] for r in records] for name in
              ("AMT_INCOME_TOTAL", "DAYS_BIRTH", "DAYS_EMPLOYED", "DAYS_REGISTRATION")}
    assert all(re.fullmatch(r"\d+\.\d+", v) for v in column["AMT_INCOME_TOTAL"])
    assert all(re.fullmatch(r"-\d+", v) for v in column["DAYS_BIRTH"])
    assert all(re.fullmatch(r"-?\d+", v) for v in column["DAYS_EMPLOYED"])
    assert all(re.fullmatch(r"-?\d+\.\d+", v) for v in column["DAYS_REGISTRATION"])

    loaded = load_applications(path)
    frame, report = loaded.frame, loaded.report
    assert report.ok and frame.shape == (3_000, 122) and not report.has_true_pd
    assert frame.dtypes.astype(str).value_counts().to_dict() == {
        "float64": 65, "int64": 41, "object": 16}
    ids = frame["SK_ID_CURR"].to_numpy()
    assert np.array_equal(ids, np.arange(100_002, 103_002))
    sentinel = frame["DAYS_EMPLOYED"] == DAYS_EMPLOYED_SENTINEL
    assert 0.10 < sentinel.mean() < 0.26
    assert sentinel.equals(frame["ORGANIZATION_TYPE"] == "XNA")
    assert report.sentinel_count == sentinel.sum()
    assert frame["EXT_SOURCE_1"].isna().mean() > 0.4
    pd.testing.assert_frame_equal(pd.concat(iter_application_chunks(path, rows=1_000)), frame,
                                  check_dtype=False)


def test_test_layout_has_no_target(tmp_path: Path) -> None:
    """target=False writes application_test.csv's 121 columns, its header exactly."""
    path = write_kaggle_file(tmp_path / "application_test.csv", 50, target=False)
    assert path.read_text().split("\n")[0] == TEST.read_text().split("\n")[0]
    frame = load_applications(path).frame
    assert frame.shape == (50, 121) and "TARGET" not in frame
    assert list(frame.columns[1:]) == [f.name for f in FIELDS]
