"""The one text grammar of time: durations ("30m", "6h", "1.5d", "2w") and ISO 8601 times.

A duration is a positive number (a decimal fraction allowed) and one unit: ``s`` seconds,
``m`` minutes, ``h`` hours, ``d`` days, ``w`` weeks; case and spaces around are ignored
(``m`` is always minutes: there are no months). A time is an ISO 8601 date or date-time:
naive means UTC, ``Z`` is UTC, an offset is honoured; every parsed time comes back as an
aware UTC ``datetime``. A *moment* (the ``--since`` / ``--until`` of the commands) is either
an ISO time or a duration back from now (``7d``: seven days ago).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pandas as pd

from creditwatch.errors import CreditwatchError

DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$", re.IGNORECASE)
UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
DURATION_HELP = "a positive number and a unit s, m, h, d or w, such as 30m, 6h, 1.5d or 2w"


class WindowError(CreditwatchError, ValueError):
    """A duration, time or window that cannot be read, or bounds that make no window."""


def parse_duration(text: str) -> timedelta:
    """``"30m"``, ``"6h"``, ``"1.5d"``, ``"2w"`` -> a positive ``timedelta``."""
    match = DURATION.match(text) if isinstance(text, str) else None
    if not match:
        raise WindowError(f"{text!r} is not a duration: use {DURATION_HELP}")
    number, unit = float(match.group(1)), UNITS[match.group(2).lower()]
    try:
        span = timedelta(**{unit: number})
    except OverflowError:
        raise WindowError(f"duration {text!r} is too long") from None
    if span <= timedelta(0):
        raise WindowError(f"duration {text!r} is empty: use {DURATION_HELP}")
    return span


def parse_time(text: str, *, years: tuple[int, int] | None = None) -> datetime:
    """An ISO 8601 date or date-time as an aware UTC ``datetime`` (naive means UTC).

    ``years`` bounds the year as written, before the offset is applied (the API schema's
    rule for application_time)."""
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except (ValueError, AttributeError) as exc:
        # Python's own reason when it says more than "invalid" (e.g. "month must be in 1..12")
        why = "" if "isoformat" in str(exc) or isinstance(exc, AttributeError) else f": {exc}"
        raise WindowError(f"{text!r} is not an ISO 8601 date or date-time{why}") from None
    if years is not None and not years[0] <= parsed.year <= years[1]:
        raise WindowError(f"must be in the years {years[0]}-{years[1]}")
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    try:
        return parsed.astimezone(UTC)
    except OverflowError:  # 0001-01-01T00:00+01:00 is in the year 0 in UTC
        raise WindowError(f"{text!r} falls outside the years 1-9999 in UTC") from None


def parse_moment(text: str, now: datetime | None = None) -> datetime:
    """An ISO time, or a duration back from ``now`` (default: the current time)."""
    if DURATION.match(text):
        return before(to_utc(now or datetime.now(UTC)), parse_duration(text))
    try:
        return parse_time(text)
    except WindowError:
        raise WindowError(f"{text!r} is neither an ISO 8601 date or date-time "
                          "(2026-03-01T12:00Z) nor a duration back from now (7d)") from None


def before(moment: datetime, length: timedelta) -> datetime:
    """``moment - length``; a WindowError (not an OverflowError) before the year 1."""
    try:
        return moment - length
    except OverflowError:
        raise WindowError(f"{length.days:,} days before {moment:%Y-%m-%d} is before the year 1") from None


def to_utc(value: datetime | date | pd.Timestamp) -> datetime:
    """``value`` as an aware UTC ``datetime``; a naive one is refused rather than guessed."""
    # Fast path: what the spool decodes (fromisoformat of "+00:00" gives the UTC singleton).
    if type(value) is datetime and value.tzinfo is UTC:
        return value
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if not isinstance(value, datetime):
        raise TypeError(f"expected a datetime, got {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"naive datetime {value.isoformat()}: pass a timezone-aware one")
    return value.astimezone(UTC)
