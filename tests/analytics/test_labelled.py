"""The labelled view: each prediction of a window with its current outcome, or none yet."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd

from creditwatch.analytics import Analytics
from creditwatch.config import Settings
from creditwatch.store import Store

from tests.store.records import T0, prediction

DAY = timedelta(days=1)


def outcome(event: str, request_id: str, defaulted: int) -> dict[str, object]:
    return {"event_id": event, "key": "request_id", "value": request_id, "defaulted": defaulted,
            "observed_at": T0 + 90 * DAY, "received_at": T0 + 91 * DAY, "source": "t"}


def test_each_prediction_carries_its_latest_outcome(store: Store) -> None:
    """Predictions of the window come with the last outcome received for them (a correction
    wins), NULL when there is none; other windows' rows stay out; the age source is read."""
    store.write_predictions([
        prediction(T0 + i * DAY, request_id=f"p{i}",
                   inputs={"AMT_CREDIT": 1.0, "DAYS_BIRTH": -10_000 - i, "CODE_GENDER": "F"})
        for i in range(4)])
    store.write_outcomes([outcome("a", "p0", 0), outcome("b", "p1", 1), outcome("c", "p0", 1),
                          outcome("d", "p3", 1)])
    with Analytics(store, settings=Settings(store={"url": None}),
                   time_column="application_time", now=T0 + 100 * DAY) as a:
        frame = a.labelled((T0, T0 + 3 * DAY))
    assert frame["id"].tolist() == [1, 2, 3]
    assert frame["defaulted"].tolist()[:2] == [1, 1]
    assert pd.isna(frame["defaulted"].iloc[2])
    assert frame["days_birth"].tolist() == [-10_000, -10_001, -10_002]
    assert set(frame["gender"]) == {"F"}
