"""The time window: half-open ``[start, end)`` in UTC, either side possibly open.

The store, the drift engine, the analytics and the alert check all read "start <= t < end".
An open side (``None``) is "since the beginning" / "up to now"; the drift engine and the
alert check need both bounds and ask for them with :attr:`Window.bounds`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from creditwatch.windows.parse import WindowError, to_utc


@dataclass(frozen=True, slots=True)
class Window:
    """``[start, end)`` in UTC; ``None`` leaves that side open. ``label`` names it for
    people ("7d", "all"); by default it is written from the bounds. Windows are equal when
    their bounds are."""

    start: datetime | None = None
    end: datetime | None = None
    label: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        start = to_utc(self.start) if self.start is not None else None
        end = to_utc(self.end) if self.end is not None else None
        if start is not None and end is not None and not start < end:
            raise WindowError(f"window end {end.isoformat()} is not after its start "
                              f"{start.isoformat()}")
        object.__setattr__(self, "start", start)
        object.__setattr__(self, "end", end)
        if not self.label:
            fmt = "%Y-%m-%d %H:%M"
            object.__setattr__(self, "label", f"{start.strftime(fmt) if start else '…'} – "
                                              f"{end.strftime(fmt) if end else '…'}")

    @property
    def span(self) -> timedelta | None:
        """The length (None when a side is open)."""
        if self.start is None or self.end is None:
            return None
        return self.end - self.start

    @property
    def bounds(self) -> tuple[datetime, datetime]:
        """``(start, end)``; a WindowError when a side is open."""
        if self.start is None or self.end is None:
            raise WindowError(f"the window {self.label} needs both a start and an end")
        return self.start, self.end

    @property
    def slug(self) -> str:
        """The bounds as a file-name part: ``2026-03-01T0000_2026-03-02T0000``."""
        start, end = self.bounds
        return f"{start:%Y-%m-%dT%H%M}_{end:%Y-%m-%dT%H%M}"

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
        """The label and both bounds: ``7d (2026-03-03 12:00 UTC → 2026-03-10 12:00 UTC)``."""
        fmt = "%Y-%m-%d %H:%M UTC"
        start = self.start.strftime(fmt) if self.start else "the beginning"
        end = self.end.strftime(fmt) if self.end else "now"
        return f"{self.label} ({start} → {end})"
