"""`creditwatch demo` end to end (what `make demo` runs), without the final dashboard."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pandas as pd
import pytest
from scipy import stats

from creditwatch.config import Settings
from creditwatch.store import Store


@pytest.mark.slow
def test_demo_runs_end_to_end_and_keeps_api_and_dashboard_up(tmp_path: Path) -> None:
    """The demo trains, serves, simulates the drift schedule, runs drift, alerts and the
    report, and leaves the predictions, drift reports and report index behind; then the
    dashboard and the API both answer (the dashboard pointed at that API) until Ctrl-C,
    which stops both. Without the Kaggle files it says how to run on them. About 90 % of
    the applications of its first days (at least 3 days old) have an outcome observed 3
    days after them, and the last days none. The model it trained is the registry's first
    version, the champion, with its training file recorded, and it scored every
    prediction."""
    env = {**os.environ, "CREDITWATCH_ROOT": str(tmp_path), "PYTHONUNBUFFERED": "1",
           "COLUMNS": "250"}
    env.pop("DATABASE_URL", None)
    proc = subprocess.Popen([sys.executable, "-m", "creditwatch.cli.main", "demo", "--rows",
                             "20000"], env=env, cwd=tmp_path, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)
    lines: list[str] = []
    deadline = time.monotonic() + 900
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line)
            if "dashboard: http" in line or time.monotonic() > deadline:
                break
        out = "".join(lines)
        assert "dashboard: http" in lines[-1], out[-4000:]
        dashboard_url, api_url = re.findall(r"(http://127\.0\.0\.1:\d+)", lines[-1])[:2]
        assert httpx.get(f"{api_url}/health", timeout=10).json()["status"] == "ok"
        assert httpx.get(f"{dashboard_url}/_stcore/health", timeout=10).status_code == 200
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        rest, _ = proc.communicate(timeout=120)
    assert proc.returncode == 0, (out + rest)[-4000:]
    assert "400 of 400 sent" in out and "last day: ALERT" in out
    assert "synthetic data: put the Kaggle application_train.csv" in out
    assert "API stopped" in rest
    with pytest.raises(httpx.HTTPError):
        httpx.get(f"{api_url}/health", timeout=2)
    assert (tmp_path / "reports" / "index.html").exists()
    champion = (tmp_path / "artifacts" / "models" / "champion").read_text().strip()
    assert f"{champion} is the champion" in out  # the registry's first version
    training = json.loads((tmp_path / "artifacts" / "models" / champion / "bundle.json")
                          .read_text())["extra"]["training_data"]
    assert training["rows"] == 20_000 and training["path"].endswith("train.parquet")
    with Store.from_settings(Settings(paths={"root": tmp_path})) as store:
        assert store.count_predictions() == 400
        assert len(store.read_drift_reports()) >= 9  # 8 days, the last day again, the notebook
        assert "drift" in set(store.read_alerts()["kind"])
        outcomes = store.read_outcomes()
        predictions = store.read_predictions()
    assert re.search(r"outcomes: [\d,]+ of [\d,]+ labelled sent \(stored [\d,]+\)", out), out
    assert ((outcomes["observed_at"] - outcomes["application_time"])
            .dt.total_seconds().round() == 3 * 86400).all()
    today = pd.Timestamp.now(tz="UTC").floor("D")
    first_days = predictions["application_time"] < today - pd.Timedelta(days=3)  # days 1-4
    labelled = predictions["id"].isin(outcomes["prediction_id"])
    assert first_days.sum() == 200
    assert set(predictions["model_version"]) == {champion}
    assert stats.binomtest(int(labelled[first_days].sum()), 200, 0.9).pvalue > 1e-3
    last_days = predictions["application_time"] >= today - pd.Timedelta(days=2)
    assert not labelled[last_days].any()
