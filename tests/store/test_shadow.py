"""Shadow predictions in the store: written in the writer's batches, idempotent, read by window."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from creditwatch.spool import Spool
from creditwatch.store import Store
from creditwatch.writer import BackgroundWriter

from tests.store.records import T0, prediction


def shadow(request_id: str, *, version: str = "c1", p: float = 0.3, **extra: Any
           ) -> dict[str, Any]:
    """One challenger score of the prediction ``request_id``."""
    record: dict[str, Any] = {
        "request_id": request_id, "model_version": version, "received_at": T0,
        "probability": p, "decision": "REFUSED" if p >= 0.4 else "APPROVED",
        "threshold": 0.4, "scored_at": T0 + timedelta(seconds=1), "scoring_ms": 0.2}
    record.update(extra)
    return record


def test_shadow_rows_are_stored_once_per_prediction_and_version(store: Store) -> None:
    """A batch of shadow scores is stored with its prediction in one write; replaying it
    adds nothing; another challenger version of the same prediction is a new row; the
    application time defaults to the prediction's received time."""
    preds = [prediction(T0 + timedelta(minutes=i), request_id=f"r{i}") for i in range(3)]
    rows = [shadow(f"r{i}", p=0.1 * (i + 2)) for i in range(3)]
    counts = store.write_batch(predictions=preds, shadow=rows)
    assert (counts.predictions, counts.shadow) == (3, 3)
    assert store.write_batch(predictions=preds, shadow=rows).shadow == 0
    assert store.write_shadow([shadow("r0", version="c2", p=0.9)]) == 1
    frame = store.read_shadow()
    assert len(frame) == 4
    assert sorted(frame["model_version"]) == ["c1", "c1", "c1", "c2"]
    first = frame[(frame["request_id"] == "r1") & (frame["model_version"] == "c1")].iloc[0]
    assert first["probability"] == pytest.approx(0.3)
    assert first["decision"] == "APPROVED"
    assert first["application_time"] == first["received_at"]
    assert len(store.read_shadow(model_version="c2")) == 1
    assert store.read_shadow(T0 + timedelta(days=1)).empty


def test_a_bad_shadow_record_is_refused_before_anything_is_written(store: Store) -> None:
    """A shadow record with an unknown key, or without a number for a probability, fails
    the batch before its transaction: nothing of it is stored."""
    with pytest.raises(ValueError, match="unknown ShadowRecord keys"):
        store.write_batch(predictions=[prediction(request_id="r1")],
                          shadow=[shadow("r1", colour="red")])
    with pytest.raises(ValueError, match="not a number"):
        store.write_shadow([shadow("r1", p=float("nan"))])
    assert store.count_predictions() == 0
    assert store.read_shadow().empty


def test_the_background_writer_ships_spooled_shadow_records(store: Store, tmp_path) -> None:
    """``shadow`` spool records reach ``shadow_predictions`` through the background writer,
    like predictions: the spool is the queue of both."""
    spool = Spool(tmp_path / "spool")
    writer = BackgroundWriter(spool, store)
    spool.append_many("prediction", [prediction(request_id="r1")])
    spool.append_many("shadow", [shadow("r1")])
    assert writer.flush()
    assert list(store.read_shadow()["request_id"]) == ["r1"]
    writer.stop()
