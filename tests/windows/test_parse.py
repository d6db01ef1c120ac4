"""The duration grammar and ISO time parsing: pure functions, no store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pandas as pd
import pytest

from creditwatch.errors import CreditwatchError
from creditwatch.windows import WindowError, parse_duration, parse_moment, parse_time, to_utc

NOW = datetime(2026, 3, 10, 12, tzinfo=UTC)


@pytest.mark.parametrize(("text", "span"), [
    ("10s", timedelta(seconds=10)), ("30m", timedelta(minutes=30)), ("6h", timedelta(hours=6)),
    ("1d", timedelta(days=1)), ("2w", timedelta(weeks=2)), ("1.5h", timedelta(minutes=90)),
    (" 7 d ", timedelta(days=7)), ("7D", timedelta(days=7)), ("0.5d", timedelta(hours=12)),
])
def test_accepted_durations(text: str, span: timedelta) -> None:
    """A positive number and one unit of s, m, h, d, w (fractions, spaces, any case) is read."""
    assert parse_duration(text) == span


@pytest.mark.parametrize("bad", ["", "7", "d", "1y", "1mo", "-1d", "+1d", "1d2h", "0h", "0.0d",
                                 ".5h", "1,5h", "one day", "1e3s"])
def test_refused_durations_name_the_grammar(bad: str) -> None:
    """Anything else is a WindowError (a CreditwatchError and a ValueError) that names the
    accepted form."""
    with pytest.raises(WindowError, match="s, m, h, d or w") as caught:
        parse_duration(bad)
    assert isinstance(caught.value, CreditwatchError) and isinstance(caught.value, ValueError)
    assert "\n" not in str(caught.value)


def test_a_duration_too_long_for_a_timedelta_is_refused() -> None:
    """A duration beyond timedelta's range is a WindowError, not an OverflowError."""
    with pytest.raises(WindowError, match="too long"):
        parse_duration("9999999999d")


@pytest.mark.parametrize(("text", "expected"), [
    ("2026-03-01", datetime(2026, 3, 1, tzinfo=UTC)),
    ("2026-03-01T12:30", datetime(2026, 3, 1, 12, 30, tzinfo=UTC)),
    ("2026-03-01T12:30:00Z", datetime(2026, 3, 1, 12, 30, tzinfo=UTC)),
    ("2026-03-01Z", datetime(2026, 3, 1, tzinfo=UTC)),
    ("2026-03-01T12:30:00+02:00", datetime(2026, 3, 1, 10, 30, tzinfo=UTC)),
    ("2026-03-01T00:30:00-05:00", datetime(2026, 3, 1, 5, 30, tzinfo=UTC)),
])
def test_iso_times_come_back_aware_utc(text: str, expected: datetime) -> None:
    """Naive ISO text is UTC, Z is UTC and an offset is converted; the result is aware UTC."""
    parsed = parse_time(text)
    assert parsed == expected and parsed.tzinfo is UTC


@pytest.mark.parametrize("bad", ["", "yesterday", "2026-13-01", "2026-03-01T25:00", " 2026-03-01"])
def test_unreadable_times_are_refused(bad: str) -> None:
    """Text that is no ISO 8601 date or date-time is a one-line WindowError quoting it."""
    with pytest.raises(WindowError, match="ISO 8601") as caught:
        parse_time(bad)
    assert repr(bad) in str(caught.value)


def test_year_bounds_are_checked_as_written() -> None:
    """The year bound applies to the year written, before the offset moves it."""
    assert parse_time("2099-12-31T23:00:00-05:00", years=(1990, 2099)).year == 2100
    with pytest.raises(WindowError, match="years 1990-2099"):
        parse_time("1989-12-31T23:00:00Z", years=(1990, 2099))


@pytest.mark.parametrize("edge", ["0001-01-01T00:00:00.0+01:00", "9999-12-31T23:30:00-01:00"])
def test_times_whose_offset_leaves_the_calendar_are_refused(edge: str) -> None:
    """A valid ISO time whose UTC equivalent falls before year 1 or after 9999 is a WindowError
    naming it (not an OverflowError, which the API would answer with a 500)."""
    with pytest.raises(WindowError, match="years 1-9999 in UTC") as caught:
        parse_time(edge)
    assert repr(edge) in str(caught.value)


def test_a_moment_is_an_iso_time_or_a_duration_back_from_now() -> None:
    """'7d' is seven days before now; ISO text is that time; anything else names both forms."""
    assert parse_moment("7d", NOW) == NOW - timedelta(days=7)
    assert parse_moment("90m", NOW) == NOW - timedelta(minutes=90)
    assert parse_moment("2026-03-01", NOW) == datetime(2026, 3, 1, tzinfo=UTC)
    with pytest.raises(WindowError, match=r"neither an ISO 8601 date or date-time .* nor a duration"):
        parse_moment("last week", NOW)
    with pytest.raises(WindowError, match="before the year 1"):
        parse_moment("999999d", NOW)


def test_to_utc_converts_aware_values_and_refuses_naive_ones() -> None:
    """Aware datetimes and Timestamps become UTC datetimes; a naive one is refused."""
    paris = datetime(2026, 3, 1, 13, tzinfo=timezone(timedelta(hours=1)))
    assert to_utc(paris) == datetime(2026, 3, 1, 12, tzinfo=UTC) and to_utc(paris).tzinfo is UTC
    stamp = to_utc(pd.Timestamp("2026-03-01T12:00Z"))
    assert type(stamp) is datetime and stamp == datetime(2026, 3, 1, 12, tzinfo=UTC)
    with pytest.raises(ValueError, match="naive"):
        to_utc(datetime(2026, 3, 1))  # noqa: DTZ001 - the naive case itself
