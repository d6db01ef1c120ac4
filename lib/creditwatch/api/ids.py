"""Unique ids for requests and log events, cheaper than ``uuid4`` on the hot path.

A random per-process prefix (80 bits from ``os.urandom``, redrawn in a forked child) plus a
counter: 32 hex characters like a uuid4 hex, unique across processes and restarts without
a system call per id. They are identifiers, not secrets.
"""

from __future__ import annotations

import itertools
import os


class _Ids:
    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self._prefix = os.urandom(10).hex()
        self._count = itertools.count()

    def __call__(self) -> str:
        return f"{self._prefix}{next(self._count):012x}"


new_id = _Ids()
os.register_at_fork(after_in_child=new_id.reset)
