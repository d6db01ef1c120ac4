"""Healthy bands of the monitoring guide, from the settings: what a KPI value means.

Each band is ``good`` / ``warn`` / ``bad`` with the edges it was judged against, so the
dashboard and the report say the same thing about the same number.
"""

from __future__ import annotations

from dataclasses import dataclass

from creditwatch.config import Settings

GOOD, WARN, BAD, UNKNOWN = "good", "warn", "bad", "unknown"


@dataclass(frozen=True, slots=True)
class Verdict:
    level: str  # good | warn | bad | unknown
    text: str  # the band, in words, e.g. "normal 70-85 %"


def approval(rate: float | None, s: Settings) -> Verdict:
    if rate is None:
        return Verdict(UNKNOWN, "no predictions")
    if rate < s.alerts.approval_min or rate > s.alerts.approval_max:
        return Verdict(BAD, f"alert below {s.alerts.approval_min:.0%} or above "
                            f"{s.alerts.approval_max:.0%}")
    if s.health.approval_low <= rate <= s.health.approval_high:
        return Verdict(GOOD, f"normal {s.health.approval_low:.0%}–{s.health.approval_high:.0%}")
    return Verdict(WARN, f"outside the usual {s.health.approval_low:.0%}–"
                         f"{s.health.approval_high:.0%}")


def latency(mean_ms: float | None, s: Settings) -> Verdict:
    if mean_ms is None:
        return Verdict(UNKNOWN, "no timings")
    if mean_ms > s.alerts.latency_mean_ms:
        return Verdict(BAD, f"slow: above {s.alerts.latency_mean_ms:g} ms")
    if mean_ms < s.health.latency_good_ms:
        return Verdict(GOOD, f"good: below {s.health.latency_good_ms:g} ms")
    return Verdict(WARN, f"acceptable: {s.health.latency_good_ms:g}–{s.alerts.latency_mean_ms:g} ms")


def error_rate(rate: float | None, s: Settings) -> Verdict:
    if rate is None:
        return Verdict(UNKNOWN, "no requests")
    if rate > s.alerts.error_rate:
        return Verdict(BAD, f"alert: above {s.alerts.error_rate:.0%}")
    if rate < s.health.error_rate_normal:
        return Verdict(GOOD, f"normal: below {s.health.error_rate_normal:.0%}")
    return Verdict(WARN, f"elevated: {s.health.error_rate_normal:.0%}–{s.alerts.error_rate:.0%}")


def drift(share: float | None, s: Settings) -> Verdict:
    if share is None:
        return Verdict(UNKNOWN, "no drift report yet")
    if share > s.drift.alert_share:
        return Verdict(BAD, f"critical: above {s.drift.alert_share:.0%} of features, "
                            "retraining recommended")
    if share >= s.drift.warning_share:
        return Verdict(WARN, f"attention: {s.drift.warning_share:.0%}–{s.drift.alert_share:.0%}")
    return Verdict(GOOD, f"normal: below {s.drift.warning_share:.0%} of features")
