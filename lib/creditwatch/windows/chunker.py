"""The chunker: the windows drift checks, histories and simulated batches iterate over.

Consecutive windows are aligned to multiples of their length since the Unix epoch (days
start at midnight UTC, hours on the hour), so re-running a history gives the same windows
and the same stored rows.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from creditwatch.windows.parse import WindowError, before, to_utc
from creditwatch.windows.window import Window

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def floor(moment: datetime, every: timedelta) -> datetime:
    """The start of the aligned window of length ``every`` that holds ``moment``."""
    return EPOCH + (to_utc(moment) - EPOCH) // every * every


class Chunker:
    """Makes windows: the last N hours or days, or aligned consecutive windows."""

    @staticmethod
    def last(length: timedelta, *, now: datetime | None = None, label: str = "") -> Window:
        """The ``length`` before ``now`` (default: the current time)."""
        end = to_utc(now or datetime.now(UTC))
        return Window(before(end, length), end, label)

    @staticmethod
    def consecutive(every: timedelta, since: datetime,
                    until: datetime | None = None) -> list[Window]:
        """Aligned windows of length ``every`` covering ``[since, until)`` (until: now)."""
        _check(every)
        until = to_utc(until or datetime.now(UTC))
        start = floor(since, every)
        windows = []
        while start < until:
            windows.append(Window(start, start + every))
            start += every
        return windows

    @staticmethod
    def latest(n: int, every: timedelta, end: datetime) -> list[Window]:
        """The ``n`` aligned windows of length ``every`` up to the one holding ``end``."""
        _check(every)
        first = floor(end, every) - every * (n - 1)
        return [Window(first + every * i, first + every * (i + 1)) for i in range(n)]


def _check(every: timedelta) -> None:
    if every <= timedelta(0):
        raise WindowError(f"a window length must be positive, not {every}")
