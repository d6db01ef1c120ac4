"""The window chunker: aligned consecutive windows, the last N, simulated batch windows."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from creditwatch.drift import Chunker as DriftChunker
from creditwatch.drift import Window as DriftWindow
from creditwatch.windows import Chunker, Window, WindowError


def test_the_drift_names_are_the_one_window_and_chunker() -> None:
    """`from creditwatch.drift import Chunker, Window` (the notebooks' API) is this module's."""
    assert DriftChunker is Chunker and DriftWindow is Window


def test_consecutive_daily_windows_are_aligned_to_midnight() -> None:
    """Daily windows start at midnight UTC and cover the range without gaps or overlap."""
    windows = Chunker.consecutive(timedelta(days=1), datetime(2026, 1, 1, 15, tzinfo=UTC),
                                  datetime(2026, 1, 4, 1, tzinfo=UTC))
    assert [w.bounds[0].day for w in windows] == [1, 2, 3, 4]
    assert all(a.end == b.start for a, b in itertools.pairwise(windows))
    assert windows[0].start == datetime(2026, 1, 1, tzinfo=UTC)
    assert windows[-1].end == datetime(2026, 1, 5, tzinfo=UTC)


def test_alignment_is_to_the_epoch_in_utc_whatever_the_offset() -> None:
    """6-hour windows start at 00, 06, 12, 18 UTC, even when the range is given with an offset;
    an end exactly on a boundary opens no empty window after it."""
    paris = datetime(2026, 1, 1, 9, 30, tzinfo=UTC).astimezone(ZoneInfo("Europe/Paris"))
    windows = Chunker.consecutive(timedelta(hours=6), paris, datetime(2026, 1, 2, tzinfo=UTC))
    assert [w.bounds[0].hour for w in windows] == [6, 12, 18]
    assert all(w.bounds[0].tzinfo is UTC for w in windows)
    # 90 minutes is not a divisor of a day: still aligned on multiples since 1970-01-01
    w = Chunker.consecutive(timedelta(minutes=90), datetime(2026, 1, 1, 1, tzinfo=UTC),
                            datetime(2026, 1, 1, 2, tzinfo=UTC))[0]
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    assert (w.bounds[0] - epoch) % timedelta(minutes=90) == timedelta(0)
    assert w.bounds[0] <= datetime(2026, 1, 1, 1, tzinfo=UTC) < w.bounds[1]


def test_last_window_ends_now() -> None:
    """The last N hours end at the given moment."""
    now = datetime(2026, 5, 1, 12, tzinfo=UTC)
    w = Chunker.last(timedelta(hours=6), now=now)
    assert (w.start, w.end) == (datetime(2026, 5, 1, 6, tzinfo=UTC), now)


def test_latest_windows_end_with_the_one_holding_the_end() -> None:
    """The n latest daily windows are consecutive days, the last holding the end moment, even
    when the end is exactly midnight."""
    end = datetime(2026, 3, 10, 15, 30, tzinfo=UTC)
    windows = Chunker.latest(3, timedelta(days=1), end)
    assert windows[0].start == datetime(2026, 3, 8, tzinfo=UTC)
    assert windows[-1] == Window(datetime(2026, 3, 10, tzinfo=UTC), datetime(2026, 3, 11, tzinfo=UTC))
    midnight = Chunker.latest(2, timedelta(days=1), datetime(2026, 3, 10, tzinfo=UTC))
    assert midnight[-1].contains(datetime(2026, 3, 10, tzinfo=UTC))


def test_a_window_length_must_be_positive() -> None:
    """A zero or negative length is refused instead of looping forever."""
    for every in (timedelta(0), timedelta(hours=-1)):
        with pytest.raises(WindowError, match="positive"):
            Chunker.consecutive(every, datetime(2026, 1, 1, tzinfo=UTC))
        with pytest.raises(WindowError, match="positive"):
            Chunker.latest(3, every, datetime(2026, 1, 1, tzinfo=UTC))
