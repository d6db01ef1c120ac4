"""The labelled view: each prediction of a window with its current outcome, or none yet."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import pytest

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


def test_a_copy_of_some_columns_answers_the_labelled_view_as_the_full_copy(store: Store) -> None:
    """A copy restricted to the columns the performance monitor reads gives the same labelled
    rows as the full copy, holds only those columns (and the id), and refuses a table or a
    column the copy does not know."""
    from creditwatch.analytics.mirror import LocalCopy
    from creditwatch.performance.monitor import COPY_TABLES

    store.write_predictions([prediction(T0 + i * DAY, request_id=f"p{i}") for i in range(4)])
    store.write_outcomes([outcome("a", "p0", 0), outcome("b", "p1", 1), outcome("c", "p0", 1)])
    settings = Settings(store={"url": None})
    period = (T0, T0 + 4 * DAY)
    columns = ("id", "application_time", "probability")
    with Analytics(store, settings=settings, time_column="application_time") as full, \
            Analytics(store, settings=settings, time_column="application_time",
                      tables=COPY_TABLES) as lean:
        want = full.labelled(period, columns=columns)
        got = lean.labelled(period, columns=columns)
        held = lean.copy.con.execute("SELECT table_name, column_name FROM "
                                     "information_schema.columns").fetchall()
    pd.testing.assert_frame_equal(got, want)
    assert len(want) == 4 and want["defaulted"].tolist()[:2] == [1, 1]
    assert {t for t, _ in held} == {"predictions", "outcomes"}
    assert {c for t, c in held if t == "predictions"} == {"id", *COPY_TABLES["predictions"]}
    for bad in ({"nope": ("id",)}, {"predictions": ("inputs",)}):
        with pytest.raises(ValueError, match="unknown"):
            LocalCopy(store, tables=bad)
