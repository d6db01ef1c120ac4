"""Where alerts come from besides the window's KPIs: each source judges one stored part of
the monitoring (model performance, fairness, ...) as of the check and returns its verdicts
(``analytics.health.Verdict``); a bad verdict fires its alert, with the same cool-down,
de-duplication and notifiers as the KPIs' (see ``check``).

A source is ``source(store, settings, window, now) -> {kind: Verdict}``: ``window`` is the
server-time window the check looks at, ``now`` the check's time. Sources read what their
own runs stored (they never recompute a figure), so the alert says what the dashboard and
the reports show. Register a source by adding it to ``SOURCES``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from creditwatch.alerts.fairness import fairness_source
from creditwatch.analytics.core import plain
from creditwatch.analytics.health import Verdict
from creditwatch.config import Settings
from creditwatch.performance import health as model_health
from creditwatch.store import Store
from creditwatch.windows import Window

Source = Callable[[Store, Settings, Window, datetime], Mapping[str, Verdict]]


def model_performance(store: Store, settings: Settings, window: Window, now: datetime
                      ) -> dict[str, Verdict]:
    """Model health (``performance.health``) of the performance reports computed during the
    check's window (by ``created_at``), else of each model version's latest report: per
    kind, the first window judged bad, else the most recent window's verdict. No report:
    no verdict (nothing to say, nothing fires)."""
    frame = store.read_performance_reports(created=window.bounds)
    reports: list[dict[str, Any]] = [{str(k): plain(v) for k, v in row.items()}
                                     for row in frame.to_dict("records")]
    if not reports:
        reports = list(store.latest_performance_reports().values())
    verdicts: dict[str, Verdict] = {}
    for report in sorted(reports, key=lambda r: (r["window_end"], r["window_start"])):
        for kind, verdict in model_health.judge(report, settings).items():
            if kind not in verdicts or not verdicts[kind].fires:
                verdicts[kind] = verdict
    return verdicts


SOURCES: tuple[Source, ...] = (model_performance, fairness_source)
