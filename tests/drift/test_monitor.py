"""DriftMonitor over a real store: reference from training_reference, windows sampled."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from creditwatch.config import Settings
from creditwatch.drift import Chunker, Window
from creditwatch.drift.monitor import DriftMonitor, NoReferenceError
from creditwatch.store import Store
from creditwatch.synthetic.generator import generate
from creditwatch.synthetic.shift import DriftSpec

START = datetime(2026, 6, 1, tzinfo=UTC)


def _fill(store: Store, n: int, day: int, spec: DriftSpec) -> None:
    frame = generate(n, day, spec, id_start=1_000_000 * (day + 1))
    store.write_predictions([
        {"request_id": f"{day}-{i}", "received_at": START, "endpoint": "/predict",
         "application_time": START + timedelta(days=day, seconds=i), "model_version": "m",
         "probability": 0.1, "decision": "APPROVED", "threshold": 0.2,
         "inputs": {k: v for k, v in row.items() if v == v and k not in ("TARGET", "TRUE_PD")}}
        for i, row in enumerate(frame.to_dict("records"))])


def test_no_reference_is_a_clear_error(store: Store, tmp_path: Path) -> None:
    """Without a loaded training reference the monitor says what to run."""
    with pytest.raises(NoReferenceError, match="reference load"):
        DriftMonitor(store, Settings(paths={"root": tmp_path}))


def test_history_is_stored_and_large_windows_are_sampled(store: Store, tmp_path: Path) -> None:
    """Each window becomes one drift_reports row with its per-column details; a window above
    drift.max_rows is compared on a reproducible sample of that size."""
    store.write_reference("m", generate(3_000, 99).drop(columns=["TARGET", "TRUE_PD", "SK_ID_CURR"]))
    _fill(store, 120, 0, DriftSpec("none", 0))
    _fill(store, 120, 1, DriftSpec("sudden", 0.7))
    settings = Settings(paths={"root": tmp_path}, drift={"max_rows": 80})
    monitor = DriftMonitor(store, settings)
    windows = Chunker.consecutive(timedelta(days=1), START, START + timedelta(days=2))
    runs = monitor.history(windows)
    assert [r.result.summary["n_rows_current"] for r in runs] == [80, 80]
    assert [r.result.summary["status"] for r in runs] == ["OK", "ALERT"]
    again = monitor.run(windows[1], save=False)
    assert again.result.features.equals(runs[1].result.features)
    stored = store.read_drift_reports(details=True)
    assert len(stored) == 2 and list(stored["status"]) == ["OK", "ALERT"]
    details = stored["details"].iloc[1]
    assert {"feature", "test", "p_adjusted", "effect_size", "drifted"} <= set(details[0])
    assert store.latest_drift_report()["status"] == "ALERT"


def test_evidently_report_is_written_and_linked(store: Store, tmp_path: Path) -> None:
    """--html writes the Evidently HTML and JSON under reports/drift and stores their paths."""
    store.write_reference("m", generate(1_500, 98).drop(columns=["TARGET", "TRUE_PD", "SK_ID_CURR"]))
    _fill(store, 60, 0, DriftSpec("gradual", 0.5))
    settings = Settings(paths={"root": tmp_path})
    run = DriftMonitor(store, settings).run(Window(START, START + timedelta(days=1)), html=True)
    assert run.html_path is not None and run.html_path.exists()
    assert run.html_path.parent == tmp_path / "reports" / "drift"
    assert "<html" in run.html_path.read_text()[:5000].lower()
    row = store.get_drift_report(run.report_id)
    assert row["report_path"] == str(run.html_path) and row["json_path"].endswith(".json")
