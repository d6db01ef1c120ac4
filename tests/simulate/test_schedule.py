"""Simulation schedules and payloads."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from creditwatch import schema
from creditwatch.schema import APPLICATION_TIME
from creditwatch.simulate import Schedule
from creditwatch.simulate.payloads import CORRUPTIONS, batch_rows, corrupt
from creditwatch.simulate.schedule import ScheduleError
from creditwatch.windows import Window, parse_time


def test_default_schedule_is_the_seeds_one() -> None:
    """8 batches of 50: 3 clean, gradual 0.1/0.2/0.3, sudden 0.5/0.7."""
    plan = Schedule.parse()
    assert [b.label for b in plan.batches] == [
        "clean", "clean", "clean", "gradual 0.1", "gradual 0.2", "gradual 0.3",
        "sudden 0.5", "sudden 0.7"]
    assert {b.size for b in plan.batches} == {50} and plan.total == 400


def test_spec_string_file_and_n_batches(tmp_path: Path) -> None:
    """A spec string, a YAML file and a JSON file give the same schedule; --n-batches cuts
    or repeats the last batch."""
    spec = Schedule.parse("clean*2,feature_shift:0.4", batch_size=10)
    yml = tmp_path / "s.yaml"
    yml.write_text("- {drift: clean, size: 10, count: 2}\n- {drift: 'feature_shift:0.4', size: 10}\n")
    js = tmp_path / "s.json"
    js.write_text('[{"drift": "none", "size": 10, "count": 2}, {"drift": "feature_shift:0.4", "size": 10}]')
    assert spec == Schedule.parse(str(yml)) == Schedule.parse(str(js))
    assert len(Schedule.parse("clean*2,sudden:0.5", n_batches=4)) == 4
    assert [b.label for b in Schedule.parse(None, n_batches=2).batches] == ["clean", "clean"]


@pytest.mark.parametrize("bad", ["wobbly:0.2", "gradual:1.5", "clean*x", ""])
def test_bad_specs_are_clear_errors(bad: str) -> None:
    """An unknown kind, an intensity outside [0, 1] or a bad count is a ScheduleError."""
    with pytest.raises(ScheduleError):
        Schedule.parse(bad or ",")


def test_batch_rows_are_clean_json_stamped_inside_their_window() -> None:
    """Rows carry only schema fields and SK_ID_CURR, no NaN, plain Python numbers, and an
    application time inside the batch's window."""
    plan = Schedule.parse("gradual:0.3", batch_size=20).batches[0]
    window = Window(datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 1, 2, tzinfo=UTC))
    rows = batch_rows(plan, 1, window=window, id_start=1000)
    assert len(rows) == 20
    allowed = set(schema.FIELD_NAMES) | {schema.ID_COLUMN, APPLICATION_TIME}
    for row in rows:
        assert set(row) <= allowed
        assert all(type(v) in (int, float, str) for v in row.values())
        assert window.contains(parse_time(row[APPLICATION_TIME]))


def test_every_corruption_changes_the_row() -> None:
    """Each documented corruption produces a different payload."""
    row = {"AMT_INCOME_TOTAL": 1e5, "AMT_CREDIT": 2e5, "DAYS_BIRTH": -12000}
    for kind in CORRUPTIONS:
        assert corrupt(row, kind) != row
