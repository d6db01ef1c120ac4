"""The simulator against the real API over HTTP."""

from __future__ import annotations

import subprocess
import sys
import threading
from datetime import timedelta
from typing import Any

import pytest

from creditwatch.cli.processes import free_port
from creditwatch.features import Encoder
from creditwatch.schema.rows import validate
from creditwatch.simulate import Schedule, SimulationConfig, simulate
from creditwatch.simulate.payloads import CORRUPTIONS, corrupt


def test_deliberately_bad_requests_are_all_invalid() -> None:
    """Every corruption the simulator mixes in is refused by the API's validation."""
    row = {"AMT_INCOME_TOTAL": 1e5, "AMT_CREDIT": 2e5, "DAYS_BIRTH": -12000}
    for kind in CORRUPTIONS:
        assert not validate([corrupt(row, kind)], Encoder()).ok, kind


def test_schedule_over_http_with_errors(api_server: Any) -> None:
    """All 8 batches are sent; bad requests are rejected and counted; the store holds every
    accepted prediction, stamped one day per batch."""
    cfg = SimulationConfig(api_url=api_server.url, schedule=Schedule.parse(batch_size=20),
                           batch_interval=timedelta(days=1), error_rate=0.1, seed=3,
                           concurrency=4)
    result = simulate(cfg)
    assert result.complete and result.sent == 160
    frame = result.to_frame()
    assert frame["rejected"].sum() > 0
    assert (frame["accepted"] + frame["rejected"] == 20).all()
    assert frame["approval_rate"].between(0, 1).all()
    api_server.stop()
    predictions = api_server.store().read_predictions()
    assert len(predictions) == result.accepted
    days = predictions["application_time"].dt.floor("D").nunique()
    assert days == 8


def test_batch_endpoint_mode(api_server: Any) -> None:
    """--endpoint batch sends one /predict-batch per batch and gets one result per row."""
    cfg = SimulationConfig(api_url=api_server.url, schedule=Schedule.parse("clean*2", batch_size=30),
                           endpoint="batch")
    result = simulate(cfg)
    assert result.complete and result.accepted == 60


def test_api_stopped_mid_run_is_reported(api_server: Any) -> None:
    """Killing the API mid-run ends the run with a summary of what was and was not sent."""
    cfg = SimulationConfig(api_url=api_server.url, schedule=Schedule.parse("clean*6", batch_size=40),
                           concurrency=2, retries=1, backoff_s=0.05, max_consecutive_failures=5)
    sent = [0]

    def progress(n: int) -> None:
        sent[0] += n
        if sent[0] == 60:
            threading.Thread(target=api_server.kill).start()

    result = simulate(cfg, progress=progress)
    assert not result.complete and result.unreachable
    assert result.sent >= 60 and result.not_sent > 0
    assert result.sent + result.not_sent == 240


def test_cli_exit_code_when_nothing_answers(tmp_path: Any) -> None:
    """`creditwatch simulate` against a closed port prints the table and exits 1."""
    out = subprocess.run(
        [sys.executable, "-m", "creditwatch.cli.main", "simulate", "--api-url",
         f"http://127.0.0.1:{free_port()}", "--n-batches", "2", "--batch-size", "5", "--timeout", "2"],
        capture_output=True, text=True, timeout=180,
        env={"CREDITWATCH_ROOT": str(tmp_path), "PATH": "/usr/bin:/bin"})
    assert out.returncode == 1, out.stdout + out.stderr
    assert "0 of 10 sent" in out.stdout and "10 not sent" in out.stdout


@pytest.mark.parametrize("spec", ["sudden:0.5"])
def test_in_process_mode_matches_http_semantics(tmp_path: Any, bundle: Any, spec: str) -> None:
    """simulate_in_process runs the app's lifespan: every accepted prediction is stored."""
    from creditwatch.api import create_app
    from creditwatch.config import Settings
    from creditwatch.scoring import Scorer
    from creditwatch.simulate.runner import simulate_in_process
    from creditwatch.store import Store

    settings = Settings(paths={"root": tmp_path}, api={"log_level": "WARNING"})
    app = create_app(settings, Scorer(bundle, settings))
    cfg = SimulationConfig(api_url="", schedule=Schedule.parse(spec, batch_size=25))
    result = simulate_in_process(cfg, app)
    assert result.complete and result.accepted == 25
    assert Store.from_settings(settings).count_predictions() == 25
