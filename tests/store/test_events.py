"""Anomalies, API logs, and mixed batches written atomically."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import pytest
from sqlalchemy.exc import IntegrityError

from creditwatch.store import Store, WriteCounts, is_transient
from creditwatch.store.models import PAYLOAD_EXCERPT_MAX

from tests.store.records import T0, prediction


def _anomaly(request_id: str, minutes: int = 0, **extra: object) -> dict[str, object]:
    record: dict[str, object] = {
        "occurred_at": T0 + timedelta(minutes=minutes), "request_id": request_id,
        "endpoint": "/predict", "kind": "validation", "http_status": 422,
        "errors": [{"field": "AMT_CREDIT", "error": "must be ≥ 0", "value": -5}],
        "payload_excerpt": '{"AMT_CREDIT": -5}',
    }
    record.update(extra)
    return record


def _log(event_id: str | None, minutes: int = 0, **extra: object) -> dict[str, object]:
    record: dict[str, object] = {
        "ts": T0 + timedelta(minutes=minutes), "level": "info", "event": "request.done",
        "request_id": "req-9", "event_id": event_id, "data": {"status": 200, "ms": 1.25},
    }
    record.update(extra)
    return record


def test_anomalies_round_trip_and_replay_once(store: Store) -> None:
    """Rejections are stored with their field errors, read back by window, and a replayed
    rejection (same request id) is not stored twice."""
    records = [_anomaly("bad-1", 0), _anomaly("bad-2", 10, kind="malformed_json", errors=None)]
    assert store.write_anomalies(records) == 2
    assert store.write_anomalies(records) == 0
    frame = store.read_anomalies()
    assert frame["request_id"].tolist() == ["bad-1", "bad-2"]
    assert frame.iloc[0]["errors"] == records[0]["errors"]
    assert frame.iloc[1]["errors"] is None
    assert frame.iloc[0]["occurred_at"] == pd.Timestamp(T0)
    assert len(store.read_anomalies(T0 + timedelta(minutes=5), None)) == 1


def test_payload_excerpt_is_bounded(store: Store) -> None:
    """A huge rejected body keeps only its first characters (bytes are decoded leniently),
    so one bad request cannot bloat the store."""
    huge = b'{"x": "' + "é".encode() * 100_000 + b'\xff"}'
    store.write_anomalies([_anomaly("big", payload_excerpt=huge),
                           _anomaly("short", 1, payload_excerpt="tiny")])
    excerpts = store.read_anomalies()["payload_excerpt"].tolist()
    assert len(excerpts[0]) == PAYLOAD_EXCERPT_MAX and excerpts[0].startswith('{"x": "éé')
    assert excerpts[0].endswith("…")
    assert excerpts[1] == "tiny"


def test_logs_round_trip_filters_and_idempotence(store: Store) -> None:
    """Log events are read back by window, request id and level; events with an id are
    stored once, events without one every time."""
    batch = [_log("e1", 0), _log("e2", 1, level="error", request_id="req-1"), _log(None, 2),
             _log("e1", 3)]  # an id repeated inside the batch counts once
    assert store.write_logs(batch) == 3
    assert store.write_logs(batch) == 1  # only the id-less event is new again
    frame = store.read_logs()
    assert len(frame) == 4
    assert frame.iloc[0]["data"] == {"status": 200, "ms": 1.25}
    assert store.read_logs(level="error")["event_id"].tolist() == ["e2"]
    assert len(store.read_logs(request_id="req-1")) == 1
    assert len(store.read_logs(T0 + timedelta(minutes=1), T0 + timedelta(minutes=2))) == 1


def test_mixed_batch_counts_what_is_new(store: Store) -> None:
    """One write_batch call stores predictions, anomalies and logs together and reports
    the rows actually inserted."""
    counts = store.write_batch(predictions=[prediction(T0, n_features=2)],
                               anomalies=[_anomaly("a")], logs=[_log("l")])
    assert counts == WriteCounts(predictions=1, feature_values=2, anomalies=1, logs=1)
    assert store.write_batch() == WriteCounts()


def test_mixed_batch_is_all_or_nothing(store: Store) -> None:
    """When the database rejects one part of a batch, none of it is stored: a spool
    segment is either entirely in the store or still entirely to replay."""
    with pytest.raises(IntegrityError) as failure:
        store.write_batch(predictions=[prediction(T0)], anomalies=[_anomaly("a")],
                          logs=[_log("l", level=None)])  # level is NOT NULL
    assert not is_transient(failure.value)  # retrying the same records cannot help
    assert store.count_predictions() == 0
    assert store.read_anomalies().empty and store.read_logs().empty
    assert store.read_feature_values().empty
