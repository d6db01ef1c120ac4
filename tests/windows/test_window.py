"""The one Window: half-open UTC bounds, open sides, previous window, labels."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from creditwatch.windows import Window, WindowError

NOW = datetime(2026, 3, 10, 12, tzinfo=UTC)


def test_windows_are_half_open() -> None:
    """A window holds its start and not its end; an open side holds everything that way."""
    w = Window(NOW - timedelta(hours=1), NOW)
    assert w.contains(NOW - timedelta(hours=1)) and not w.contains(NOW)
    assert w.contains(NOW - timedelta(microseconds=1))
    assert Window(None, NOW).contains(datetime(1990, 1, 1, tzinfo=UTC))
    assert Window(NOW, None).contains(NOW) and not Window(NOW, None).contains(NOW - timedelta(1))


def test_bounds_are_stored_in_utc() -> None:
    """Bounds with an offset are kept as the same instants in UTC."""
    plus2 = timezone(timedelta(hours=2))
    w = Window(datetime(2026, 3, 1, 14, tzinfo=plus2), datetime(2026, 3, 1, 16, tzinfo=plus2))
    assert w.start == datetime(2026, 3, 1, 12, tzinfo=UTC) and w.bounds[0].tzinfo is UTC
    assert w.span == timedelta(hours=2)


def test_naive_or_empty_windows_are_refused() -> None:
    """A window needs aware datetimes and a positive length."""
    with pytest.raises(ValueError, match="naive"):
        Window(datetime(2026, 1, 1), datetime(2026, 1, 2))  # noqa: DTZ001 - the point of the test
    with pytest.raises(WindowError, match="not after its start"):
        Window(datetime(2026, 1, 2, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC))
    with pytest.raises(WindowError):
        Window(NOW, NOW)


def test_previous_is_the_same_length_just_before() -> None:
    """The previous window ends where this one starts and has its length; open windows have none."""
    w = Window(NOW - timedelta(days=7), NOW, "7d")
    before = w.previous()
    assert before is not None
    assert (before.start, before.end) == (NOW - timedelta(days=14), NOW - timedelta(days=7))
    assert before.label == "before 7d"
    assert Window(None, NOW).previous() is None and Window().previous() is None


def test_open_windows_have_no_span_nor_bounds() -> None:
    """An open side gives no span, and asking for both bounds is a WindowError."""
    assert Window(NOW, None).span is None
    with pytest.raises(WindowError, match="needs both"):
        Window(NOW, None).bounds  # noqa: B018 - the property raises


def test_labels_slug_and_description() -> None:
    """The label defaults to the bounds, equality ignores it, the slug names files, and the
    description gives both bounds."""
    w = Window(NOW - timedelta(days=1), NOW)
    assert w.label == "2026-03-09 12:00 – 2026-03-10 12:00"
    assert w == Window(NOW - timedelta(days=1), NOW, "24h")
    assert w.slug == "2026-03-09T1200_2026-03-10T1200"
    assert Window(NOW - timedelta(days=1), NOW, "24h").describe().startswith("24h (2026-03-09 12:00 UTC")
    assert Window(None, None, "all").describe() == "all (the beginning → now)"
