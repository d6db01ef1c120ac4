"""Loading real-format application files: the handwritten fixtures, invalid files, round trips."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from creditwatch.errors import CreditwatchError, DataFileError, DataValidationError
from creditwatch.files import load_applications, write_applications
from creditwatch.schema import FIELDS, ID_COLUMN, TARGET_COLUMN
from creditwatch.synthetic import DriftSpec, generate

from tests.plugins.paths import FIXTURES

TRAIN = FIXTURES / "application_train_sample.csv"
TEST = FIXTURES / "application_test_sample.csv"


def edited(tmp_path: Path, changes: dict[tuple[int, str], str], *, drop: str | None = None,
           add: str | None = None) -> Path:
    """A copy of the train fixture with some cells replaced (as raw CSV text)."""
    raw = pd.read_csv(TRAIN, dtype=str, keep_default_na=False)
    for (row, column), text in changes.items():
        raw.loc[row, column] = text
    if drop:
        raw = raw.drop(columns=drop)
    if add:
        raw[add] = "1"
    path = tmp_path / "edited.csv"
    raw.to_csv(path, index=False)
    return path


def test_train_fixture_loads_with_the_real_dtypes() -> None:
    """The train fixture parses into 12 rows with the real file's dtypes (65/41/16)."""
    loaded = load_applications(TRAIN)
    frame, report = loaded.frame, loaded.report
    assert report.ok and report.rows == 12 and report.has_target and report.has_id
    assert list(frame.columns) == [ID_COLUMN, TARGET_COLUMN, *(f.name for f in FIELDS)]
    assert frame.dtypes.astype(str).value_counts().to_dict() == {
        "float64": 65, "int64": 41, "object": 16}
    first = frame.iloc[0]
    assert first[ID_COLUMN] == 100002 and first[TARGET_COLUMN] == 1
    assert first["AMT_CREDIT"] == 406597.5 and first["DAYS_REGISTRATION"] == -3648.0
    assert first["EXT_SOURCE_1"] == 0.08303696739132256
    assert loaded.target is not None and loaded.target.sum() == 3
    assert loaded.features.shape == (12, 120)


def test_quoted_commas_parse_as_one_value() -> None:
    """"Spouse, partner" and "Stone, brick" are single values, not split cells."""
    frame = load_applications(TRAIN).frame
    assert (frame["NAME_TYPE_SUITE"] == "Spouse, partner").sum() == 1
    assert (frame["WALLSMATERIAL_MODE"] == "Stone, brick").sum() == 2
    assert load_applications(TEST).frame["NAME_TYPE_SUITE"].eq("Spouse, partner").sum() == 1


def test_sentinel_xna_and_missing_blocks_are_reported() -> None:
    """The report counts the sentinel (on the XNA pensioner/unemployed rows), XNA values and
    the missing blocks, none of which is an error."""
    loaded = load_applications(TRAIN)
    frame, report = loaded.frame, loaded.report
    sentinel = frame["DAYS_EMPLOYED"] == 365243
    assert report.sentinel_count == 3 == sentinel.sum()
    assert (frame.loc[sentinel, "ORGANIZATION_TYPE"] == "XNA").all()
    assert set(frame.loc[sentinel, "NAME_INCOME_TYPE"]) == {"Pensioner", "Unemployed"}
    assert report.xna_counts == {"CODE_GENDER": 1, "ORGANIZATION_TYPE": 3}
    assert report.missing_counts["AMT_REQ_CREDIT_BUREAU_YEAR"] == 1
    assert report.missing_counts["OBS_30_CNT_SOCIAL_CIRCLE"] == 1
    assert report.missing_counts["APARTMENTS_AVG"] == 7
    assert report.missing_counts["OWN_CAR_AGE"] == 9
    bureau = [f.name for f in FIELDS if f.name.startswith("AMT_REQ_CREDIT_BUREAU_")]
    assert frame.loc[frame[ID_COLUMN] == 100006, bureau].isna().all(axis=None)
    assert frame["OCCUPATION_TYPE"].isna().sum() == 3
    assert report.out_of_typical == {} and report.unknown_categories == {}


def test_test_fixture_has_no_target() -> None:
    """The test-file fixture loads without TARGET: 40 int64 columns, has_target False."""
    loaded = load_applications(TEST)
    assert not loaded.report.has_target and loaded.target is None
    assert loaded.report.rows == 5 and loaded.report.sentinel_count == 1
    assert loaded.frame.dtypes.astype(str).value_counts().to_dict() == {
        "float64": 65, "int64": 40, "object": 16}


def test_invalid_values_are_rejected_with_a_clear_message(tmp_path: Path) -> None:
    """EXT_SOURCE_2 = 1.7 and an unknown CODE_GENDER make the load fail, naming both."""
    path = edited(tmp_path, {(3, "EXT_SOURCE_2"): "1.7", (5, "CODE_GENDER"): "U"})
    with pytest.raises(DataValidationError) as caught:
        load_applications(path)
    message = str(caught.value)
    assert "EXT_SOURCE_2: 1 value(s) outside the valid range [0, 1] (e.g. 1.7)" in message
    assert "CODE_GENDER: 1 value(s) not in {F, M, XNA} (e.g. 'U')" in message
    assert isinstance(caught.value, CreditwatchError)
    report = load_applications(path, strict=False).report
    assert not report.ok and set(report.invalid) == {"EXT_SOURCE_2", "CODE_GENDER"}
    assert report.invalid["EXT_SOURCE_2"].count == 1


@pytest.mark.parametrize(("column", "text", "reason"), [
    ("AMT_CREDIT", "lots", "not numbers"),
    ("CNT_CHILDREN", "1.5", "not integers"),
    ("AMT_CREDIT", "", "missing in a required field"),
    ("FLAG_DOCUMENT_3", "2", "not in {0, 1}"),
    ("DAYS_BIRTH", "120", "outside the valid range"),
    ("TARGET", "3", "not 0 or 1"),
    ("WEEKDAY_APPR_PROCESS_START", "monday", "not in {MONDAY"),
])
def test_each_kind_of_invalid_value_is_caught(tmp_path: Path, column: str, text: str,
                                             reason: str) -> None:
    """Unparsable numbers, fractional counts, missing required values, flags outside 0/1,
    positive ages, bad targets and wrongly cased closed categories are errors."""
    path = edited(tmp_path, {(2, column): text})
    with pytest.raises(DataValidationError, match=column):
        load_applications(path)
    report = load_applications(path, strict=False).report
    assert reason in report.invalid[column].reason


def test_missing_and_unknown_columns(tmp_path: Path) -> None:
    """A missing schema column is an error (all-missing with strict=False); an unknown column
    is listed and left out."""
    path = edited(tmp_path, {}, drop="EXT_SOURCE_3", add="MY_NOTE")
    with pytest.raises(DataValidationError, match=r"1 schema column\(s\) missing: EXT_SOURCE_3"):
        load_applications(path)
    loaded = load_applications(path, strict=False)
    assert loaded.report.missing_columns == ["EXT_SOURCE_3"]
    assert loaded.report.unknown_columns == ["MY_NOTE"]
    assert "MY_NOTE" not in loaded.frame and loaded.frame["EXT_SOURCE_3"].isna().all()
    only_unknown = edited(tmp_path, {}, add="MY_NOTE")
    assert load_applications(only_unknown).report.unknown_columns == ["MY_NOTE"]


def test_open_categories_and_outliers_are_counted_not_rejected(tmp_path: Path) -> None:
    """An unknown level of an open set and a huge (valid) income load fine and are counted;
    an integer field with a blank cell becomes float64 with NaN."""
    path = edited(tmp_path, {(0, "NAME_TYPE_SUITE"): "Neighbour",
                             (1, "AMT_INCOME_TOTAL"): "250000000.0",
                             (4, "HOUR_APPR_PROCESS_START"): ""})
    loaded = load_applications(path)
    assert loaded.report.unknown_categories == {"NAME_TYPE_SUITE": {"Neighbour": 1}}
    assert loaded.report.out_of_typical == {"AMT_INCOME_TOTAL": 1}
    assert loaded.frame["HOUR_APPR_PROCESS_START"].dtype == np.float64
    assert loaded.frame["HOUR_APPR_PROCESS_START"].isna().sum() == 1
    assert loaded.frame["NAME_TYPE_SUITE"].iloc[0] == "Neighbour"


def test_bad_paths_raise_a_file_error(tmp_path: Path) -> None:
    """A missing file, an unsupported suffix or a broken Parquet file raise DataFileError."""
    with pytest.raises(DataFileError, match="no such file"):
        load_applications(tmp_path / "absent.csv")
    with pytest.raises(DataFileError, match="unsupported file type"):
        load_applications(TRAIN.with_suffix(".xlsx"))
    broken = tmp_path / "broken.parquet"
    broken.write_text("not parquet")
    with pytest.raises(DataFileError, match="cannot read"):
        load_applications(broken)


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".csv.gz"])
def test_synthetic_frames_round_trip(tmp_path: Path, suffix: str) -> None:
    """A synthetic (drifted) frame written as CSV or Parquet loads back identical, TRUE_PD kept."""
    frame = generate(3_000, 12, DriftSpec("sudden", 0.5))
    path = write_applications(frame, tmp_path / "sub" / f"apps{suffix}")
    loaded = load_applications(path)
    assert loaded.report.ok and loaded.report.has_true_pd
    pd.testing.assert_frame_equal(loaded.frame, frame)


def test_written_csv_looks_like_the_real_file(tmp_path: Path) -> None:
    """The CSV writer keeps the real layout: header order, quoted commas, empty missing cells,
    floats such as 202500.0."""
    frame = load_applications(TRAIN).frame
    path = write_applications(frame, tmp_path / "copy.csv")
    text = path.read_text()
    original = TRAIN.read_text()
    assert text.splitlines()[0] == original.splitlines()[0]
    assert text.splitlines()[1].startswith(
        "100002,1,Cash loans,M,N,Y,0,202500.0,406597.5,24700.5,351000.0,Unaccompanied,")
    assert '"Stone, brick"' in text and '"Spouse, partner"' in text
    pd.testing.assert_frame_equal(load_applications(path).frame, frame)
