"""Time windows of application_time: the chunker drift runs and the history iterate over.

Windows are half-open ``[start, end)`` in UTC. Consecutive windows are aligned to multiples
of their length since the Unix epoch (days start at midnight UTC), so re-running a history
gives the same windows and the same stored rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta


@dataclass(frozen=True, slots=True)
class Window:
    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("windows need timezone-aware datetimes")
        if not self.start < self.end:
            raise ValueError(f"empty window {self.start} -> {self.end}")

    @property
    def label(self) -> str:
        return f"{self.start:%Y-%m-%dT%H%M}_{self.end:%Y-%m-%dT%H%M}"


def _floor(moment: datetime, every: timedelta) -> datetime:
    step = every.total_seconds()
    return datetime.fromtimestamp((moment.timestamp() // step) * step, tz=UTC)


class Chunker:
    """Makes windows: the last N hours/days, or consecutive windows over a range."""

    @staticmethod
    def last(length: timedelta, *, now: datetime | None = None) -> Window:
        end = (now or datetime.now(UTC)).astimezone(UTC)
        return Window(end - length, end)

    @staticmethod
    def consecutive(every: timedelta, since: datetime, until: datetime | None = None) -> list[Window]:
        """Aligned windows of length ``every`` covering ``[since, until)`` (until: now)."""
        until = (until or datetime.now(UTC)).astimezone(UTC)
        start = _floor(since.astimezone(UTC), every)
        return list(_iterate(start, until, every))


def _iterate(start: datetime, until: datetime, every: timedelta) -> Iterator[Window]:
    while start < until:
        yield Window(start, start + every)
        start += every
