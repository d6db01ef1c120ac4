"""The performance monitor over a real store: windows read through the analytics copy,
evaluated against the bundle's reference, stored one row per window and model version."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from creditwatch.config import Settings
from creditwatch.model.bundle import ModelBundle
from creditwatch.performance.monitor import PerformanceMonitor
from creditwatch.scoring import Scorer
from creditwatch.store import Store
from creditwatch.windows import Chunker

from tests.support.seed import seed_store

T0 = datetime(2026, 2, 1, tzinfo=UTC)
DAY = timedelta(days=1)


@pytest.fixture
def labelled_store(store: Store, bundle: ModelBundle, tmp_path: Path) -> Store:
    """Two days of 1,500 predictions each: 90 % labelled the first day, 10 % the second."""
    scorer = Scorer(bundle, Settings(paths={"root": tmp_path}, store={"url": None}))
    seed_store(store, scorer, 1500, start=T0, end=T0 + DAY, seed=5, labelled=0.9,
               error_rate=0.0, compact=True, top_k=0)
    seed_store(store, scorer, 1500, start=T0 + DAY, end=T0 + 2 * DAY, seed=6, labelled=0.1,
               error_rate=0.0, compact=True, top_k=0)
    return store


def test_history_stores_one_report_per_window_agreeing_with_sklearn(
        labelled_store: Store, bundle: ModelBundle, tmp_path: Path) -> None:
    """Each daily window gets one stored report: its size, labelled count and maturity from
    the store's rows, the realized AUC equal to sklearn's on the same joined rows, an
    estimate inside its band; running the history again replaces the rows."""
    settings = Settings(paths={"root": tmp_path}, store={"url": None})
    windows = Chunker.consecutive(DAY, T0, T0 + 2 * DAY)
    with PerformanceMonitor(labelled_store, settings, bundle=bundle) as monitor:
        runs = monitor.history(windows)
        monitor.history(windows)
    stored = labelled_store.read_performance_reports()
    assert len(stored) == 2 and set(stored["model_version"]) == {bundle.version}
    predictions = labelled_store.read_predictions(T0, T0 + 2 * DAY)
    outcomes = labelled_store.read_outcomes(T0, T0 + 2 * DAY)
    joined = predictions.merge(outcomes, left_on="id", right_on="prediction_id",
                               suffixes=("", "_o"))
    for run, window in zip(runs, windows, strict=True):
        start, end = window.bounds
        rows = joined[(joined["application_time"] >= start) & (joined["application_time"] < end)]
        n = int(((predictions["application_time"] >= start)
                 & (predictions["application_time"] < end)).sum())
        record = run.record()
        assert record["n_predictions"] == n and record["n_labelled"] == len(rows)
        assert record["auc_realized"] == pytest.approx(
            roc_auc_score(rows["defaulted"], rows["probability"]), abs=1e-9)
        assert record["auc_estimated_low"] <= record["auc_estimated"] <= record[
            "auc_estimated_high"]
        assert record["default_rate_realized"] == pytest.approx(rows["defaulted"].mean())
    assert [r.record()["immature"] for r in runs] == [False, True]
    assert stored["immature"].astype(bool).tolist() == [False, True]
    full = labelled_store.get_performance_report(int(stored["id"].iloc[0]))
    assert full is not None and full["result"]["realized"]["n_labelled"] == runs[0].record()[
        "n_labelled"]
    assert full["params"]["maturity_share"] == settings.performance.maturity_share


def test_an_immature_window_never_alarms_on_its_outcomes(
        labelled_store: Store, bundle: ModelBundle, tmp_path: Path) -> None:
    """With maturity out of reach (share 1.0), the outcome-based verdicts are unknown even
    when the realized AUC is far below the floor; an empty window is stored with n = 0."""
    settings = Settings(paths={"root": tmp_path}, store={"url": None},
                        performance={"maturity_share": 1.0, "auc_drop": 0.0})
    with PerformanceMonitor(labelled_store, settings, bundle=bundle) as monitor:
        run = monitor.run(Chunker.consecutive(DAY, T0, T0 + DAY)[0])
        empty = monitor.run(Chunker.consecutive(DAY, T0 - DAY, T0)[0])
    assert run.record()["immature"] is True
    for kind in ("model_auc_realized", "model_calibration", "concept_drift"):
        assert run.verdicts[kind].level == "unknown" and not run.verdicts[kind].fires
    assert empty.record()["n_predictions"] == 0 and empty.alerts == []
    assert np.isnan(empty.record()["auc_estimated"] or np.nan)


def test_the_coverage_check_reads_each_prediction_s_inputs_once(
        labelled_store: Store, bundle: ModelBundle, tmp_path: Path) -> None:
    """With the coverage check on, a monitor's first history reads every window's inputs and
    flags the same rows as the coverage reference on those inputs read directly; the same
    windows again read no inputs, and after new predictions arrive only theirs are read,
    their reports equal to a new monitor's (which reads everything)."""
    settings = Settings(paths={"root": tmp_path}, store={"url": None},
                        performance={"check_coverage": True})
    windows = Chunker.consecutive(DAY, T0, T0 + 2 * DAY)
    with PerformanceMonitor(labelled_store, settings, bundle=bundle) as monitor:
        cache = monitor.outside_cache
        assert cache is not None
        coverage = monitor.reference.coverage
        assert coverage is not None
        first = monitor.history(windows, save=False)
        assert cache.rows_read == 3000
        for run, window in zip(first, windows, strict=True):
            frame = monitor.analytics.labelled(window, columns=("id",))
            inputs = labelled_store.read_inputs(*window.bounds, fields=list(coverage.fields))
            outside = coverage.outside(inputs.reindex(frame["id"].to_numpy()))
            assert run.record()["outside_share"] == pytest.approx(outside.mean(), abs=1e-12)
        monitor.history(windows, save=False)
        assert cache.rows_read == 3000
        scorer = Scorer(bundle, Settings(paths={"root": tmp_path}, store={"url": None}))
        seed_store(labelled_store, scorer, 40, start=T0 + DAY, end=T0 + 2 * DAY, seed=9,
                   labelled=1.0, error_rate=0.0, compact=True, top_k=0, prefix="late")
        again = monitor.history(windows, save=False)
        assert cache.rows_read == 3040
    with PerformanceMonitor(labelled_store, settings, bundle=bundle) as fresh:
        want = fresh.history(windows, save=False)
    assert [r.record() for r in again] == [r.record() for r in want]
