"""Periods: what "24h", "7d", "all" or explicit bounds mean as a window."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from creditwatch.analytics import Window as AnalyticsWindow
from creditwatch.analytics import resolve_period as analytics_resolve_period
from creditwatch.windows import Window, WindowError, resolve_period

NOW = datetime(2026, 3, 10, 12, tzinfo=UTC)


def test_the_analytics_names_are_this_module() -> None:
    """`creditwatch.analytics` re-exports the one Window and resolve_period."""
    assert AnalyticsWindow is Window and analytics_resolve_period is resolve_period


@pytest.mark.parametrize(("text", "span"), [("24h", timedelta(hours=24)),
                                            ("7d", timedelta(days=7)),
                                            ("30d", timedelta(days=30)),
                                            ("90m", timedelta(minutes=90)),
                                            ("2w", timedelta(weeks=2)),
                                            ("45s", timedelta(seconds=45))])
def test_relative_periods_end_now_and_have_their_length(text: str, span: timedelta) -> None:
    """A relative period ends at the given now and starts its length before."""
    window = resolve_period(text, NOW)
    assert (window.start, window.end, window.label) == (NOW - span, NOW, text)
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


@pytest.mark.parametrize("bad", ["yesterday", "-1d", "0h", "7", "", "1y"])
def test_unreadable_periods_are_refused(bad: str) -> None:
    """Text that is no period raises WindowError naming the accepted forms."""
    with pytest.raises(WindowError, match=r"unknown period .*all, a duration"):
        resolve_period(bad, NOW)


def test_explicit_bounds_must_be_ordered_and_aware() -> None:
    """An end before the start, or a naive datetime, is refused."""
    with pytest.raises(WindowError):
        resolve_period((NOW, NOW - timedelta(hours=1)))
    with pytest.raises(ValueError, match="naive"):
        resolve_period((datetime(2026, 3, 1), NOW))  # noqa: DTZ001 - the naive case itself
    with pytest.raises(WindowError, match=r"\(start, end\)"):
        resolve_period((NOW,))  # type: ignore[arg-type]
