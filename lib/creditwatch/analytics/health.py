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
    if rate < s.alert_approval_min or rate > s.alert_approval_max:
        return Verdict(BAD, f"alert below {s.alert_approval_min:.0%} or above "
                            f"{s.alert_approval_max:.0%}")
    if s.health_approval_low <= rate <= s.health_approval_high:
        return Verdict(GOOD, f"normal {s.health_approval_low:.0%}–{s.health_approval_high:.0%}")
    return Verdict(WARN, f"outside the usual {s.health_approval_low:.0%}–"
                         f"{s.health_approval_high:.0%}")


def latency(mean_ms: float | None, s: Settings) -> Verdict:
    if mean_ms is None:
        return Verdict(UNKNOWN, "no timings")
    if mean_ms > s.alert_latency_mean_ms:
        return Verdict(BAD, f"slow: above {s.alert_latency_mean_ms:g} ms")
    if mean_ms < s.health_latency_good_ms:
        return Verdict(GOOD, f"good: below {s.health_latency_good_ms:g} ms")
    return Verdict(WARN, f"acceptable: {s.health_latency_good_ms:g}–{s.alert_latency_mean_ms:g} ms")


def error_rate(rate: float | None, s: Settings) -> Verdict:
    if rate is None:
        return Verdict(UNKNOWN, "no requests")
    if rate > s.alert_error_rate:
        return Verdict(BAD, f"alert: above {s.alert_error_rate:.0%}")
    if rate < s.health_error_rate_normal:
        return Verdict(GOOD, f"normal: below {s.health_error_rate_normal:.0%}")
    return Verdict(WARN, f"elevated: {s.health_error_rate_normal:.0%}–{s.alert_error_rate:.0%}")


def drift(share: float | None, s: Settings) -> Verdict:
    if share is None:
        return Verdict(UNKNOWN, "no drift report yet")
    if share > s.drift_alert_share:
        return Verdict(BAD, f"critical: above {s.drift_alert_share:.0%} of features, "
                            "retraining recommended")
    if share >= s.drift_warning_share:
        return Verdict(WARN, f"attention: {s.drift_warning_share:.0%}–{s.drift_alert_share:.0%}")
    return Verdict(GOOD, f"normal: below {s.drift_warning_share:.0%} of features")
