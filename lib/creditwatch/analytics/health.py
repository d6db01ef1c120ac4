"""Each KPI judged once: its healthy band, and whether it fires an alert.

One function per KPI turns its value (as ``Analytics.kpis`` computes it) into a ``Verdict``:
``good`` / ``warn`` / ``bad`` (``unknown`` when there is nothing to judge) with the band in
words, and, when bad, the alert it fires (kind, severity, message, the edge crossed). A KPI
fires its alert exactly when it is bad, so the alert check, the dashboard's chips, the
report's table and its summary say the same thing about the same window. ``judge`` gives
every verdict of one ``Analytics.kpis`` result, in the alert check's order.

Edges come from the settings: the ``alerts.*`` values and ``drift.alert_share`` are where a
KPI turns bad (and alerts), the ``health.*`` values and ``drift.warning_share`` where it
leaves its usual band. A drift share is banded by the drift engine's own rule
(``drift.result.share_status``), so a report's status and its verdict cannot disagree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from creditwatch.config import Settings
from creditwatch.drift.result import DriftStatus, share_status

GOOD, WARN, BAD, UNKNOWN = "good", "warn", "bad", "unknown"
# Alert severity of each KPI (its alert kind) when it is bad.
SEVERITY = {"error_rate": "critical", "latency_mean": "warning", "latency_p95": "warning",
            "drift": "critical", "approval_rate": "warning", "no_traffic": "critical"}
_DRIFT_LEVELS = {DriftStatus.OK: GOOD, DriftStatus.WARNING: WARN, DriftStatus.ALERT: BAD}


@dataclass(frozen=True, slots=True)
class Verdict:
    kind: str  # the KPI, also the kind (and de-duplication key) of the alert it fires
    level: str  # good | warn | bad | unknown
    text: str  # the band, in words, e.g. "normal 70-85 %"
    value: float | None = None
    threshold: float | None = None  # the alert edge crossed (bad only)
    message: str = ""  # the alert's message (bad only)
    alert_severity: str | None = None  # a verdict outside the KPIs says its own severity

    @property
    def fires(self) -> bool:
        return self.level == BAD

    @property
    def severity(self) -> str:
        return self.alert_severity or SEVERITY[self.kind]


def approval(rate: float | None, s: Settings) -> Verdict:
    lo, hi = s.alerts.approval_min, s.alerts.approval_max
    if rate is None:
        return Verdict("approval_rate", UNKNOWN, "no predictions")
    if not lo <= rate <= hi:
        return Verdict("approval_rate", BAD, f"alert below {lo:.0%} or above {hi:.0%}", rate,
                       lo if rate < lo else hi,
                       f"approval rate {rate:.1%} outside [{lo:.0%}, {hi:.0%}]")
    low, high = s.health.approval_low, s.health.approval_high
    if low <= rate <= high:
        return Verdict("approval_rate", GOOD, f"normal {low:.0%}–{high:.0%}", rate)
    return Verdict("approval_rate", WARN, f"outside the usual {low:.0%}–{high:.0%}", rate)


def latency(mean_ms: float | None, s: Settings) -> Verdict:
    """The mean latency."""
    edge, good = s.alerts.latency_mean_ms, s.health.latency_good_ms
    if mean_ms is None:
        return Verdict("latency_mean", UNKNOWN, "no timings")
    if mean_ms > edge:
        return Verdict("latency_mean", BAD, f"slow: above {edge:g} ms", mean_ms, edge,
                       f"mean latency {mean_ms:.1f} ms > {edge:g} ms")
    if mean_ms < good:
        return Verdict("latency_mean", GOOD, f"good: below {good:g} ms", mean_ms)
    return Verdict("latency_mean", WARN, f"acceptable: {good:g}–{edge:g} ms", mean_ms)


def latency_p95(p95_ms: float | None, s: Settings) -> Verdict:
    """The 95th percentile of latency: within its alert edge or not (no usual band)."""
    edge = s.alerts.latency_p95_ms
    if p95_ms is None:
        return Verdict("latency_p95", UNKNOWN, "no timings")
    if p95_ms > edge:
        return Verdict("latency_p95", BAD, f"alert: above {edge:g} ms", p95_ms, edge,
                       f"p95 latency {p95_ms:.1f} ms > {edge:g} ms")
    return Verdict("latency_p95", GOOD, f"within the {edge:g} ms alert", p95_ms)


def error_rate(rate: float | None, s: Settings, *, n_errors: int | None = None,
               n_predictions: int | None = None) -> Verdict:
    """Rejected or failed requests over all scoring requests; the counts, when given, are
    quoted in the alert."""
    edge, normal = s.alerts.error_rate, s.health.error_rate_normal
    if rate is None:
        return Verdict("error_rate", UNKNOWN, "no requests")
    if rate > edge:
        counts = (f" ({n_errors} rejected of {n_predictions + n_errors})"
                  if n_errors is not None and n_predictions is not None else "")
        return Verdict("error_rate", BAD, f"alert: above {edge:.0%}", rate, edge,
                       f"error rate {rate:.1%} > {edge:.0%}{counts}")
    if rate < normal:
        return Verdict("error_rate", GOOD, f"normal: below {normal:.0%}", rate)
    return Verdict("error_rate", WARN, f"elevated: {normal:.0%}–{edge:.0%}", rate)


def drift(share: float | None, s: Settings, *, status: str | None = None) -> Verdict:
    """The drift share of a drift report; ``status``, the report's own, marks a window with
    too little data to judge (``INSUFFICIENT_DATA``)."""
    warning, edge = s.drift.warning_share, s.drift.alert_share
    if status == DriftStatus.INSUFFICIENT_DATA:
        return Verdict("drift", UNKNOWN, "not enough data in the window")
    if share is None:
        return Verdict("drift", UNKNOWN, "no drift report yet")
    level = _DRIFT_LEVELS[share_status(share, warning, edge)]
    if level == BAD:
        return Verdict("drift", BAD, f"critical: above {edge:.0%} of features, retraining "
                       "recommended", share, edge,
                       f"latest drift report: {share:.0%} of features drifted > {edge:.0%} "
                       f"(status {status}); retraining recommended")
    if level == WARN:
        return Verdict("drift", WARN, f"attention: {warning:.0%}–{edge:.0%}", share)
    return Verdict("drift", GOOD, f"normal: below {warning:.0%} of features", share)


def traffic(n: int, n_before: int | None, since: datetime | None) -> Verdict:
    """Predictions in the window against the window before: none after some is bad."""
    if n:
        return Verdict("no_traffic", GOOD, f"{n:,} predictions", float(n))
    if not n_before:
        return Verdict("no_traffic", UNKNOWN, "no predictions in this window or the one before")
    when = f"{since:%Y-%m-%d %H:%M} UTC" if since is not None else "the window start"
    return Verdict("no_traffic", BAD, f"no predictions ({n_before:,} in the window before)",
                   0.0, None, f"no predictions since {when} ({n_before} in the window before)")


def judge(k: Mapping[str, Any], s: Settings) -> dict[str, Verdict]:
    """Every KPI's verdict for one ``Analytics.kpis`` result, keyed by kind."""
    previous = k.get("previous")
    verdicts = (
        error_rate(k["error_rate"], s, n_errors=k["n_errors"],
                   n_predictions=k["total_predictions"]),
        latency(k["latency_mean_ms"], s),
        latency_p95(k["latency_p95_ms"], s),
        drift(k.get("drift_share"), s, status=k.get("drift_status")),
        approval(k["approval_rate"], s),
        traffic(k["total_predictions"], previous["total_predictions"] if previous else None,
                k.get("start")),
    )
    return {v.kind: v for v in verdicts}
