"""Alert rules: a window's KPIs fire the alerts of the KPIs judged bad (``analytics.health``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from creditwatch.analytics import health


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


def evaluate(verdicts: Mapping[str, health.Verdict], start: datetime, end: datetime
             ) -> list[Alert]:
    """The alert of each KPI judged bad (``health.judge``), for the window ``[start, end)``."""
    return [Alert(v.kind, v.severity, v.message, v.value, v.threshold, start, end)
            for v in verdicts.values() if v.fires]
