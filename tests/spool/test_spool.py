"""The spool file format: complete lines only, committed offsets, ownership by flock."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from creditwatch.spool.spool import Spool, decode_record, encode_record


def test_records_round_trip_with_their_times(tmp_path: Path) -> None:
    """A record's datetimes come back as the same aware datetimes; other values unchanged."""
    when = datetime(2026, 3, 1, 12, 30, 15, 123456, tzinfo=UTC)
    record = {"received_at": when, "application_time": None, "inputs": {"A": 1.5, "B": "x"}}
    kind, back = decode_record(encode_record("prediction", record))
    assert kind == "prediction"
    assert back == record


def test_only_complete_lines_are_read(tmp_path: Path) -> None:
    """A line still being written (no newline yet) is not read; the end offset stops before
    it, and it is read once complete."""
    spool = Spool(tmp_path)
    spool.append("log", {"n": 1})
    spool.segment.append(b'{"k":"log","r":{"n"')
    lines, end = spool.segment.read_from(0, 1 << 20)
    assert [decode_record(line)[1] for line in lines] == [{"n": 1}]
    assert end == len(encode_record("log", {"n": 1}))
    spool.segment.append(b":2}}\n")
    lines, end2 = spool.segment.read_from(end, 1 << 20)
    assert [decode_record(line)[1] for line in lines] == [{"n": 2}]
    assert end2 == spool.segment.size()


def test_a_line_longer_than_one_read_is_read_whole(tmp_path: Path) -> None:
    """A record bigger than the read size is still returned complete."""
    spool = Spool(tmp_path)
    big = {"text": "x" * 10_000}
    spool.append("log", big)
    lines, end = spool.segment.read_from(0, 1024)
    assert [decode_record(line)[1] for line in lines] == [big]
    assert end == spool.segment.size()


def test_append_many_writes_a_batch_in_order_and_counts_it(tmp_path: Path) -> None:
    """A batch of records lands in order and is counted as that many appended records."""
    spool = Spool(tmp_path)
    spool.append_many("log", [{"n": i} for i in range(100)])
    lines, _ = spool.segment.read_from(0, 1 << 20)
    assert [decode_record(line)[1]["n"] for line in lines] == list(range(100))
    assert spool.appended == 100


def test_committed_offset_survives_reopening(tmp_path: Path) -> None:
    """The committed offset is kept beside the segment and read back by a new opener."""
    spool = Spool(tmp_path)
    spool.append("log", {"n": 1})
    assert spool.segment.committed() == 0
    spool.segment.commit(7)
    assert spool.segment.committed() == 7
    spool.segment.close()
    other = Spool(tmp_path / "other")
    adopted = next(iter(Spool(tmp_path).orphans()))
    assert adopted.path == spool.segment.path and adopted.committed() == 7
    adopted.close()
    other.segment.close()


def test_a_live_owner_s_segment_is_not_an_orphan(tmp_path: Path) -> None:
    """While its owner holds it, a segment is not offered for replay; once released it is,
    and only to one adopter at a time."""
    owner = Spool(tmp_path)
    other = Spool(tmp_path)
    assert list(other.orphans()) == []
    owner.segment.close()  # what the owner's death does to its lock
    adopted = list(other.orphans())
    assert [s.path for s in adopted] == [owner.segment.path]
    third = Spool(tmp_path)
    assert list(third.orphans()) == []  # adopted by `other`, and `other` itself is alive
    for segment in adopted:
        segment.close()
