"""The local copy follows the store: new rows by id, deletions by the periodic check, and
a copy of recent rows only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import delete

from creditwatch.analytics import Analytics, WindowError
from creditwatch.config import Settings
from creditwatch.model.bundle import ModelBundle
from creditwatch.scoring import Scorer
from creditwatch.store import Store
from creditwatch.store.models import PREDICTIONS

from tests.plugins.seeded import NOW
from tests.support.seed import seed_store


@pytest.fixture
def scorer(bundle: ModelBundle) -> Scorer:
    return Scorer(bundle, Settings(store={"url": None}))


def test_empty_store_gives_empty_aggregates(store: Store) -> None:
    """On an empty store every aggregate answers (zeros, empty frames), none raises."""
    with Analytics(store, settings=Settings(store={"url": None}), now=NOW, refresh_s=0) as a:
        k = a.kpis("24h")
        assert (k["total_predictions"], k["approval_rate"], k["error_rate"]) == (0, None, None)
        assert k["latency_mean_ms"] is None and k["drift_status"] is None
        assert a.kpis("all")["previous"] is None
        for frame in (a.volume("24h"), a.latency_over_time("24h"), a.slowest_requests("24h"),
                      a.http_status_counts("24h"), a.latest_anomalies("24h"), a.decisions("24h"),
                      a.decisions_by_amount("24h"), a.amount_histogram("24h"),
                      a.approval_by_segment("24h"), a.drift_history("30d"), a.alerts("7d"),
                      a.volume("all"), a.latency_summary("24h")):
            assert len(frame) == 0
        assert a.probability_histogram("24h", 5)["count"].sum() == 0
        assert a.confidence_levels("24h")["count"].sum() == 0
        assert a.expected_cost("24h")["expected_cost"] == 0
        assert a.latest_drift() is None
        empty = a.feature_distribution("AMT_CREDIT", "7d", bins=5)
        assert empty["current_count"].sum() == 0 and empty["reference_count"].sum() == 0


def test_refresh_copies_only_new_rows(store: Store, scorer: Scorer) -> None:
    """A refresh after new writes copies exactly those rows, and aggregates include them."""
    seed_store(store, scorer, 300, start=NOW - timedelta(hours=10), end=NOW, seed=5,
               error_rate=0.05, prefix="first")
    with Analytics(store, settings=Settings(store={"url": None}), now=NOW, refresh_s=3600,
                   full_check_s=3600) as a:
        first = a.refresh()
        assert first.added["predictions"] == 300
        assert first.added["anomalies"] == len(store.read_anomalies())
        assert a.kpis("24h")["total_predictions"] == 300
        more = seed_store(store, scorer, 120, start=NOW - timedelta(hours=2), end=NOW, seed=6,
                          error_rate=0.0, prefix="second")
        # Within refresh_s the copy is reused as is: still the first 300.
        assert a.kpis("24h")["total_predictions"] == 300
        second = a.refresh()
        assert second.added["predictions"] == more.predictions == 120
        assert second.added["anomalies"] == 0 and second.reloaded == []
        assert a.kpis("24h")["total_predictions"] == 420
        assert a.feature_distribution("AMT_CREDIT", "24h")["current_count"].sum() == 420


def test_deleted_rows_trigger_a_full_reload(store: Store, scorer: Scorer) -> None:
    """When rows disappear from the store, the periodic check reloads the table whole."""
    seed_store(store, scorer, 200, start=NOW - timedelta(hours=5), end=NOW, seed=7,
               error_rate=0.0)
    with Analytics(store, settings=Settings(store={"url": None}), now=NOW, refresh_s=0,
                   full_check_s=0) as a:
        assert a.kpis("24h")["total_predictions"] == 200
        a.feature_distribution("AMT_CREDIT", "24h")
        with store.engine.begin() as conn:
            conn.execute(delete(PREDICTIONS).where(PREDICTIONS.c.id <= 50))
        stats = a.refresh()
        assert "predictions" in stats.reloaded
        assert a.kpis("24h")["total_predictions"] == 150
        assert a.feature_distribution("AMT_CREDIT", "24h")["current_count"].sum() == 150


def test_analytics_from_settings_or_url_opens_that_store(store: Store, scorer: Scorer) -> None:
    """Analytics(settings) reads the store the settings name, and Analytics(url) that URL."""
    seed_store(store, scorer, 40, start=NOW - timedelta(hours=1), end=NOW, seed=8,
               error_rate=0.0)
    url = store.engine.url.render_as_string(hide_password=False)
    with Analytics(Settings(store={"url": url}), now=NOW) as a:
        assert a.store is not store and a.store.url == store.url
        assert a.kpis("24h")["total_predictions"] == 40
    with Analytics(url, settings=Settings(store={"url": None}), now=NOW) as a:
        assert a.kpis("24h")["total_predictions"] == 40
    with pytest.raises(ValueError, match="time_column"):
        Analytics(store, time_column="created_at")


def test_copy_kept_from_a_time_on_answers_for_recent_windows_only(store: Store,
                                                                  scorer: Scorer) -> None:
    """A copy kept from ``since`` on holds exactly the predictions and anomalies from then on
    (new ones too, not older ones written later), gives the KPIs of a whole copy for windows
    inside, passes its periodic check, and refuses periods reaching before ``since``."""
    seed_store(store, scorer, 300, start=NOW - timedelta(hours=72), end=NOW, seed=9,
               error_rate=0.05, prefix="first")
    since = NOW - timedelta(hours=48)
    settings = Settings(store={"url": None})
    with (Analytics(store, settings=settings, now=NOW, refresh_s=0, full_check_s=0,
                    since=since) as part,
          Analytics(store, settings=settings, now=NOW, refresh_s=0) as whole):
        first = part.refresh()
        assert first.added["predictions"] == store.count_predictions(
            since, None, time_column="received_at") < 300
        assert first.added["anomalies"] == len(store.read_anomalies(since)) > 0
        seed_store(store, scorer, 60, start=NOW - timedelta(hours=60), end=NOW, seed=10,
                   error_rate=0.05, prefix="late")  # a fifth of them older than since
        second = part.refresh()
        assert second.reloaded == []  # the scoped counts agree with the copy
        stored = store.read_predictions(since, None, columns=["request_id"],
                                        time_column="received_at")
        copied = part.copy.con.execute("SELECT request_id FROM predictions").fetchall()
        assert sorted(r[0] for r in copied) == sorted(stored["request_id"])
        for period in ("24h", (NOW - timedelta(hours=24), NOW - timedelta(hours=6))):
            got, want = part.kpis(period), whole.kpis(period)
            for key in ("total_predictions", "n_errors", "error_rate", "approval_rate",
                        "latency_mean_ms", "latency_p95_ms"):
                assert got[key] == pytest.approx(want[key], rel=1e-12), key
                assert got["previous"][key] == pytest.approx(want["previous"][key], rel=1e-12)
        for reaching_back in (lambda: part.kpis("36h"), lambda: part.volume("all"),
                              lambda: part.coverage(), lambda: part.latest_anomalies("3d")):
            with pytest.raises(WindowError, match="holds"):
                reaching_back()
    with pytest.raises(ValueError, match="received_at"):
        Analytics(store, settings=settings, time_column="application_time", since=since)
