"""The local append-only spool: every record reaches it before the API answers.

Each process appends JSON lines to its own *segment* file (``spool-<pid>-<time>.jsonl``) with
one ``os.write`` per record: once that call returns, the bytes belong to the kernel and
survive the process being killed (SIGKILL), so an answered prediction can always be shipped.
Beside each segment, ``<segment>.offset`` holds how many bytes are already in the store; it is
rewritten atomically after each committed batch. The owner holds an exclusive ``flock`` on its
segment, so after a crash another process (the restarted API) knows the segment is orphaned
and replays it from the offset. Replaying is safe because the store's inserts are idempotent on
request id: a batch committed just before the offset was saved is skipped, not duplicated.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson

_TIME_KEYS = ("received_at", "application_time", "occurred_at", "ts")


def encode_record(kind: str, record: dict[str, Any]) -> bytes:
    return orjson.dumps({"k": kind, "r": record}, option=orjson.OPT_SERIALIZE_NUMPY) + b"\n"


def decode_record(line: bytes) -> tuple[str, dict[str, Any]]:
    item = orjson.loads(line)
    record = item["r"]
    for key in _TIME_KEYS:
        value = record.get(key)
        if isinstance(value, str):
            record[key] = datetime.fromisoformat(value)
    return item["k"], record


class SpoolSegment:
    """One append-only file with its committed offset."""

    def __init__(self, path: Path, *, own: bool) -> None:
        self.path = path
        self.offset_path = path.with_suffix(path.suffix + ".offset")
        flags = os.O_RDWR | os.O_CREAT | (os.O_APPEND if own else 0)
        self.fd = os.open(path, flags, 0o644)
        self.own = own
        if own:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)

    @classmethod
    def try_adopt(cls, path: Path) -> SpoolSegment | None:
        """Open an orphaned segment for replay; None when its owner is still alive."""
        segment = cls(path, own=False)
        try:
            fcntl.flock(segment.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(segment.fd)
            return None
        return segment

    def append(self, data: bytes) -> None:
        view = memoryview(data)
        while view:  # os.write may write less than asked on a full disk or a signal
            written = os.write(self.fd, view)
            view = view[written:]

    def committed(self) -> int:
        try:
            return int(self.offset_path.read_text() or 0)
        except FileNotFoundError:
            return 0

    def commit(self, offset: int) -> None:
        tmp = self.offset_path.with_suffix(".tmp")
        tmp.write_text(str(offset))
        os.replace(tmp, self.offset_path)

    def size(self) -> int:
        return os.fstat(self.fd).st_size

    def read_from(self, offset: int, max_bytes: int) -> tuple[list[bytes], int]:
        """Complete lines from ``offset`` (at most about max_bytes); returns them and the end."""
        data = os.pread(self.fd, max_bytes, offset)
        end = data.rfind(b"\n")
        if end < 0:
            if len(data) == max_bytes:  # one line longer than a read: take it whole
                return self.read_from(offset, max_bytes * 2)
            return [], offset
        return data[: end + 1].splitlines(), offset + end + 1

    def remove(self) -> None:
        os.close(self.fd)
        for path in (self.path, self.offset_path):
            path.unlink(missing_ok=True)

    def close(self) -> None:
        os.close(self.fd)


class Spool:
    """The spool folder: this process's segment, plus orphans left by dead processes."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        name = f"spool-{os.getpid()}-{time.time_ns()}.jsonl"
        self.segment = SpoolSegment(directory / name, own=True)

    def append(self, kind: str, record: dict[str, Any]) -> None:
        self.segment.append(encode_record(kind, record))

    def orphans(self) -> Iterator[SpoolSegment]:
        for path in sorted(self.directory.glob("spool-*.jsonl")):
            if path == self.segment.path:
                continue
            segment = SpoolSegment.try_adopt(path)
            if segment is not None:
                yield segment
