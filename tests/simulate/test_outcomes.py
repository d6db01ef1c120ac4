"""The simulator sends outcomes drawn from TRUE_PD back to the real API over HTTP."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from creditwatch.schema import ID_COLUMN, TARGET_COLUMN, TRUE_PD_COLUMN
from creditwatch.simulate import OutcomeOptions, Schedule, SimulationConfig, simulate
from creditwatch.simulate.outcomes import OutcomeOptionError, OutcomeQueue
from creditwatch.simulate.payloads import batch_frame

from tests.plugins.api_server import ApiServerFactory

SHARE, DELAY, MAX_ITEMS = 0.6, timedelta(days=1), 40
FIRST_ID = 800_000  # the simulator's first SK_ID_CURR


def _truth(schedule: Schedule, seed: int) -> pd.DataFrame:
    """SK_ID_CURR, TARGET and TRUE_PD of every application, straight from the generator."""
    frames, next_id = [], FIRST_ID
    for plan in schedule.batches:
        frame = batch_frame(plan, seed, id_start=next_id)
        frames.append(frame[[ID_COLUMN, TARGET_COLUMN, TRUE_PD_COLUMN]].assign(batch=plan.index))
        next_id += plan.size
    return pd.concat(frames, ignore_index=True)


def test_outcomes_sent_match_true_pd_draws(api_server_factory: ApiServerFactory,
                                           server_database_url: str | None) -> None:
    """With 4 daily batches, a 0.6 labelled share and a 1-day delay, the outcomes stored are
    those of the accepted applications of days 1-3 drawn into the share (a binomial count,
    scipy's test), each equal to the generator's seeded TARGET draw, observed exactly one
    day after its application and never after the run's end; the day-4 ones are not due and
    not sent. Requests stay under the API's outcomes_max_items (else 413). SQLite with
    /predict, PostgreSQL with /predict-batch."""
    server = api_server_factory(database_url=server_database_url,
                                CREDITWATCH_OUTCOMES_MAX_ITEMS=str(MAX_ITEMS))
    schedule = Schedule.parse("clean*2,gradual:0.3,concept:0.8", batch_size=100)
    # the run ends at 20:00 yesterday: day 3's applications are due until 20:00 of day 3
    end = datetime.now(UTC).replace(hour=20, minute=0, second=0, microsecond=0) - timedelta(days=1)
    cfg = SimulationConfig(
        api_url=server.url, schedule=schedule, batch_interval=timedelta(days=1), end=end,
        endpoint="predict" if server_database_url is None else "batch", error_rate=0.05,
        seed=11, concurrency=4, outcomes=OutcomeOptions(SHARE, DELAY, MAX_ITEMS))
    result = simulate(cfg)
    tally = result.outcomes
    assert result.complete, result.to_frame()
    assert result.to_frame()["rejected"].sum() > 0  # the bad requests get no outcome
    assert tally.rejected == tally.server_errors == tally.not_sent == 0
    assert set(tally.statuses) == {"stored"} and tally.not_due > 0
    assert tally.statuses["stored"] + tally.not_due == tally.labelled
    server.stop()

    with server.store() as store:
        outcomes = store.read_outcomes()
        predictions = store.read_predictions()
    assert len(outcomes) == tally.statuses["stored"]
    joined = outcomes.merge(predictions[["id", "client_id", "request_id"]],
                            left_on="prediction_id", right_on="id", validate="one_to_one")
    truth = _truth(schedule, cfg.seed).set_index(ID_COLUMN)
    rows = truth.loc[joined["client_id"].astype(int)]
    # the outcome is the generator's seeded Bernoulli draw from TRUE_PD
    assert (joined["defaulted"].to_numpy() == rows[TARGET_COLUMN].to_numpy()).all()
    # and, as such, its count of defaults agrees with TRUE_PD (4 binomial SDs)
    p = rows[TRUE_PD_COLUMN].to_numpy()
    assert abs(joined["defaulted"].sum() - p.sum()) <= 4 * np.sqrt((p * (1 - p)).sum())
    # observed one delay after the application, never in the future of the run's end
    lag = joined["observed_at"] - joined["application_time"]
    assert (lag - DELAY).abs().max() <= pd.Timedelta(milliseconds=1)
    assert (joined["observed_at"] <= pd.Timestamp(end)).all()
    assert set(rows["batch"]) == {1, 2, 3}
    # the labelled count among the due accepted applications is Binomial(n, share)
    due = predictions[predictions["application_time"] + DELAY <= pd.Timestamp(end)]
    assert len(due) > 240
    assert stats.binomtest(len(joined), len(due), SHARE).pvalue > 1e-3
    assert joined["source"].eq("simulator").all()


def test_the_same_seed_labels_the_same_applications() -> None:
    """The labelled share is a seeded draw per run seed and batch: the same seed and batch
    give the same rows, another batch other rows; share 0 labels none, 1 all."""
    options = OutcomeOptions(0.3)
    first = options.labelled(5, 1, 1000)
    assert (first == options.labelled(5, 1, 1000)).all()
    assert (first != options.labelled(5, 2, 1000)).any()
    assert stats.binomtest(int(first.sum()), 1000, 0.3).pvalue > 1e-3
    assert not OutcomeOptions(0.0).labelled(5, 1, 50).any()
    assert OutcomeOptions(1.0).labelled(5, 1, 50).all()


def test_queue_releases_outcomes_when_the_clock_reaches_them() -> None:
    """An outcome is due once the clock is at or after application time + delay."""
    queue = OutcomeQueue(timedelta(hours=6))
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    queue.add("b", 1, t0 + timedelta(hours=1))
    queue.add("a", 0, t0)
    assert queue.due(t0 + timedelta(hours=5)) == []
    assert [o.request_id for o in queue.due(t0 + timedelta(hours=6))] == ["a"]
    assert len(queue) == 1
    assert [o.item() for o in queue.due(t0 + timedelta(days=1))] == [
        {"request_id": "b", "defaulted": 1, "observed_at": "2026-01-01T07:00:00+00:00"}]


@pytest.mark.parametrize(("share", "delay"), [(1.5, None), (-0.1, None), (float("nan"), None),
                                              (0.5, "3x"), (0.5, "-1d"), (0.5, "")])
def test_bad_options_are_refused(share: float, delay: str | None) -> None:
    """A share outside [0, 1] or a delay outside the duration grammar is an OutcomeOptionError."""
    with pytest.raises(OutcomeOptionError):
        OutcomeOptions.parse(share, delay)


@pytest.mark.parametrize("args", [["--outcomes-share", "1.5"], ["--outcomes-delay", "soon"]])
def test_cli_bad_values_give_one_line_error(tmp_path: Path, args: list[str]) -> None:
    """`creditwatch simulate` with a bad outcome option prints one error line, exits 2 and
    sends nothing."""
    out = subprocess.run(
        [sys.executable, "-m", "creditwatch.cli.main", "simulate", "--api-url",
         "http://127.0.0.1:9", "--outcomes-share", "0.5", *args],
        capture_output=True, text=True, timeout=120,
        env={"CREDITWATCH_ROOT": str(tmp_path), "PATH": "/usr/bin:/bin"})
    assert out.returncode == 2, out.stdout + out.stderr
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:"), out.stderr
    assert "sending" not in out.stdout
