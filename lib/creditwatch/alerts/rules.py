"""Alert rules: each compares one window metric with its threshold from Settings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from creditwatch.alerts.window import WindowMetrics
from creditwatch.config import Settings


@dataclass(frozen=True, slots=True)
class Alert:
    kind: str
    severity: str  # warning | critical
    message: str
    value: float | None
    threshold: float | None
    window_start: datetime
    window_end: datetime

    @property
    def dedup_key(self) -> str:
        return self.kind

    def as_dict(self) -> dict[str, object]:
        return {"kind": self.kind, "severity": self.severity, "message": self.message,
                "value": self.value, "threshold": self.threshold,
                "window_start": self.window_start.isoformat(),
                "window_end": self.window_end.isoformat()}


def evaluate(m: WindowMetrics, s: Settings) -> list[Alert]:
    """Every alert the window's metrics fire."""
    out: list[Alert] = []

    def fire(kind: str, severity: str, message: str, value: float | None,
             threshold: float | None) -> None:
        out.append(Alert(kind, severity, message, value, threshold, m.start, m.end))

    if m.error_rate is not None and m.error_rate > s.alerts.error_rate:
        fire("error_rate", "critical",
             f"error rate {m.error_rate:.1%} > {s.alerts.error_rate:.0%} "
             f"({m.n_rejected} rejected of {m.n_predictions + m.n_rejected})",
             m.error_rate, s.alerts.error_rate)
    if m.mean_latency_ms is not None and m.mean_latency_ms > s.alerts.latency_mean_ms:
        fire("latency_mean", "warning", f"mean latency {m.mean_latency_ms:.1f} ms > "
             f"{s.alerts.latency_mean_ms:g} ms", m.mean_latency_ms, s.alerts.latency_mean_ms)
    if m.p95_latency_ms is not None and m.p95_latency_ms > s.alerts.latency_p95_ms:
        fire("latency_p95", "warning", f"p95 latency {m.p95_latency_ms:.1f} ms > "
             f"{s.alerts.latency_p95_ms:g} ms", m.p95_latency_ms, s.alerts.latency_p95_ms)
    if m.drift_share is not None and m.drift_share > s.drift.alert_share:
        fire("drift", "critical", f"latest drift report: {m.drift_share:.0%} of features drifted "
             f"> {s.drift.alert_share:.0%} (status {m.drift_status}); retraining recommended",
             m.drift_share, s.drift.alert_share)
    if m.approval_rate is not None and not s.alerts.approval_min <= m.approval_rate <= s.alerts.approval_max:
        bound = s.alerts.approval_min if m.approval_rate < s.alerts.approval_min else s.alerts.approval_max
        fire("approval_rate", "warning", f"approval rate {m.approval_rate:.1%} outside "
             f"[{s.alerts.approval_min:.0%}, {s.alerts.approval_max:.0%}]", m.approval_rate, bound)
    if m.n_predictions == 0 and m.n_before > 0:
        fire("no_traffic", "critical", f"no predictions since {m.start:%Y-%m-%d %H:%M} UTC "
             f"({m.n_before} in the window before)", 0.0, None)
    return out
