"""The window chunker."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from creditwatch.drift import Chunker, Window


def test_consecutive_daily_windows_are_aligned_to_midnight() -> None:
    """Daily windows start at midnight UTC and cover the range without gaps or overlap."""
    windows = Chunker.consecutive(timedelta(days=1), datetime(2026, 1, 1, 15, tzinfo=UTC),
                                  datetime(2026, 1, 4, 1, tzinfo=UTC))
    assert [w.start.day for w in windows] == [1, 2, 3, 4]
    assert all(a.end == b.start for a, b in itertools.pairwise(windows))
    assert windows[0].start == datetime(2026, 1, 1, tzinfo=UTC)


def test_last_window_ends_now() -> None:
    """The last N hours end at the given moment."""
    now = datetime(2026, 5, 1, 12, tzinfo=UTC)
    w = Chunker.last(timedelta(hours=6), now=now)
    assert (w.start, w.end) == (datetime(2026, 5, 1, 6, tzinfo=UTC), now)


def test_naive_or_empty_windows_are_refused() -> None:
    """A window needs aware datetimes and a positive length."""
    with pytest.raises(ValueError):
        Window(datetime(2026, 1, 1), datetime(2026, 1, 2))  # noqa: DTZ001 - the point of the test
    with pytest.raises(ValueError):
        Window(datetime(2026, 1, 2, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC))
