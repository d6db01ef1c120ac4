"""Outcome files: the key, the outcome and the time are found by name; bad rows are named."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest

from creditwatch.errors import DataFileError
from creditwatch.outcomes import load_outcomes, read_outcome_file
from creditwatch.store import Store

from tests.plugins.paths import FIXTURES
from tests.store.records import T0, prediction

NOW = datetime(2027, 1, 1, tzinfo=UTC)


def _read(path: Path, **kw: str) -> object:
    return read_outcome_file(path, source="test", received_at=NOW, **kw)


def test_the_kaggle_train_file_reads_as_outcomes() -> None:
    """The real-format training file gives one outcome per row: SK_ID_CURR and TARGET,
    observed at load time (the file has no date)."""
    path = FIXTURES / "application_train_sample.csv"
    frame = pd.read_csv(path)
    outcomes = read_outcome_file(path, source="kaggle", received_at=NOW)
    assert outcomes.key == "SK_ID_CURR"
    assert outcomes.invalid == []
    assert [r["value"] for r in outcomes.records] == frame["SK_ID_CURR"].tolist()
    assert [r["defaulted"] for r in outcomes.records] == frame["TARGET"].tolist()
    assert {r["observed_at"] for r in outcomes.records} == {NOW}


def test_bad_rows_are_reported_with_their_line_and_the_rest_loads(tmp_path: Path) -> None:
    """A row with an outcome other than 0/1, a missing key or an unreadable date is reported
    with its CSV line number and reason; the good rows are kept."""
    path = tmp_path / "outcomes.csv"
    path.write_text("request_id,defaulted,observed_at\n"
                    "a,1,2027-01-02\n"
                    "b,2,2027-01-02\n"
                    ",0,2027-01-02\n"
                    "d,0,yesterday\n"
                    "e,0,2027-01-03T10:00:00+02:00\n")
    outcomes = read_outcome_file(path, source="t", received_at=NOW)
    assert [r["value"] for r in outcomes.records] == ["a", "e"]
    assert outcomes.records[1]["observed_at"] == datetime(2027, 1, 3, 8, tzinfo=UTC)
    assert [(line, reason) for line, reason, _ in outcomes.invalid] == [
        (3, "defaulted must be 0 or 1"), (4, "request_id is not a valid request_id"),
        (5, "observed_at is not a date or time")]


@pytest.mark.parametrize(("header", "message"), [
    ("client,TARGET", "needs a key column"),
    ("SK_ID_CURR,outcome", "needs an outcome column"),
])
def test_a_file_without_the_needed_columns_is_refused(tmp_path: Path, header: str,
                                                      message: str) -> None:
    """A file without a key or an outcome column is refused naming the file."""
    path = tmp_path / "x.csv"
    path.write_text(header + "\n1,0\n")
    with pytest.raises(DataFileError, match=message) as err:
        read_outcome_file(path, source="t", received_at=NOW)
    assert str(path) in str(err.value)


def test_a_missing_file_is_a_one_line_error(tmp_path: Path) -> None:
    """A path that does not exist is a DataFileError naming it."""
    with pytest.raises(DataFileError, match="no such file"):
        read_outcome_file(tmp_path / "nope.parquet", source="t", received_at=NOW)


def test_loading_a_file_twice_changes_nothing_the_second_time(store: Store,
                                                              tmp_path: Path) -> None:
    """A Parquet file of SK_ID_CURR outcomes matches each client's prediction; loading the
    same file again finds only duplicates."""
    store.write_predictions([prediction(T0 + timedelta(days=i), request_id=f"p{i}",
                                        client_id=100 + i) for i in range(5)])
    path = tmp_path / "outcomes.parquet"
    pd.DataFrame({"SK_ID_CURR": [100, 101, 102, 103, 999], "TARGET": [0, 1, 0, 1, 1]}
                 ).to_parquet(path)
    first = load_outcomes(store, read_outcome_file(path, source="f", received_at=NOW),
                          batch=2)
    assert first.counts == {"stored": 4, "unknown_prediction": 1}
    again = load_outcomes(store, read_outcome_file(path, source="f", received_at=NOW))
    assert again.counts == {"duplicate": 4, "unknown_prediction": 1}
    assert sorted(store.read_outcomes()["defaulted"]) == [0, 0, 1, 1]
