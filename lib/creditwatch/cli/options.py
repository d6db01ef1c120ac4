"""The time-window options every command that reads a window takes, written once.

    --days N | --hours N    the last N days / hours (ending at --until)
    --since WHEN            from an ISO date or time, or a duration back from now (7d)
    --until WHEN            to an ISO date or time, or a duration back from now; default now
    --every DURATION        history commands: the length of each window (30m, 6h, 1d, 1w)

A command declares them with the aliases below and turns them into a ``Window`` (or the
windows of a history) with :func:`window` / :func:`history`; a bad combination or
unreadable text is a ``WindowError``, which ``guarded`` prints as one line with exit code 2.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

import typer

from creditwatch.windows import Chunker, Window, WindowError, parse_duration, parse_moment

MAX_WINDOWS = 10_000  # a history longer than this is a typo (--every 1s), not a backfill
_WHEN = "an ISO date or time (2026-03-01, 2026-03-01T12:00Z) or a duration back from now (7d, 12h)"
Days = Annotated[float | None, typer.Option(
    "--days", metavar="N", show_default=False, help="The last N days (before --until).")]
Hours = Annotated[float | None, typer.Option(
    "--hours", metavar="N", show_default=False, help="The last N hours (before --until).")]
Since = Annotated[str | None, typer.Option(
    "--since", metavar="WHEN", show_default=False, help=f"Start: {_WHEN}.")]
Until = Annotated[str | None, typer.Option(
    "--until", metavar="WHEN", show_default=False, help=f"End: {_WHEN}; default now.")]
Every = Annotated[str, typer.Option(
    "--every", metavar="DURATION",
    help="Length of each window: a number and s, m, h, d or w (30m, 6h, 1d, 1w).")]


def window(days: float | None, hours: float | None, since: str | None, until: str | None, *,
           default: timedelta, now: datetime | None = None) -> Window:
    """The window the options name; with none of ``--days``, ``--hours``, ``--since``, the
    ``default`` length before ``--until``."""
    given = [name for name, value in (("--days", days), ("--hours", hours), ("--since", since))
             if value is not None]
    if len(given) > 1:
        raise WindowError(f"give one of --days, --hours and --since, not {' and '.join(given)}")
    now = now or datetime.now(UTC)
    end = parse_moment(until, now) if until is not None else now
    if since is not None:
        return Window(parse_moment(since, now), end)
    length = default
    for name, value, unit in (("--days", days, "days"), ("--hours", hours, "hours")):
        if value is not None:
            if not value > 0:
                raise WindowError(f"{name} must be positive, not {value:g}")
            length = _span(name, value, unit)
    return Chunker.last(length, now=end)


def history(every: str, days: float | None, hours: float | None, since: str | None,
            until: str | None, *, windows: int = 30, now: datetime | None = None) -> list[Window]:
    """The aligned windows of ``--every`` covering the range the other options name (by
    default the last ``windows`` of them)."""
    step = parse_duration(every)
    start, end = window(days, hours, since, until, default=windows * step, now=now).bounds
    if (end - start) / step > MAX_WINDOWS:
        raise WindowError(f"--every {every} makes {(end - start) / step:,.0f} windows (at most "
                          f"{MAX_WINDOWS:,}): use a longer --every or a shorter range")
    return Chunker.consecutive(step, start, end)


def _span(name: str, value: float, unit: str) -> timedelta:
    try:
        return timedelta(**{unit: value})
    except OverflowError:
        raise WindowError(f"{name} {value:g} is too long") from None
