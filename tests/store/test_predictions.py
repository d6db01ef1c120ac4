"""Predictions and their feature values: round trip, idempotence, time windows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pandas as pd
import pytest

from creditwatch.store import Store

from tests.store.records import T0, prediction

PARIS = timezone(timedelta(hours=2))


def test_every_column_round_trips(store: Store) -> None:
    """What is written is what is read back, column by column, with UTC timestamps."""
    record = prediction(T0, request_id="req-1", client_id=42, amt_credit=123.5,
                        quality_flags={"missing": ["EXT_SOURCE_1"], "out_of_range": []})
    assert store.write_predictions([record]) == 1
    frame = store.read_predictions(columns=[*_COLUMNS, "inputs"])
    assert len(frame) == 1
    row = frame.iloc[0]
    for key in _COLUMNS:
        if key in ("received_at", "application_time"):
            assert row[key] == pd.Timestamp(record[key])
            assert str(row[key].tz) == "UTC"
        else:
            assert row[key] == record[key], key
    assert row["inputs"] == record["inputs"]
    assert frame["probability"].dtype == "float64"
    assert str(frame["application_time"].dtype) == "datetime64[ns, UTC]"


_COLUMNS = [
    "request_id", "received_at", "application_time", "endpoint", "model_version",
    "probability", "decision", "threshold", "confidence", "data_quality_score",
    "preprocessing_ms", "inference_ms", "total_ms", "http_status", "amt_credit", "client_id",
    "quality_flags",
]


def test_derived_columns_default_from_the_record(store: Store) -> None:
    """Without an application time the received time is used; AMT_CREDIT and SK_ID_CURR come
    from the inputs; the HTTP status defaults to 200; absent timings are NULL."""
    record = prediction(T0 + timedelta(hours=1), request_id="req-2")
    for key in ("application_time", "http_status", "total_ms"):
        del record[key]
    store.write_predictions([record])
    row = store.read_predictions().iloc[0]
    assert row["application_time"] == row["received_at"] == pd.Timestamp(T0 + timedelta(hours=1))
    assert row["amt_credit"] == 250_000.0
    assert row["client_id"] == 100_002
    assert row["http_status"] == 200
    assert pd.isna(row["total_ms"])


def test_replayed_and_repeated_request_ids_are_stored_once(store: Store) -> None:
    """A batch written twice, and a request id repeated inside a batch, leave exactly one row
    (and one set of feature values) per request id."""
    batch = [prediction(T0 + timedelta(minutes=i), n_features=4) for i in range(50)]
    assert store.write_predictions(batch) == 50
    assert store.write_predictions(batch) == 0
    new = prediction(T0, request_id="new", n_features=4)
    mixed = [*batch[:10], new, {**new, "probability": 0.9}]
    assert store.write_predictions(mixed) == 1
    frame = store.read_predictions(columns=["request_id"])
    assert len(frame) == 51 and frame["request_id"].is_unique
    features = store.read_feature_values()
    assert len(features) == 51 * 4
    assert not features.duplicated(["prediction_id", "feature"]).any()


def test_a_duplicate_keeps_the_first_version(store: Store) -> None:
    """When a request id comes back with other values, the stored row is not overwritten."""
    store.write_predictions([prediction(T0, request_id="same", probability=0.1)])
    store.write_predictions([prediction(T0, request_id="same", probability=0.9)])
    assert store.read_predictions()["probability"].tolist() == [0.1]


def test_window_is_start_inclusive_end_exclusive(store: Store) -> None:
    """A prediction exactly at ``start`` is in the window, one exactly at ``end`` is not, and
    consecutive windows partition the data."""
    times = [T0 + timedelta(hours=h) for h in range(6)]
    store.write_predictions([prediction(t) for t in times])
    start, end = times[1], times[4]
    frame = store.read_predictions(start, end)
    assert frame["application_time"].tolist() == [pd.Timestamp(t) for t in times[1:4]]
    assert store.count_predictions(start, end) == 3
    assert store.count_predictions(None, start) + store.count_predictions(start, None) == 6
    assert len(store.read_inputs(start, end)) == 3


def test_window_bounds_in_another_timezone_mean_the_same_instant(store: Store) -> None:
    """Bounds given with a +02:00 offset select by instant, not by wall-clock digits."""
    store.write_predictions([prediction(T0 + timedelta(minutes=m)) for m in (0, 30, 60)])
    start = (T0 + timedelta(minutes=30)).astimezone(PARIS)
    assert start.hour == 2  # the wall clock differs from UTC
    assert store.count_predictions(start, None) == 2
    frame = store.read_predictions(start)
    assert frame["application_time"].min() == pd.Timestamp(T0 + timedelta(minutes=30))


def test_timestamps_with_offsets_are_stored_as_utc(store: Store) -> None:
    """A received time given in +02:00 reads back as the same instant, in UTC."""
    local = datetime(2026, 3, 1, 14, 0, 0, 123456, tzinfo=PARIS)
    store.write_predictions([prediction(local)])
    value = store.read_predictions().iloc[0]["received_at"]
    assert value == pd.Timestamp(local) and value.hour == 12 and value.microsecond == 123456


def test_naive_datetimes_are_refused(store: Store) -> None:
    """A naive time is ambiguous: writing or querying with one raises instead of guessing."""
    with pytest.raises(ValueError, match="naive"):
        store.write_predictions([prediction(datetime(2026, 3, 1))])  # noqa: DTZ001
    with pytest.raises(ValueError, match="naive"):
        store.count_predictions(datetime(2026, 3, 1))  # noqa: DTZ001
    assert store.count_predictions() == 0


def test_received_at_windows_and_model_version_filter(store: Store) -> None:
    """Windows can use the server's receive time instead of the application time, and be
    restricted to one model version."""
    late = prediction(T0, received_at=T0 + timedelta(days=2), model_version="m2")
    store.write_predictions([prediction(T0), late])
    day2 = T0 + timedelta(days=2)
    assert store.count_predictions(day2, None) == 0
    assert store.count_predictions(day2, None, time_column="received_at") == 1
    assert store.count_predictions(model_version="m2") == 1
    assert store.read_predictions(model_version="m1")["model_version"].tolist() == ["m1"]
    with pytest.raises(ValueError, match="time_column"):
        store.read_predictions(time_column="occurred_at")


def test_reads_are_ordered_by_time(store: Store) -> None:
    """Rows come back oldest first whatever the insertion order."""
    store.write_predictions([prediction(T0 + timedelta(hours=h)) for h in (3, 1, 2)])
    times = store.read_predictions()["application_time"]
    assert times.is_monotonic_increasing


def test_unicode_and_none_inputs_round_trip(store: Store) -> None:
    """Raw inputs keep their unicode text, None values, nesting and number types."""
    inputs = {"ORGANIZATION_TYPE": "Société générale ü 日本 😀", "EXT_SOURCE_1": None,
              "AMT_CREDIT": 1.5e6, "CNT_CHILDREN": 2, "nested": {"a": [1, None, "é"]}}
    store.write_predictions([prediction(T0, inputs=inputs)])
    assert store.read_predictions(columns=["inputs"]).iloc[0]["inputs"] == inputs


def test_unstorable_text_is_cleaned_not_fatal(store: Store) -> None:
    """NUL characters, lone surrogates and integers beyond 64 bits (which PostgreSQL or UTF-8
    cannot hold) are stored as replacement text instead of failing the batch."""
    inputs = {"ORGANIZATION_TYPE": "a\x00b", "OCCUPATION_TYPE": "x\ud800y", "big": 10**30}
    store.write_predictions([prediction(T0, inputs=inputs)])
    stored = store.read_predictions(columns=["inputs"]).iloc[0]["inputs"]
    assert stored == {"ORGANIZATION_TYPE": "a\ufffdb", "OCCUPATION_TYPE": "x\ufffdy",
                      "big": str(10**30)}


def test_read_inputs_gives_schema_columns_and_dtypes(store: Store) -> None:
    """Inputs come back as one column per schema field in schema dtypes, indexed by
    prediction id; fields a request did not send are missing values."""
    store.write_predictions([
        prediction(T0, inputs={"AMT_CREDIT": 1000.0, "CNT_CHILDREN": 1, "CODE_GENDER": "M"}),
        prediction(T0 + timedelta(seconds=1), inputs={"AMT_CREDIT": 2000.0}),
    ])
    frame = store.read_inputs()
    assert len(frame.columns) == 120 and frame.index.name == "prediction_id"
    assert frame["AMT_CREDIT"].tolist() == [1000.0, 2000.0]
    assert str(frame["CNT_CHILDREN"].dtype) == "Int64"
    assert frame["CNT_CHILDREN"].iloc[0] == 1 and pd.isna(frame["CNT_CHILDREN"].iloc[1])
    assert frame["CODE_GENDER"].tolist() == ["M", None]
    assert frame["EXT_SOURCE_1"].isna().all()
    ids = store.read_predictions(columns=["id"])["id"].tolist()
    assert frame.index.tolist() == ids


def test_read_inputs_tolerates_values_of_the_wrong_type(store: Store) -> None:
    """A value that does not fit its schema type (here text in a numeric field) becomes
    missing in that column without losing the window's other values."""
    store.write_predictions([
        prediction(T0, inputs={"AMT_CREDIT": "not a number", "CODE_GENDER": "F"}),
        prediction(T0 + timedelta(seconds=1), inputs={"AMT_CREDIT": 5.0}),
    ])
    frame = store.read_inputs(fields=["AMT_CREDIT", "CODE_GENDER"])
    assert list(frame.columns) == ["AMT_CREDIT", "CODE_GENDER"]
    assert pd.isna(frame["AMT_CREDIT"].iloc[0]) and frame["AMT_CREDIT"].iloc[1] == 5.0
    assert frame["CODE_GENDER"].tolist() == ["F", None]


def test_empty_window_reads_are_empty_frames(store: Store) -> None:
    """Reading a window with nothing in it gives empty frames with the usual columns."""
    assert store.read_predictions().empty
    assert list(store.read_inputs(fields=["AMT_CREDIT"]).columns) == ["AMT_CREDIT"]
    assert store.read_feature_values().empty
    assert store.count_predictions() == 0


def test_feature_values_long_and_wide(store: Store) -> None:
    """Feature values are stored per prediction with the prediction's application time, and
    can be read for some features only, long or one column per feature."""
    first = prediction(T0, features={"EXT_SOURCE_3": 0.5, "DAYS_BIRTH": -12000.0,
                                     "AMT_ANNUITY": None})
    second = prediction(T0 + timedelta(hours=1),
                        features={"EXT_SOURCE_3": 0.7, "DAYS_BIRTH": -9000.0,
                                  "AMT_ANNUITY": float("nan")})
    store.write_predictions([first, second])
    ids = store.read_predictions(columns=["id"])["id"].tolist()
    long = store.read_feature_values(features=["EXT_SOURCE_3"])
    assert long["value"].tolist() == [0.5, 0.7]
    assert long["prediction_id"].tolist() == ids
    assert long["application_time"].tolist() == [pd.Timestamp(T0),
                                                 pd.Timestamp(T0 + timedelta(hours=1))]
    wide = store.read_feature_values(T0 + timedelta(minutes=30), None, wide=True)
    assert wide.index.tolist() == ids[1:]
    assert wide.loc[ids[1], "DAYS_BIRTH"] == -9000.0
    assert pd.isna(wide.loc[ids[1], "AMT_ANNUITY"])  # NaN stored as NULL


def test_malformed_records_fail_before_writing(store: Store) -> None:
    """A record with an unknown key or without a required one raises, and nothing of its
    batch is stored."""
    good = prediction(T0)
    with pytest.raises(ValueError, match="unknown"):
        store.write_predictions([good, {**prediction(T0), "probabilty": 0.3}])
    missing = prediction(T0)
    del missing["decision"]
    with pytest.raises(ValueError, match="missing"):
        store.write_predictions([good, missing])
    assert store.count_predictions() == 0


def test_large_batch_keeps_ids_in_batch_order(store: Store) -> None:
    """A 1000-prediction batch is stored whole, ids following the batch order, with every
    feature value attached to its own prediction."""
    batch = [prediction(T0 + timedelta(seconds=i), n_features=20,
                        features={f"f{j}": float(i * 100 + j) for j in range(20)})
             for i in range(1000)]
    assert store.write_predictions(batch) == 1000
    frame = store.read_predictions(columns=["id", "request_id"])
    assert frame["request_id"].tolist() == [r["request_id"] for r in batch]
    assert frame["id"].is_monotonic_increasing
    wide = store.read_feature_values(wide=True)
    position = {pid: i for i, pid in enumerate(frame["id"])}
    assert all(wide.loc[pid, "f7"] == position[pid] * 100 + 7 for pid in wide.index)


def test_now_is_within_an_open_window(store: Store) -> None:
    """A prediction stamped now is counted by a window ending in the future."""
    now = datetime.now(UTC)
    store.write_predictions([prediction(now)])
    assert store.count_predictions(now - timedelta(seconds=1), now + timedelta(seconds=1)) == 1


def test_feature_names_with_control_characters_round_trip(store: Store) -> None:
    """Feature names holding a tab, newline or backslash (which PostgreSQL's COPY text format
    must escape) are stored verbatim."""
    names = {"a\tb": 1.0, "c\nd": 2.0, "e\\f": 3.0, "g\rh": 4.0, "plain é": 5.0}
    store.write_predictions([prediction(T0, features=names)])
    frame = store.read_feature_values()
    assert dict(zip(frame["feature"], frame["value"], strict=True)) == names


def test_feature_values_on_whole_seconds_stay_in_their_window(store) -> None:  # type: ignore[no-untyped-def]
    """Feature rows stamped on a whole second are found by a window starting at that second."""
    from datetime import UTC, datetime, timedelta

    from tests.store.records import prediction

    t = datetime(2026, 4, 1, 12, tzinfo=UTC)
    store.write_predictions([prediction(t, request_id="whole"),
                             prediction(t + timedelta(microseconds=5), request_id="frac")])
    found = store.read_feature_values(t, t + timedelta(seconds=1))
    assert len(found) == 6


_AWKWARD_TEXT = 'back\\slash \\n tab\there "quoted" new\nline é 中文 🙂 \\\\ end\\'


def test_read_inputs_keeps_awkward_text_exactly(store: Store) -> None:
    """Text values come back exactly as written, whatever they hold: backslashes (doubled by
    PostgreSQL's COPY, which the bulk read undoes), tabs, quotes, line breaks, non-ASCII;
    the same through a sampled (``ids``) read."""
    store.write_predictions([
        prediction(T0, inputs={"ORGANIZATION_TYPE": _AWKWARD_TEXT, "AMT_CREDIT": 1.0}),
        prediction(T0 + timedelta(seconds=1), inputs={"ORGANIZATION_TYPE": "plain"}),
    ])
    frame = store.read_inputs(fields=["ORGANIZATION_TYPE", "AMT_CREDIT"])
    assert frame["ORGANIZATION_TYPE"].tolist() == [_AWKWARD_TEXT, "plain"]
    ids = frame.index.tolist()
    sampled = store.read_inputs(fields=["ORGANIZATION_TYPE"], ids=[ids[0]])
    assert sampled.index.tolist() == [ids[0]]
    assert sampled["ORGANIZATION_TYPE"].tolist() == [_AWKWARD_TEXT]


def test_read_inputs_keeps_a_fractional_integer_field_as_float(store: Store) -> None:
    """An integer field holding a non-integral value stays float (no rounding, no error);
    integral ones come back as nullable integers."""
    store.write_predictions([
        prediction(T0, inputs={"CNT_CHILDREN": 2.5, "DAYS_BIRTH": -12000}),
        prediction(T0 + timedelta(seconds=1), inputs={"CNT_CHILDREN": 1}),
    ])
    frame = store.read_inputs(fields=["CNT_CHILDREN", "DAYS_BIRTH"])
    assert frame["CNT_CHILDREN"].dtype == "float64"
    assert frame["CNT_CHILDREN"].tolist() == [2.5, 1.0]
    assert str(frame["DAYS_BIRTH"].dtype) == "Int64"
    assert frame["DAYS_BIRTH"].iloc[0] == -12000 and pd.isna(frame["DAYS_BIRTH"].iloc[1])


def test_prediction_ids_are_the_window_s_ids(store: Store) -> None:
    """``prediction_ids`` gives exactly the ids in ``[start, end)`` as int64; an empty window
    gives an empty array."""
    store.write_predictions([prediction(T0 + timedelta(hours=h)) for h in range(5)])
    all_ids = store.read_predictions(columns=["id"])["id"].tolist()
    got = store.prediction_ids(T0 + timedelta(hours=1), T0 + timedelta(hours=4))
    assert got.dtype == "int64"
    assert sorted(got.tolist()) == all_ids[1:4]
    empty = store.prediction_ids(T0 - timedelta(days=2), T0 - timedelta(days=1))
    assert empty.dtype == "int64" and len(empty) == 0


def test_read_inputs_accepts_multi_line_json_on_sqlite(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A JSON document stored over several lines (written by another tool) is read like any
    other: line breaks between tokens are only whitespace."""
    with Store(f"sqlite:///{tmp_path / 'store.db'}") as store:
        store.write_predictions([prediction(T0, inputs={"AMT_CREDIT": 7.0})])
        with store.engine.begin() as conn:
            conn.exec_driver_sql(
                "UPDATE predictions SET inputs = '{\n  \"AMT_CREDIT\": 8.0,\r\n"
                "  \"CODE_GENDER\": \"F\"\n}'")
        frame = store.read_inputs(fields=["AMT_CREDIT", "CODE_GENDER"])
    assert frame["AMT_CREDIT"].tolist() == [8.0]
    assert frame["CODE_GENDER"].tolist() == ["F"]
