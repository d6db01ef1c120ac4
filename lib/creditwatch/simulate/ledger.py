"""Where a file replay keeps its progress, so ``--resume`` continues without duplicates.

A replay of ``application_test.csv`` writes ``<data>/replay/<key>.jsonl``, ``key`` being the
first 12 hex digits of the SHA-256 of the file's bytes (the same file anywhere has the same
key; a changed file is a new replay). Its first line holds the run's plan (order, seed, batch
size, endpoint, batch interval and the moment the stamped windows end), so a resumed run
sends the rest exactly as the first run would have, into the same windows. Each later line
records requests the API answered: the file rows, their request ids and status (accepted or
refused), and for accepted rows their application time; then the outcomes the API took.

The request ids come from the file's key and the row (``/predict``) or the batch position
(``/predict-batch``, whose rows are stored as ``<id>-<r>``), and the store is idempotent on
them: a row whose answer was lost (Ctrl-C between the answer and its ledger line) is sent
again on resume and stored once.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from creditwatch.errors import CreditwatchError

PLAN_KEYS = ("order", "seed", "batch_size", "endpoint", "interval_s", "realtime", "rows")


class ResumeError(CreditwatchError):
    """A ``--resume`` that cannot continue the earlier replay."""


def file_key(path: Path, block: int = 1 << 20) -> str:
    """The first 12 hex digits of the SHA-256 of the file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(block):
            digest.update(chunk)
    return digest.hexdigest()[:12]


@dataclass
class Ledger:
    """The replay's plan and what was answered so far (see the module docstring)."""

    path: Path
    plan: dict[str, Any]
    done: set[int] = field(default_factory=set)  # file rows answered (accepted or refused)
    accepted: dict[int, tuple[str, datetime]] = field(default_factory=dict)  # row: (id, time)
    outcomes: set[str] = field(default_factory=set)  # request ids whose outcome was taken
    keep_accepted: bool = True  # False: ``accepted`` stays empty (no outcomes to send)
    _fh: IO[str] | None = None

    @classmethod
    def open(cls, folder: Path, key: str, plan: dict[str, Any], *, resume: bool,
             keep_accepted: bool = True) -> Ledger:
        """A new ledger (an earlier one is replaced), or with ``resume`` the earlier one,
        which must exist and have the same plan (its end moment is kept).
        ``keep_accepted=False`` keeps only which rows were answered in memory, not each
        accepted row's id and time (what sending outcomes needs; ~400 bytes a row)."""
        path = folder / f"{key}.jsonl"
        if not resume:
            folder.mkdir(parents=True, exist_ok=True)
            ledger = cls(path, plan, keep_accepted=keep_accepted)
            ledger._fh = path.open("w", encoding="utf-8")
            ledger._write({"plan": plan})
            return ledger
        if not path.is_file():
            raise ResumeError(f"nothing to resume: no earlier replay of this file ({path})")
        ledger = cls._read(path, keep_accepted)
        changed = [k for k in PLAN_KEYS if ledger.plan.get(k) != plan.get(k)]
        if changed:
            was = ", ".join(f"{k} {ledger.plan.get(k)!r}" for k in changed)
            raise ResumeError(f"--resume needs the options of the earlier replay ({was})")
        ledger._fh = path.open("a", encoding="utf-8")
        return ledger

    @classmethod
    def _read(cls, path: Path, keep_accepted: bool) -> Ledger:
        try:
            with path.open(encoding="utf-8") as lines:  # line by line: it can be large
                ledger = cls(path, json.loads(next(lines))["plan"], keep_accepted=keep_accepted)
                for line in lines:
                    try:
                        entry = json.loads(line)
                    except ValueError:  # a line cut short by a kill: its rows are sent again
                        continue
                    ledger._apply(entry)
        except (StopIteration, KeyError, TypeError, ValueError) as exc:
            raise ResumeError(f"{path}: not a replay ledger ({exc})") from None
        return ledger

    def _apply(self, entry: dict[str, Any]) -> None:
        if "outcomes" in entry:
            self.outcomes.update(entry["outcomes"])
            return
        rows = entry["rows"]
        self.done.update(rows)
        if entry["status"] == "accepted" and self.keep_accepted:
            for row, rid, at in zip(rows, entry["ids"], entry["at"], strict=True):
                self.accepted[row] = (rid, datetime.fromisoformat(at))

    def _write(self, entry: dict[str, Any]) -> None:
        assert self._fh is not None
        self._fh.write(json.dumps(entry, separators=(",", ":")) + "\n")
        self._fh.flush()

    def accepted_rows(self, rows: list[int], ids: list[str], times: list[datetime]) -> None:
        """Record rows the API scored: stored under ``ids``, applied at ``times``."""
        entry = {"rows": rows, "ids": ids, "status": "accepted",
                 "at": [t.isoformat() for t in times]}
        self._write(entry)
        self._apply(entry)

    def refused_rows(self, rows: list[int], fields: list[list[str]]) -> None:
        """Record rows the API refused (4xx), with the fields it named for each."""
        entry = {"rows": rows, "status": "refused", "fields": fields}
        self._write(entry)
        self._apply(entry)

    def outcomes_taken(self, ids: list[str]) -> None:
        self._write({"outcomes": ids})
        self.outcomes.update(ids)

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None
