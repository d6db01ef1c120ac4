"""Outcomes: matched to their prediction by any key, idempotent, corrections kept."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import numpy as np
import pytest
from sqlalchemy import select

from creditwatch.store import Store
from creditwatch.store.chain import OUTCOME, OUTCOME_FIELDS, row_hash
from creditwatch.store.models import OUTCOMES
from creditwatch.store.outcomes import CORRECTED, DUPLICATE, STORED, UNKNOWN, insert_outcomes
from creditwatch.store.types import sqlite_time

from tests.store.records import T0, prediction

DAY = timedelta(days=1)


def outcome(event: str, key: str, value: Any, defaulted: int, *,
            observed: datetime = T0 + 100 * DAY, source: str = "test") -> dict[str, Any]:
    return {"event_id": event, "key": key, "value": value, "defaulted": defaulted,
            "observed_at": observed, "received_at": observed + DAY, "source": source}


def test_first_value_is_stored_same_value_is_a_duplicate_new_value_a_correction(
        store: Store) -> None:
    """The first outcome of a prediction is stored, the same value again changes nothing,
    and a different value is a correction: both rows are kept and the latest counts."""
    store.write_predictions([prediction(request_id="p1")])
    first = store.write_outcomes([outcome("e1", "request_id", "p1", 0)])
    again = store.write_outcomes([outcome("e2", "request_id", "p1", 0)])
    fixed = store.write_outcomes([outcome("e3", "request_id", "p1", 1)])
    assert first.outcome_statuses == {"e1": STORED}
    assert again.outcome_statuses == {"e2": DUPLICATE}
    assert fixed.outcome_statuses == {"e3": CORRECTED}
    history = store.read_outcomes(latest=False)
    assert list(history["event_id"]) == ["e1", "e3"]
    latest = store.read_outcomes()
    assert list(latest["defaulted"]) == [1]
    assert list(latest["event_id"]) == ["e3"]


def test_each_key_finds_its_prediction(store: Store) -> None:
    """A prediction is found by its request id, by its store id, and by the client's
    SK_ID_CURR (the client's latest prediction at or before the observation)."""
    store.write_predictions([
        prediction(T0, request_id="a", client_id=7),
        prediction(T0 + 10 * DAY, request_id="b", client_id=7),
        prediction(T0, request_id="c", client_id=8),
    ])
    stored = store.read_predictions(columns=["request_id", "id"])
    ids = dict(zip(stored["request_id"], stored["id"], strict=True))
    counts = store.write_outcomes([
        outcome("by-request", "request_id", "c", 1),
        outcome("by-id", "prediction_id", int(ids["a"]), 1),
        outcome("client-between", "SK_ID_CURR", 7, 0, observed=T0 + 5 * DAY),
        outcome("client-after", "SK_ID_CURR", 7, 1, observed=T0 + 20 * DAY),
        outcome("client-before", "SK_ID_CURR", 7, 1, observed=T0 - DAY),
    ])
    assert counts.outcome_statuses == {
        "by-request": STORED, "by-id": STORED,
        "client-between": CORRECTED,  # "a" already got its value from "by-id"
        "client-after": STORED, "client-before": UNKNOWN,
    }
    latest = store.read_outcomes().set_index("prediction_id")["defaulted"].to_dict()
    assert latest == {ids["a"]: 0, ids["b"]: 1, ids["c"]: 1}


def test_unknown_predictions_become_anomalies_and_nothing_else(store: Store) -> None:
    """An outcome naming no stored prediction is an anomaly row, not an outcome."""
    counts = store.write_outcomes([outcome("lost", "request_id", "nobody", 1),
                                   outcome("lost-id", "prediction_id", 999, 0)])
    assert counts.outcome_statuses == {"lost": UNKNOWN, "lost-id": UNKNOWN}
    assert store.read_outcomes(latest=False).empty
    anomalies = store.read_anomalies()
    assert sorted(anomalies["kind"]) == [UNKNOWN, UNKNOWN]
    assert set(anomalies["request_id"]) == {"lost", "lost-id"}
    assert set(anomalies["endpoint"]) == {"/outcomes"}


def test_a_replayed_batch_stores_nothing_twice(store: Store) -> None:
    """Writing the same outcome records again (a replayed spool) adds no row: each is a
    duplicate of itself, even a correction."""
    store.write_predictions([prediction(request_id="p")])
    batch = [outcome("e1", "request_id", "p", 0), outcome("e2", "request_id", "p", 1),
             outcome("e3", "request_id", "nobody", 1)]
    store.write_outcomes(batch)
    replay = store.write_outcomes(batch)
    assert replay.outcome_statuses == {"e1": DUPLICATE, "e2": DUPLICATE, "e3": UNKNOWN}
    assert replay.outcomes == 0
    assert len(store.read_outcomes(latest=False)) == 2
    assert len(store.read_anomalies()) == 1


def test_an_outcome_finds_a_prediction_of_the_same_batch(store: Store) -> None:
    """A prediction and its outcome shipped in one batch are matched (the spool's order)."""
    counts = store.write_batch(predictions=[prediction(request_id="new", client_id=3)],
                               outcomes=[outcome("o", "SK_ID_CURR", 3, 1)])
    assert counts.outcome_statuses == {"o": STORED}
    row = store.read_outcomes().iloc[0]
    assert row["application_time"] == store.read_predictions().iloc[0]["application_time"]


def test_outcomes_are_read_by_window_of_their_prediction(store: Store) -> None:
    """Outcomes are read by the application time of their prediction, half-open."""
    store.write_predictions([prediction(T0 + i * DAY, request_id=f"p{i}") for i in range(3)])
    store.write_outcomes([outcome(f"e{i}", "request_id", f"p{i}", i % 2) for i in range(3)])
    frame = store.read_outcomes(T0 + DAY, T0 + 2 * DAY)
    assert list(frame["event_id"]) == ["e1"]


@pytest.mark.parametrize("bad", [{"defaulted": 2}, {"key": "client"}])
def test_a_malformed_record_is_refused_before_anything_is_written(
        store: Store, bad: dict[str, Any]) -> None:
    """A record with an impossible value is a data error and the batch writes nothing."""
    store.write_predictions([prediction(request_id="p")])
    good = outcome("ok", "request_id", "p", 0)
    with pytest.raises(ValueError, match="invalid outcome"):
        store.write_outcomes([good, {**outcome("bad", "request_id", "p", 1), **bad}])
    assert store.read_outcomes(latest=False).empty


def _apply(store: Store, records: list[dict[str, Any]], *, reference: bool
           ) -> tuple[dict[str, str], list[dict[str, Any]], list[tuple[Any, ...]]]:
    """Statuses, anomalies and the outcomes table after ``records`` through one matching
    path, in a transaction rolled back afterwards (the store is left as it was)."""
    stamp = sqlite_time if store.dialect == "sqlite" else datetime.isoformat
    columns = [c for c in OUTCOMES.c if c.name != "id"]
    with store.engine.connect() as conn:
        transaction = conn.begin()
        written = insert_outcomes(conn, store.dialect, records, stamp, reference=reference)
        stored = {int(r[0]): tuple(r[1:]) for r in conn.execute(
            select(OUTCOMES.c.id, *columns).order_by(OUTCOMES.c.id))}
        transaction.rollback()
    # Each new row's chain link hashes the row as it was stored (read back, hashed by the
    # generic ``row_hash``; ids differ between the paths on PostgreSQL, so not compared).
    fields = [c.name for c in columns]
    assert len(written.chained) == written.inserted > 0
    for kind, oid, digest in written.chained:
        row = dict(zip(fields, stored[oid], strict=True))
        assert kind == OUTCOME
        assert digest == row_hash(OUTCOME, [oid, *(row[f] for f in OUTCOME_FIELDS[1:])])
    return written.statuses, written.anomalies, list(stored.values())


def test_bulk_matching_agrees_with_the_reference_path(store: Store) -> None:
    """The bulk lookups (one JSON parameter per query, times as canonical UTC text, rows
    sent as COPY text on PostgreSQL) give the same status, anomaly and stored row, to the
    microsecond, and chain links hashing the stored row, as the reference path (SQLAlchemy
    IN lists, times decoded) on a mixed batch: every key, clients with several predictions
    and tied times, observations before a client's first prediction, unknown keys, repeats
    within the batch, duplicates and corrections of stored outcomes, event ids already
    received, event ids and sources with tabs, newlines and backslashes; more keys than one
    reference IN list holds (5,000)."""
    rng = np.random.default_rng(7)
    n = 6_000
    times = [T0 + timedelta(hours=int(h), microseconds=int(u))
             for h, u in zip(rng.integers(0, 2000, n), rng.integers(0, 10**6, n), strict=True)]
    times[1] = times[0]  # a tie for client 0
    store.write_predictions([
        prediction(times[i], request_id=f"p{i}", client_id=int(i % 1500), n_features=0)
        for i in range(n)])
    ids = store.read_predictions(columns=["request_id", "id"]).set_index("request_id")["id"]
    earlier = [outcome(f"old{i}", "request_id", f"p{i}", int(i % 3 == 0)) for i in range(0, n, 4)]
    store.write_outcomes(earlier)
    records: list[dict[str, Any]] = []
    for j in range(9_000):
        i, kind = int(rng.integers(0, n + 50)), j % 3
        observed = T0 + timedelta(hours=int(rng.integers(-10, 2100)),
                                  microseconds=int(rng.integers(0, 10**6)))
        if kind == 0:
            key, value = "request_id", f"p{i}"
        elif kind == 1:
            key, value = "prediction_id", int(ids.get(f"p{i}", 10**9 + i))
        else:
            key, value = "SK_ID_CURR", int(i % 1600)
        # Some event ids and sources carry what PostgreSQL's COPY text must escape.
        records.append(outcome(f"new{j}" + ("\t\\x\n" if j % 5 == 0 else ""), key, value,
                               int(rng.random() < 0.3), observed=observed,
                               source="crm\t\\export\r" if j % 7 == 0 else "test"))
    records += [earlier[5], {**earlier[6], "event_id": "again"}, records[10]]
    bulk = _apply(store, records, reference=False)
    reference = _apply(store, records, reference=True)
    assert bulk[0] == reference[0]
    assert set(bulk[0].values()) == {STORED, DUPLICATE, CORRECTED, UNKNOWN}
    assert bulk[1] == reference[1]
    assert bulk[2] == reference[2] and len(bulk[2]) > len(earlier) + 3_000
