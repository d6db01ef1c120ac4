"""`creditwatch demo` end to end (what `make demo` runs), without the final dashboard."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from scipy import stats

from creditwatch.config import Settings
from creditwatch.store import Store


@pytest.mark.slow
def test_demo_runs_end_to_end(tmp_path: Path) -> None:
    """The demo trains, serves, simulates the drift schedule, runs drift, alerts and the
    report, and leaves the predictions, drift reports and report index behind; about 90 %
    of the applications of its first days (at least 3 days old) have an outcome observed 3
    days after them, and the last days none."""
    env = {**os.environ, "CREDITWATCH_ROOT": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    out = subprocess.run([sys.executable, "-m", "creditwatch.cli.main", "demo", "--rows", "20000",
                          "--no-dashboard"], env=env, cwd=tmp_path, capture_output=True,
                         text=True, timeout=900)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    assert "400 of 400 sent" in out.stdout and "last day: ALERT" in out.stdout
    assert (tmp_path / "reports" / "index.html").exists()
    with Store.from_settings(Settings(paths={"root": tmp_path})) as store:
        assert store.count_predictions() == 400
        assert len(store.read_drift_reports()) >= 9  # 8 days, the last day again, the notebook
        assert "drift" in set(store.read_alerts()["kind"])
        outcomes = store.read_outcomes()
        predictions = store.read_predictions()
    assert "outcomes: " in out.stdout and "stored" in out.stdout
    assert ((outcomes["observed_at"] - outcomes["application_time"])
            .dt.total_seconds().round() == 3 * 86400).all()
    today = pd.Timestamp.now(tz="UTC").floor("D")
    first_days = predictions["application_time"] < today - pd.Timedelta(days=3)  # days 1-4
    labelled = predictions["id"].isin(outcomes["prediction_id"])
    assert first_days.sum() == 200
    assert stats.binomtest(int(labelled[first_days].sum()), 200, 0.9).pvalue > 1e-3
    last_days = predictions["application_time"] >= today - pd.Timedelta(days=2)
    assert not labelled[last_days].any()
