"""Reasons stored with predictions: both bulk paths, replays, bad reasons, window reads."""

from __future__ import annotations

from datetime import timedelta

import pytest

from creditwatch.store import Store
from creditwatch.store.models import PREDICTION_REASONS
from creditwatch.store.records import REASON_COLUMNS
from creditwatch.writer.writer import is_data_error

from tests.store.records import T0, prediction


def _reasons(seed: int) -> list[dict]:
    """Two reasons with awkward text: a tab, a backslash, a quote, non-ASCII, a None value."""
    return [
        {"code": "R02", "text": "External credit scores low", "fields":
         ["EXT_SOURCE_1", "EXT_SOURCE_2"], "values": {"EXT_SOURCE_1": 0.1 + seed,
                                                     "EXT_SOURCE_2": None},
         "contribution": 0.5 + seed},
        {"code": "R09", "text": 'Tab\there, back\\slash, "quote", é',
         "fields": ["ORGANIZATION_TYPE"], "values": {"ORGANIZATION_TYPE": "Trade: \\type 7\t"},
         "contribution": 1e-17},
    ]


def test_reason_columns_cover_the_table() -> None:
    """The positional row layout of the reasons names every column of their table."""
    assert sorted(REASON_COLUMNS) == sorted(c.key for c in PREDICTION_REASONS.c)


def test_reasons_round_trip_in_order_with_their_decision(store: Store) -> None:
    """A prediction's reasons come back exactly as given (code, text, fields in order, values
    by field, contribution), best first; a prediction without reasons has an empty list; an
    unknown id is None."""
    store.write_predictions([
        prediction(T0, request_id="refused", decision="REFUSED", reasons=_reasons(0)),
        prediction(T0, request_id="approved", decision="APPROVED"),
    ])
    got = store.read_decision("refused")
    assert got is not None
    assert got["decision"] == "REFUSED" and got["request_id"] == "refused"
    assert got["reasons"] == _reasons(0)
    assert [r["fields"] for r in got["reasons"]] == [["EXT_SOURCE_1", "EXT_SOURCE_2"],
                                                    ["ORGANIZATION_TYPE"]]
    approved = store.read_decision("approved")
    assert approved is not None and approved["reasons"] == []
    assert store.read_decision("nope") is None


def test_a_replayed_batch_stores_reasons_once(store: Store) -> None:
    """Replaying predictions already stored adds no reason rows and changes none; the new
    predictions of a mixed batch get theirs."""
    first = [prediction(T0 + timedelta(seconds=i), request_id=f"p{i}", decision="REFUSED",
                        reasons=_reasons(i)) for i in range(3)]
    counts = store.write_batch(predictions=first)
    assert (counts.predictions, counts.reasons) == (3, 6)
    replay = [{**r, "reasons": _reasons(9)} for r in first]
    replay.append(prediction(T0, request_id="p3", decision="REFUSED", reasons=_reasons(3)))
    counts = store.write_batch(predictions=replay)
    assert (counts.predictions, counts.reasons) == (1, 2)
    for i in range(4):
        got = store.read_decision(f"p{i}")
        assert got is not None and got["reasons"] == _reasons(i)


def test_window_reads_filter_by_time_and_decision(store: Store) -> None:
    """read_reasons gives the reasons whose prediction falls in the window, long format,
    and only those of one decision when asked."""
    store.write_predictions([
        prediction(T0, request_id="a", decision="REFUSED", reasons=_reasons(0)),
        prediction(T0 + timedelta(hours=1), request_id="b", decision="APPROVED",
                   reasons=_reasons(1)),
        prediction(T0 + timedelta(days=2), request_id="c", decision="REFUSED",
                   reasons=_reasons(2)),
    ])
    frame = store.read_reasons(T0, T0 + timedelta(days=1))
    assert list(frame["code"]) == ["R02", "R09", "R02", "R09"]
    assert list(frame["rank"]) == [1, 2, 1, 2]
    refused = store.read_reasons(T0, T0 + timedelta(days=1), decision="REFUSED")
    assert list(refused["decision"]) == ["REFUSED", "REFUSED"]
    assert refused["contribution"].tolist() == [0.5, 1e-17]
    assert store.read_reasons(T0 + timedelta(days=5)).empty


@pytest.mark.parametrize("bad", [
    "R01",
    [{"code": "R01"}],
    [{"code": "R01", "text": "t", "fields": ["A"], "values": {"B": 1}, "contribution": 1.0}],
    [{"code": "R01", "text": "t", "fields": ["A"], "values": {"A": 1},
      "contribution": float("nan")}],
    [{"code": "R01", "text": "t", "fields": ["A"], "values": {"A": 1}, "contribution": "x"}],
    [{"code": "R01-TOO-LONG", "text": "t", "fields": ["A"], "values": {"A": 1},
      "contribution": 1.0}],
])
def test_a_malformed_reason_fails_its_batch_before_writing(store: Store, bad: object) -> None:
    """A reason that is not a complete, well-formed mapping is a data error (the writer sets
    the record aside) raised before anything of the batch is stored."""
    with pytest.raises(TypeError) as failure:
        store.write_batch(predictions=[prediction(T0, request_id="ok"),
                                       prediction(T0, request_id="bad", reasons=bad)])
    assert is_data_error(failure.value)
    assert store.count_predictions() == 0
