"""The rule kernel itself: the compiled rules, the matrix and column forms of the numeric
checks, the SK_ID_CURR bound on every dtype, and the application_time rule."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import numpy as np
import pytest

from creditwatch.schema import FIELDS, XNA, Field, rules
from creditwatch.schema.rules import FIELD_RULES


def test_rules_follow_the_fields() -> None:
    """Bounds, sentinel and integer-ness come from each field; the 0/1 flags and 1-3 ratings
    need no set check beyond their bounds; XNA is an error exactly in the five closed text sets
    that do not list it."""
    assert [r.name for r in FIELD_RULES] == [f.name for f in FIELDS]
    for f, r in zip(FIELDS, FIELD_RULES, strict=True):
        if f.valid is not None:
            assert (r.low, r.high) == f.valid
        assert r.integer is (f.dtype == "int")
        assert (r.sentinel == f.sentinel) if f.sentinel is not None else np.isnan(r.sentinel)
    assert rules.NUMBER_SETS == {}
    assert rules.RULE_BY_NAME["FLAG_MOBIL"].levels == (0, 1)
    assert {r.name for r in FIELD_RULES if r.field.dtype == "str" and not r.xna_missing} == {
        "NAME_CONTRACT_TYPE", "FLAG_OWN_CAR", "FLAG_OWN_REALTY", "WEEKDAY_APPR_PROCESS_START",
        "EMERGENCYSTATE_MODE"}
    gender = rules.RULE_BY_NAME["CODE_GENDER"]
    assert gender.xna_missing and XNA in (gender.levels or ())


def test_an_integer_set_with_gaps_is_checked_as_a_set() -> None:
    """An integer-coded closed set that is not every integer within its bounds (1 or 3) needs
    the set check, which refuses 2 and leaves missing values alone."""
    gappy = rules.field_rule(Field("GAPPY", "int", "categorical", "test", categories=(1, 3),
                                   closed=True, valid=(1, 3)))
    assert gappy.number_set and not rules.RULE_BY_NAME["REGION_RATING_CLIENT"].number_set
    values = np.array([1.0, 2.0, 3.0, np.nan])
    assert rules.outside_set(values, np.array(gappy.levels, dtype=float)).tolist() == [
        False, True, False, False]


def test_matrix_and_column_checks_are_the_same_rule() -> None:
    """The (rows, 120) form with the kernel's arrays and the one-column form with a field's
    scalars give the same masks, on values around every bound (NaN, sentinel, non-integers)."""
    rng = np.random.default_rng(7)
    spread = np.where(np.isfinite(rules.HIGH - rules.LOW), rules.HIGH - rules.LOW, 1.0)
    values = rules.LOW + spread * rng.uniform(-0.2, 1.2, (400, len(FIELD_RULES)))
    values[:, ~np.isfinite(rules.LOW)] = rng.integers(0, 9, (400, 1))  # text: category codes
    whole = rng.random(values.shape) < 0.3
    values[whole] = np.round(values[whole])
    values[rng.random(values.shape) < 0.1] = np.nan
    days_employed = list(rules.RULE_BY_NAME).index("DAYS_EMPLOYED")
    values[:5, days_employed] = 365243
    outside, not_int = rules.numeric_violations(values)
    assert outside.any() and not_int.any() and (~outside).any()
    for i, r in enumerate(FIELD_RULES):
        col_out, col_int = rules.numeric_violations(values[:, i], r.low, r.high, r.sentinel,
                                                    r.integer)
        np.testing.assert_array_equal(col_out, outside[:, i])
        np.testing.assert_array_equal(col_int, not_int[:, i])
    assert not outside[:5, days_employed].any()


IDS = [0, 1, 100_002, 2**53 + 1, 2**62 - 1024, 2**62 - 1, 2**62, 2**62 + 1, 2**62 + 1024,
       2**63 - 1, -1]


def _scalar_ok(value: object) -> bool:
    try:
        rules.client_id(value)
    except ValueError:
        return False
    return True


@pytest.mark.parametrize("dtype", [np.int64, np.uint64, np.float64])
def test_id_column_check_matches_the_scalar_rule(dtype: type) -> None:
    """On int64, uint64 and float64 columns the id check refuses exactly what ``client_id``
    refuses for the same value (a float 2**62 + 1 is 2**62: accepted); NaN is not an id."""
    values = [v for v in IDS if v >= 0 or dtype is not np.uint64]
    column = np.array(values, dtype=dtype)
    expected = [not _scalar_ok(v.item()) for v in column]
    assert rules.client_id_violations(column).tolist() == expected
    assert expected.count(True) >= 2
    assert rules.client_id_violations(np.array([np.nan, 1.5, -0.5])).all()


def test_client_id_takes_integral_numbers_only() -> None:
    """An integral float is an id, up to 2**62 included; a bool, a string, a fraction and
    2**62 + 1 are not."""
    assert rules.client_id(100_002.0) == 100_002 and type(rules.client_id(100_002.0)) is int
    assert rules.client_id(2**62) == rules.client_id(float(2**62)) == 2**62
    for bad in (True, "100002", 1.5, 2**62 + 1, -1, None):
        with pytest.raises(ValueError, match=r"an integer in \[0, 4611686018427387904\]"):
            rules.client_id(bad)


@pytest.mark.parametrize(("first", "last"), [(1990, 2099), (1000, 9999), (2024, 2024),
                                             (1995, 2012), (1999, 2001), (1900, 2000)])
def test_year_pattern_matches_exactly_the_range(first: int, last: int) -> None:
    """The published year pattern matches a four-digit year iff it lies in the range."""
    pattern = re.compile(f"^({rules.year_pattern(first, last)})$")
    matched = [y for y in range(1000, 10000) if pattern.match(str(y))]
    assert matched == list(range(first, last + 1))
    assert rules.APPLICATION_TIME_PATTERN == "^(199[0-9]|20[0-9]{2})-"


def test_application_time_is_utc_and_its_year_is_read_as_written() -> None:
    """No offset means UTC; an offset is converted; the year bound applies to the year as
    written, so 2099-12-31T23:00-05:00 (2100 in UTC) is accepted."""
    assert rules.application_time("2024-05-01T10:00:00") == datetime(2024, 5, 1, 10, tzinfo=UTC)
    assert rules.application_time("2024-05-01T10:00:00Z") == datetime(2024, 5, 1, 10, tzinfo=UTC)
    assert rules.application_time("2099-12-31T23:00:00-05:00").year == 2100
    assert rules.application_time("1990-01-01T00:30:00+01:00").year == 1989


@pytest.mark.parametrize(("value", "message"), [
    (1_700_000_000, "ISO 8601 date-time string"), (None, "ISO 8601 date-time string"),
    ("1989-12-31T23:59:59Z", "years 1990-2099"), ("2100-01-01T00:00:00Z", "years 1990-2099"),
    ("20240501T100000Z", "YYYY-MM-DD"), ("2024-13-01T00:00:00Z", "month"),
    ("yesterday", "not an ISO 8601 date or date-time")])
def test_bad_application_times_say_why(value: object, message: str) -> None:
    """A non-string, a year outside 1990-2099, the basic format and an impossible date are
    refused, each with a message that says what is wrong."""
    with pytest.raises(ValueError, match=message):
        rules.application_time(value)
