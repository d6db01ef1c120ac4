"""Periods and healthy bands: pure functions, no store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from creditwatch.analytics import PeriodError, Window, health, resolve_period
from creditwatch.config import Settings

NOW = datetime(2026, 3, 10, 12, tzinfo=UTC)


@pytest.mark.parametrize(("text", "span"), [("24h", timedelta(hours=24)),
                                            ("7d", timedelta(days=7)),
                                            ("30d", timedelta(days=30)),
                                            ("90m", timedelta(minutes=90)),
                                            ("2w", timedelta(weeks=2))])
def test_relative_periods_end_now_and_have_their_length(text: str, span: timedelta) -> None:
    """A relative period ends at the given now and starts its length before."""
    window = resolve_period(text, NOW)
    assert (window.start, window.end) == (NOW - span, NOW)
    previous = window.previous()
    assert previous is not None
    assert (previous.start, previous.end) == (NOW - 2 * span, NOW - span)


def test_all_and_explicit_bounds() -> None:
    """'all' is unbounded with no previous period; explicit bounds are kept, in UTC."""
    everything = resolve_period("all", NOW)
    assert (everything.start, everything.end, everything.previous()) == (None, None, None)
    start = datetime(2026, 3, 1, 14, tzinfo=UTC)
    window = resolve_period((start, NOW))
    assert (window.start, window.end) == (start, NOW)
    assert window.contains(start) and not window.contains(NOW)
    open_end = resolve_period((start, None))
    assert open_end.end is None and open_end.previous() is None
    assert resolve_period(window) is window


@pytest.mark.parametrize("bad", ["yesterday", "-1d", "0h", "7", ""])
def test_unreadable_periods_are_refused(bad: str) -> None:
    """Text that is no period raises PeriodError naming the accepted forms."""
    with pytest.raises(PeriodError, match="period"):
        resolve_period(bad, NOW)


def test_explicit_bounds_must_be_ordered_and_aware() -> None:
    """An end before the start, or a naive datetime, is refused."""
    with pytest.raises(PeriodError):
        resolve_period((NOW, NOW - timedelta(hours=1)))
    with pytest.raises(ValueError, match="naive"):
        resolve_period((datetime(2026, 3, 1), NOW))  # noqa: DTZ001 - the naive case itself


def test_window_describe_names_both_bounds() -> None:
    """A window describes itself with its label and both bounds."""
    text = Window(NOW - timedelta(days=1), NOW, "24h").describe()
    assert text.startswith("24h (2026-03-09 12:00 UTC")


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
