"""Healthy bands: pure functions, no store. (Periods are tested in tests/windows.)"""

from __future__ import annotations

from creditwatch.analytics import health
from creditwatch.config import Settings


def test_health_bands_follow_the_settings() -> None:
    """Each KPI is good, warn or bad against the guide's bands, taken from the settings."""
    s = Settings(store={"url": None})
    assert health.approval(0.78, s).level == health.GOOD
    assert health.approval(0.60, s).level == health.WARN
    assert health.approval(0.40, s).level == health.BAD
    assert health.approval(0.97, s).level == health.BAD
    assert health.latency(20.0, s).level == health.GOOD
    assert health.latency(70.0, s).level == health.WARN
    assert health.latency(150.0, s).level == health.BAD
    assert health.error_rate(0.005, s).level == health.GOOD
    assert health.error_rate(0.03, s).level == health.WARN
    assert health.error_rate(0.08, s).level == health.BAD
    assert health.drift(0.05, s).level == health.GOOD
    assert health.drift(0.2, s).level == health.WARN
    assert health.drift(0.35, s).level == health.BAD
    assert health.drift(None, s).level == health.UNKNOWN
    strict = Settings(store={"url": None}, alerts={"latency_mean_ms": 30.0},
                      health={"latency_good_ms": 10.0})
    assert health.latency(20.0, strict).level == health.WARN
