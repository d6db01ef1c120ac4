"""One alert check: the window's KPIs, their verdicts, de-duplication, notify, record.

The KPIs are the analytics layer's (``Analytics.kpis``), judged by ``analytics.health``, as
the dashboard and the reports show them. The check copies into DuckDB only the predictions
and anomalies of the window and of the one before it (``Analytics(since=...)``), never the
whole history: its cost follows the traffic of two windows, not the size of the store.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from creditwatch.alerts.notifiers import Delivery, notify
from creditwatch.alerts.rules import Alert, evaluate
from creditwatch.alerts.sources import SOURCES
from creditwatch.analytics import Analytics, health
from creditwatch.config import Settings
from creditwatch.store import Store
from creditwatch.windows import Chunker, Window


@dataclass
class CheckResult:
    kpis: dict[str, Any]  # Analytics.kpis of the window (and of the one before)
    verdicts: dict[str, health.Verdict]  # per KPI (alert kind)
    fired: list[Alert] = field(default_factory=list)  # new alerts, sent and recorded
    suppressed: list[Alert] = field(default_factory=list)  # within their cool-down
    deliveries: list[Delivery] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        """0 all well, 1 an alert is active (fired or still cooling down)."""
        return 1 if self.fired or self.suppressed else 0


def window_kpis(store: Store, settings: Settings, start: datetime, end: datetime
                ) -> dict[str, Any]:
    """``Analytics.kpis`` of ``[start, end)`` (server time), from a copy of that window and
    the one of the same length before it only."""
    with Analytics(store, settings=settings, since=start - (end - start), now=end) as a:
        return a.kpis((start, end))


def run_check(store: Store, settings: Settings, *, window: Window | None = None,
              now: datetime | None = None) -> CheckResult:
    """Check ``window`` of server time (default: the last ``alerts.window_hours`` before
    ``now``); ``now`` stamps the alerts and times their cool-down."""
    now = now or datetime.now(UTC)
    window = window or Chunker.last(timedelta(hours=settings.alerts.window_hours), now=now)
    start, end = window.bounds
    kpis = window_kpis(store, settings, start, end)
    verdicts = health.judge(kpis, settings)
    for source in SOURCES:
        verdicts.update(source(store, settings, window, now))
    result = CheckResult(kpis, verdicts)
    cooldown = timedelta(minutes=settings.alerts.cooldown_minutes)
    for alert in evaluate(verdicts, start, end):
        last = store.last_alert(alert.dedup_key)
        if last is not None and now - last["fired_at"] < cooldown:
            result.suppressed.append(alert)
        else:
            result.fired.append(alert)
    if result.fired:
        result.deliveries = notify(settings, result.fired)
        delivered = {d.channel: {"ok": d.ok, "attempts": d.attempts, "error": d.error}
                     for d in result.deliveries}
        for alert in result.fired:
            store.write_alert({
                "fired_at": now, "kind": alert.kind, "dedup_key": alert.dedup_key,
                "severity": alert.severity, "message": alert.message, "value": alert.value,
                "threshold": alert.threshold, "window_start": alert.window_start,
                "window_end": alert.window_end, "delivered": delivered,
            })
    return result
