"""Issue acceptance: the seeds' 8-batch schedule through the real API, then the drift history."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from creditwatch.drift import Chunker
from creditwatch.drift.monitor import DriftMonitor
from creditwatch.model.bundle import ModelBundle
from creditwatch.simulate import Schedule, SimulationConfig, simulate
from creditwatch.store.reference import load_reference

RANK = {"OK": 0, "WARNING": 1, "ALERT": 2}


@pytest.mark.slow
def test_default_schedule_then_daily_drift_history(api_server_factory: Any,
                                                   server_database_url: str | None,
                                                   bundle: ModelBundle, tmp_path: Path) -> None:
    """Clean days are OK, drift rises with intensity, and the sudden days are ALERT — on the
    embedded store and on PostgreSQL."""
    server = api_server_factory(database_url=server_database_url)
    with server.store() as store:
        load_reference(store, bundle.version, bundle.reference, bundle.reference_stats)
    end = datetime.now(UTC)
    cfg = SimulationConfig(api_url=server.url, schedule=Schedule.parse(),
                           batch_interval=timedelta(days=1), seed=7, end=end)
    result = simulate(cfg)
    assert result.complete and result.accepted == 400
    assert server.stop()
    settings = server.settings()
    with server.store() as store:
        monitor = DriftMonitor(store, settings)
        windows = Chunker.consecutive(timedelta(days=1), end - timedelta(days=7), end)
        runs = monitor.history(windows)
        stored = store.read_drift_reports()
    assert len(runs) == 8 and len(stored) == 8
    summaries = [r.result.summary for r in runs]
    assert [s["n_rows_current"] for s in summaries] == [50] * 8
    statuses = [s["status"] for s in summaries]
    shares = [s["drift_share"] for s in summaries]
    assert statuses[:3] == ["OK"] * 3, statuses
    assert statuses[6:] == ["ALERT", "ALERT"], statuses
    assert [RANK[s] for s in statuses] == sorted(RANK[s] for s in statuses), statuses
    # drift grows with intensity: gradual 0.1 <= 0.3, and every drifted day above the clean ones
    assert max(shares[:3]) <= min(shares[5:]) and shares[3] <= shares[5] < shares[6] <= shares[7]
    weighted = [s["weighted_drift_score"] for s in summaries]
    assert max(weighted[:3]) < weighted[5] < weighted[6]


def test_drift_cli_exit_code_on_alert(tmp_path: Path, bundle_dir: Path, bundle: ModelBundle) -> None:
    """`creditwatch drift run` exits 2 when the window is ALERT and 0 when it is OK."""
    import shutil

    from creditwatch.config import Settings
    from creditwatch.scoring import Scorer
    from creditwatch.store import Store
    from creditwatch.synthetic.generator import generate
    from creditwatch.synthetic.shift import DriftSpec

    shutil.copytree(bundle_dir, tmp_path / "artifacts" / "model")
    settings = Settings(paths={"root": tmp_path})
    scorer = Scorer(bundle, settings)
    now = datetime.now(UTC)
    with Store.from_settings(settings) as store:
        load_reference(store, bundle.version, bundle.reference, bundle.reference_stats)
        for day, spec in ((2, DriftSpec("none", 0)), (0, DriftSpec("sudden", 0.7))):
            frame = generate(80, day, spec, id_start=10_000 * (day + 1))
            scores = scorer.score(frame)
            store.write_predictions([
                {"request_id": f"d{day}-{i}", "received_at": now,
                 "application_time": now - timedelta(days=day, hours=1), "endpoint": "/predict",
                 "model_version": bundle.version, "probability": float(scores.probability[i]),
                 "decision": str(scores.decisions[i]), "threshold": bundle.threshold,
                 "inputs": {k: v for k, v in row.items() if v == v and k != "TRUE_PD"}}
                for i, row in enumerate(frame.to_dict("records"))])
    env = {"CREDITWATCH_ROOT": str(tmp_path), "PATH": "/usr/bin:/bin"}

    def drift(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "creditwatch.cli.main", "drift", *args],
                              env=env, capture_output=True, text=True, timeout=300)

    alert = drift("run", "--hours", "12")
    assert alert.returncode == 2 and "ALERT" in alert.stdout, alert.stdout + alert.stderr
    ok = drift("history", "--every", "1d", "--since", (now - timedelta(days=3)).date().isoformat())
    assert ok.returncode == 0 and "ALERT" in ok.stdout and "OK" in ok.stdout, ok.stdout + ok.stderr
