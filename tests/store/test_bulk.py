"""The driver-level bulk paths: rows bound as prepared tuples must store what SQLAlchemy's
typed statements stored, and replays must still skip exactly the rows already there."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy.dialects import sqlite
from sqlalchemy.exc import IntegrityError

from creditwatch.store import Store
from creditwatch.store.models import ANOMALIES, API_LOGS, PREDICTIONS
from creditwatch.store.records import ANOMALY_COLUMNS, LOG_COLUMNS, PREDICTION_COLUMNS
from creditwatch.store.types import dumps, sqlite_time, to_utc
from creditwatch.writer.writer import is_data_error

from tests.store.records import T0, prediction


@pytest.mark.parametrize("when", [
    datetime(2026, 4, 1, 12, tzinfo=UTC),  # whole second: ".000000" kept
    datetime(2026, 4, 1, 12, 0, 0, 5, tzinfo=UTC),
    datetime(999, 1, 2, 3, 4, 5, 60, tzinfo=UTC),  # a three-digit year is zero-padded
    datetime(9999, 12, 31, 23, 59, 59, 999_999, tzinfo=UTC),
    datetime(2026, 4, 1, 14, 30, tzinfo=timezone(timedelta(hours=2))),
])
def test_sqlite_time_is_the_dialects_fixed_width_text(when: datetime) -> None:
    """The stamp bound on SQLite is exactly the text SQLAlchemy's DATETIME processor writes
    for the same UTC instant, so old and new rows compare (and sort) alike."""
    dialect = sqlite.dialect()
    process = sqlite.DATETIME().bind_processor(dialect)
    assert process is not None
    utc = to_utc(when)
    assert sqlite_time(utc) == process(utc.replace(tzinfo=None))


def test_row_columns_cover_every_column_of_their_table() -> None:
    """Each positional row layout names every column of its table except the generated id
    and the columns only a later operation sets (the retention purge's stamp), so a column
    added to a model cannot be silently left out of the inserts."""
    later = {"id", "inputs_purged_at"}
    for columns, table in ((PREDICTION_COLUMNS, PREDICTIONS), (ANOMALY_COLUMNS, ANOMALIES),
                           (LOG_COLUMNS, API_LOGS)):
        assert sorted(columns) == sorted(c.key for c in table.c if c.key not in later), \
            table.name


def test_a_partly_stored_batch_gets_features_for_its_new_predictions_only(store: Store) -> None:
    """When stored and new request ids are interleaved in a batch, only the new predictions
    are inserted, each with its own feature values, and the stored ones keep theirs."""
    stored = [prediction(T0 + timedelta(seconds=i), request_id=f"old-{i}",
                         features={"f": float(i)}) for i in range(5)]
    assert store.write_predictions(stored) == 5
    batch = []
    for i in range(5):
        batch.append({**stored[i], "features": {"f": -1.0}})  # replayed: must change nothing
        batch.append(prediction(T0 + timedelta(seconds=10 + i), request_id=f"new-{i}",
                                features={"f": 100.0 + i}))
    assert store.write_batch(predictions=batch).feature_values == 5
    ids = dict(zip(*store.read_predictions(columns=["request_id", "id"]).T.values, strict=True))
    values = store.read_feature_values()
    by_id = dict(zip(values["prediction_id"], values["value"], strict=True))
    assert {rid: by_id[pid] for rid, pid in ids.items()} == {
        **{f"old-{i}": float(i) for i in range(5)},
        **{f"new-{i}": 100.0 + i for i in range(5)},
    }


def test_a_feature_value_that_is_not_a_number_fails_the_whole_batch(store: Store) -> None:
    """A non-numeric feature value raises ValueError (a data error for the writer, which then
    isolates the record), and nothing of its batch is stored."""
    bad = prediction(T0, features={"f": "not a number"})
    with pytest.raises(ValueError) as failure:
        store.write_batch(predictions=[prediction(T0), bad])
    assert is_data_error(failure.value)
    assert store.count_predictions() == 0
    assert store.read_feature_values().empty


def test_sqlite_driver_errors_are_raised_as_sqlalchemys(tmp_path: Path) -> None:
    """A feature row SQLite refuses (a NULL feature name) surfaces as SQLAlchemy's
    IntegrityError from the driver-level insert, as from any other statement, so the writer
    treats it as a refused record, and the batch is rolled back."""
    with Store(f"sqlite:///{tmp_path / 'store.db'}") as store:
        with pytest.raises(IntegrityError) as failure:
            store.write_batch(predictions=[prediction(T0, features={None: 1.0})])
        assert is_data_error(failure.value)
        assert store.count_predictions() == 0


def test_json_text_keeps_non_string_keys_and_numpy_values() -> None:
    """Values that need orjson's slower options (non-string keys, numpy scalars) are still
    stored, as the same text as before the string-keys fast path; NaN becomes null."""
    assert dumps({1: np.int64(2), "a": np.float32(0.5), "n": float("nan")}) == (
        '{"1":2,"a":0.5,"n":null}')
    assert dumps({"a": [1, None, "é"]}) == '{"a":[1,null,"é"]}'
