"""The local append-only spool: every record reaches it before the API answers.

Each process appends JSON lines to its own *segment* file (``spool-<pid>-<time>.jsonl``) with
one ``os.write`` per request (all of a batch's records at once): once that call returns, the
bytes belong to the kernel and survive the process being killed (SIGKILL), so an answered
prediction can always be shipped. Beside each segment, ``<segment>.offset`` holds how many
bytes are already in the store, rewritten in place (fixed width, one small ``pwrite``) after
each committed batch. The
owner holds an exclusive ``flock`` on its segment, so after a crash another process (the
restarted API) knows the segment is orphaned and replays it from the offset. Replaying is safe
because the store's inserts are idempotent on request id: a batch committed just before the
offset was saved is skipped, not duplicated.

Lines that cannot be shipped (a line cut short by a process killed mid-write, a record the
store refuses) are moved to ``rejected-*.jsonl`` beside the segments, never silently dropped
and never allowed to block the records behind them.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson

_TIME_KEYS = ("received_at", "application_time", "occurred_at", "ts", "observed_at", "scored_at")


def encode_record(kind: str, record: Mapping[str, Any]) -> bytes:
    return orjson.dumps({"k": kind, "r": record}, option=orjson.OPT_SERIALIZE_NUMPY) + b"\n"


def decode_record(line: bytes) -> tuple[str, dict[str, Any]]:
    """``(kind, record)`` of a spool line; ValueError/KeyError/TypeError when it is corrupt."""
    item = orjson.loads(line)
    kind, record = item["k"], item["r"]
    if not isinstance(kind, str) or not isinstance(record, dict):
        raise ValueError("not a spool record")
    for key in _TIME_KEYS:
        value = record.get(key)
        if isinstance(value, str):
            record[key] = datetime.fromisoformat(value)
    return kind, record


class SpoolSegment:
    """One append-only file with its committed offset."""

    def __init__(self, path: Path, *, own: bool) -> None:
        self.path = path
        self.offset_path = path.with_suffix(path.suffix + ".offset")
        # An orphan is opened without O_CREAT: one replayed and removed meanwhile by another
        # worker must not come back as an empty file.
        flags = os.O_RDWR | (os.O_CREAT | os.O_APPEND if own else 0)
        self.fd = os.open(path, flags, 0o644)
        self.own = own
        self._offset_fd: int | None = None
        if own:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)

    @classmethod
    def try_adopt(cls, path: Path) -> SpoolSegment | None:
        """Open an orphaned segment for replay; None when its owner is still alive (or it is
        gone: another process replayed it)."""
        try:
            segment = cls(path, own=False)
        except FileNotFoundError:
            return None
        try:
            fcntl.flock(segment.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(segment.fd)
            return None
        return segment

    def append(self, data: bytes) -> None:
        view = memoryview(data)
        try:
            while view:  # os.write may write less than asked on a full disk or a signal
                written = os.write(self.fd, view)
                view = view[written:]
        except OSError:
            if len(view) < len(data):  # end the cut line so the next record starts clean
                with contextlib.suppress(OSError):
                    os.write(self.fd, b"\n")
            raise

    def committed(self) -> int:
        try:
            return int(self.offset_path.read_text().strip() or 0)
        except (FileNotFoundError, ValueError):
            return 0

    def commit(self, offset: int) -> None:
        """Record that the first ``offset`` bytes are stored: one fixed-width ``pwrite`` in
        place (a rename per batch made ext4 flush the new file, milliseconds each time)."""
        if self._offset_fd is None:
            self._offset_fd = os.open(self.offset_path, os.O_RDWR | os.O_CREAT, 0o644)
        os.pwrite(self._offset_fd, b"%020d\n" % offset, 0)

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

    def tail(self, offset: int) -> bytes:
        """The bytes after ``offset`` (an orphan's unterminated last line)."""
        return os.pread(self.fd, max(self.size() - offset, 0), offset)

    def remove(self) -> None:
        self.close()
        for path in (self.path, self.offset_path):
            path.unlink(missing_ok=True)

    def close(self) -> None:
        if self._offset_fd is not None:
            os.close(self._offset_fd)
            self._offset_fd = None
        os.close(self.fd)


class Spool:
    """The spool folder: this process's segment, plus orphans left by dead processes."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        self.name = f"{os.getpid()}-{time.time_ns()}"
        self.segment = SpoolSegment(directory / f"spool-{self.name}.jsonl", own=True)
        self._count_lock = threading.Lock()
        self.appended = 0  # records this process appended (the writer counts what it shipped)
        self.rejected = 0

    def append(self, kind: str, record: dict[str, Any]) -> None:
        self.segment.append(encode_record(kind, record))
        with self._count_lock:
            self.appended += 1

    def append_many(self, kind: str, records: Iterable[Mapping[str, Any]]) -> int:
        """Append records with one write (a batch request reaches the disk all at once)."""
        lines = [encode_record(kind, r) for r in records]
        self.segment.append(b"".join(lines))
        with self._count_lock:
            self.appended += len(lines)
        return len(lines)

    def reject(self, lines: Iterable[bytes], reason: str) -> int:
        """Keep lines that cannot be shipped in ``rejected-*.jsonl``, each with the reason."""
        out = [orjson.dumps({"reason": reason, "line": line.decode("utf-8", "replace")}) + b"\n"
               for line in lines]
        if out:
            with open(self.directory / f"rejected-{self.name}.jsonl", "ab") as fh:
                fh.write(b"".join(out))
            with self._count_lock:
                self.rejected += len(out)
        return len(out)

    def orphans(self) -> Iterator[SpoolSegment]:
        """Segments no live process owns, oldest first (by creation time, not by pid)."""
        for path in sorted(self.directory.glob("spool-*.jsonl"), key=_created):
            if path == self.segment.path:
                continue
            segment = SpoolSegment.try_adopt(path)
            if segment is not None:
                yield segment


def _created(path: Path) -> tuple[int, str]:
    """``spool-<pid>-<time_ns>.jsonl`` → its creation time (unknown names sort first)."""
    stem = path.stem.rsplit("-", 1)[-1]
    return (int(stem) if stem.isdigit() else 0, path.name)
