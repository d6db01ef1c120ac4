"""The drift notebook's glue: its window as the drift engine's, history backfill, tables.

The drift engine (``creditwatch.drift``) computes and stores; this module only chooses the
windows and shapes the results for display.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pandas as pd

from creditwatch.analytics import Analytics
from creditwatch.drift.monitor import DriftMonitor, DriftRun
from creditwatch.model.bundle import ModelBundle
from creditwatch.schema import FIELD_BY_NAME
from creditwatch.windows import Chunker, Window, parse_duration

TABLE_COLUMNS = ["feature", "kind", "test", "statistic", "p_value", "p_adjusted",
                 "effect_name", "effect_size", "relative_effect", "psi", "drifted", "importance"]


def drift_window(period: Window, analytics: Analytics) -> Window:
    """The drift engine's window for a period; an open bound becomes the first / last
    stored prediction time on the analytics' clock (the drift notebook's is application
    time), since a drift window needs both ends."""
    start, end = period.start, period.end
    if start is None or end is None:
        cov = analytics.coverage()
        now = datetime.now(UTC)
        start = start or cov["first"] or now - timedelta(days=1)
        end = end or (cov["last"] + timedelta(microseconds=1) if cov["last"] else now)
    return Window(start, end)


def top_table(run: DriftRun, n: int = 15) -> pd.DataFrame:
    """The first ``n`` tested columns in the drift ranking (``creditwatch.drift.ranking``:
    drifted first, then by effect size relative to its drift minimum)."""
    rows = run.result.ranked()
    return rows[rows["reason"].isna()].head(n)[TABLE_COLUMNS].reset_index(drop=True)


def top_fields(bundle: ModelBundle | None, run: DriftRun, n: int = 6) -> list[str]:
    """The ``n`` most important raw input fields of the model (the first of the drift
    ranking when no bundle is available)."""
    if bundle is not None:
        ranked = sorted((v, k) for k, v in bundle.importances.items() if k in FIELD_BY_NAME)
        return [k for _, k in reversed(ranked)][:n]
    return top_table(run, n)["feature"].tolist()


def backfill(monitor: DriftMonitor, analytics: Analytics, period: Window, every: str,
             *, save: bool = True) -> list[DriftRun]:
    """Run the drift check on the aligned windows of ``every`` in ``period`` that have no
    stored report yet: complete windows only (the one still open is left for later), from
    the first stored prediction on (earlier windows would be empty)."""
    step = parse_duration(every) if every else None
    first = analytics.coverage()["first"]
    if step is None or first is None:
        return []
    start, end = drift_window(period, analytics).bounds
    now = datetime.now(UTC) if analytics.fixed_now is None else analytics.fixed_now
    windows = [w for w in Chunker.consecutive(step, max(start, first), end) if w.bounds[1] <= now]
    stored = analytics.drift_history((start - step, end + step))
    done = set(zip(stored["window_start"], stored["window_end"], strict=True))
    todo = [w for w in windows if tuple(map(pd.Timestamp, w.bounds)) not in done]
    runs = monitor.history(todo, save=save)
    if save and runs:
        analytics.refresh()
    return runs
