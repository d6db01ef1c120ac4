"""Periods: what "24h", "7d", "30d", "all" or explicit bounds mean as a time window.

A window is half-open, ``start <= t < end`` (the store's convention), and either bound may
be open (``None``). Relative periods end now (or at the ``now`` given, for reproducible
reports); the previous period is the window of the same length just before, which is what
period-over-period changes compare with ("all" has none).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from creditwatch.errors import CreditwatchError
from creditwatch.store.types import to_utc

NAMED = ("24h", "7d", "30d", "all")
_RELATIVE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([mhdw])\s*$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


class PeriodError(CreditwatchError, ValueError):
    """A period that cannot be read."""


@dataclass(frozen=True, slots=True)
class Window:
    """``[start, end)`` in UTC; ``None`` leaves that side open."""

    start: datetime | None
    end: datetime | None
    label: str

    @property
    def span(self) -> timedelta | None:
        if self.start is None or self.end is None:
            return None
        return self.end - self.start

    def previous(self) -> Window | None:
        """The window of the same length just before this one (None when unbounded)."""
        span = self.span
        if span is None or self.start is None:
            return None
        return Window(self.start - span, self.start, f"before {self.label}")

    def contains(self, when: datetime) -> bool:
        when = to_utc(when)
        return (self.start is None or when >= self.start) and (self.end is None or when < self.end)

    def describe(self) -> str:
        fmt = "%Y-%m-%d %H:%M UTC"
        start = self.start.strftime(fmt) if self.start else "the beginning"
        end = self.end.strftime(fmt) if self.end else "now"
        return f"{self.label} ({start} → {end})"


Period = str | Window | tuple[datetime | None, datetime | None]


def resolve_period(period: Period, now: datetime | None = None) -> Window:
    """``"24h"``, ``"7d"``, ``"30d"``, any ``N[mhdw]``, ``"all"``, a ``Window``, or a
    ``(start, end)`` pair of aware datetimes (either may be None) as a ``Window``."""
    if isinstance(period, Window):
        return period
    if isinstance(period, tuple):
        if len(period) != 2:
            raise PeriodError(f"an explicit period is (start, end), got {period!r}")
        start, end = (to_utc(b) if b is not None else None for b in period)
        if start is not None and end is not None and end <= start:
            raise PeriodError(f"period end {end.isoformat()} is not after its start")
        return Window(start, end, _label(start, end))
    if not isinstance(period, str):
        raise PeriodError(f"a period is a string such as '7d', a Window or (start, end); "
                          f"got {period!r}")
    text = period.strip().lower()
    if text == "all":
        return Window(None, None, "all")
    match = _RELATIVE.match(text)
    if not match:
        raise PeriodError(f"unknown period {period!r}: use one of {', '.join(NAMED)}, "
                          "another N[mhdw] such as '12h', or explicit (start, end) bounds")
    span = timedelta(**{_UNITS[match.group(2)]: float(match.group(1))})
    if span <= timedelta(0):
        raise PeriodError(f"period {period!r} is empty")
    end = to_utc(now) if now is not None else datetime.now(UTC)
    return Window(end - span, end, text)


def _label(start: datetime | None, end: datetime | None) -> str:
    fmt = "%Y-%m-%d %H:%M"
    return f"{start.strftime(fmt) if start else '…'} – {end.strftime(fmt) if end else '…'}"
