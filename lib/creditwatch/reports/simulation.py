"""The simulation notebook's glue: run a schedule against a URL or an in-process API, and
describe what was sent.

Without a URL the API runs in this process (``simulate_in_process``): the configured model
and store, a spool of its own under the output folder, the same HTTP semantics, and the
writer flushed into the store before the function returns.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from creditwatch.config import Settings
from creditwatch.simulate import Schedule, SimulationConfig, SimulationResult
from creditwatch.simulate.outcomes import OutcomeOptions
from creditwatch.simulate.payloads import batch_rows
from creditwatch.simulate.runner import simulate, simulate_in_process
from creditwatch.windows import Chunker, parse_duration

SUMMARY_FIELDS = ("AMT_CREDIT", "AMT_INCOME_TOTAL", "EXT_SOURCE_2", "EXT_SOURCE_3",
                  "DAYS_BIRTH", "DAYS_EMPLOYED")


@dataclass
class Simulation:
    config: SimulationConfig
    result: SimulationResult
    target: str  # the URL, or "in-process API"


def run(settings: Settings, *, api_url: str | None, schedule: str | None, batch_size: int,
        n_batches: int | None, batch_interval: str | None, error_rate: float, endpoint: str,
        concurrency: int, seed: int, bundle_dir: str | Path | None, spool_dir: Path,
        end: datetime | None = None, outcomes: OutcomeOptions | None = None) -> Simulation:
    """Send the schedule to ``api_url``, or to an API created here when it is None;
    ``outcomes``: also send back the outcomes of a share of the answered applications."""
    cfg = SimulationConfig(
        api_url=api_url or "http://in-process", schedule=Schedule.parse(
            schedule, batch_size=batch_size, n_batches=n_batches),
        endpoint=endpoint, concurrency=concurrency,
        batch_interval=parse_duration(batch_interval) if batch_interval else None,
        error_rate=error_rate, seed=seed, batch_max=settings.api.batch_max_size,
        api_key=settings.api.required_key,
        end=end or datetime.now(UTC), outcomes=outcomes or OutcomeOptions())
    if api_url:
        return Simulation(cfg, _in_thread(lambda: simulate(cfg)), api_url)
    from creditwatch.api import create_app
    from creditwatch.scoring import Scorer

    local = settings.replace(api={"spool_dir": spool_dir})
    scorer = Scorer.load(bundle_dir or settings.paths.bundle_dir, local)
    # The API logs a JSON line per request to the stdout it sees when created: give it a
    # buffer, saved next to the spool, instead of the notebook's output.
    logs = io.StringIO()
    with contextlib.redirect_stdout(logs):
        app = create_app(local, scorer)
    result = _in_thread(lambda: simulate_in_process(cfg, app))
    spool_dir.mkdir(parents=True, exist_ok=True)
    (spool_dir.parent / "api_log.jsonl").write_text(logs.getvalue())
    return Simulation(cfg, result, "in-process API")


def _in_thread(job: Callable[[], SimulationResult]) -> SimulationResult:
    """Run ``job`` in a thread of its own: the simulator starts its own event loop, which
    cannot run inside a notebook kernel's (already running) one."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(job).result()


def sent_applications(sim: Simulation) -> pd.DataFrame:
    """The applications of every batch, regenerated from the schedule and seed exactly as
    the simulator built them (before the deliberately broken ones were corrupted)."""
    cfg = sim.config
    windows = None
    if cfg.batch_interval is not None and not cfg.realtime and cfg.end is not None:
        windows = Chunker.latest(len(cfg.schedule), cfg.batch_interval, cfg.end)
    frames, next_id = [], 800_000
    for plan in cfg.schedule.batches:
        window = windows[plan.index - 1] if windows else None
        rows = batch_rows(plan, cfg.seed, window=window, id_start=next_id)
        next_id += plan.size
        frame = pd.DataFrame(rows)
        frame.insert(0, "drift", plan.label)
        frame.insert(0, "batch", plan.index)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def sent_summary(sent: pd.DataFrame, fields: tuple[str, ...] = SUMMARY_FIELDS) -> pd.DataFrame:
    """Per batch, the median of key fields relative to the first batch (1.0 = unchanged);
    medians, because sentinel values (DAYS_EMPLOYED 365243) would swamp a mean."""
    present = [f for f in fields if f in sent.columns]
    means = sent.groupby("batch")[present].median()
    return (means / means.iloc[0]).reset_index()
