"""Which of a window's predictions lie outside the reference's coverage, read once per monitor.

The coverage check needs each prediction's inputs (the fields ``CoverageReference`` reads),
and those live in the store only: a history over a million predictions reads them all from
PostgreSQL, every time it runs. A stored prediction's inputs do not change, so neither does
its "outside" flag: ``OutsideCache`` keeps the flags of each window it has read (by the
window's bounds) and, when the window is read again, reads from the store the inputs of the
predictions it has not seen only (new ones: usually none). A warm history then reads no
inputs at all. Bounded: the least recently used windows go beyond ``max_rows`` flags.

Staleness: the retention purge replaces old inputs by ``{}``; a flag cached before the purge
keeps the verdict of the inputs as they were when the prediction was evaluated first.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from creditwatch.performance.coverage import CoverageReference
from creditwatch.windows import Window

# reads the inputs of the coverage fields of ``ids`` (None: the whole window), by id
InputReader = Callable[[Window, Sequence[int] | None], pd.DataFrame]


class OutsideCache:
    """Outside-coverage flags by prediction id, kept per window."""

    def __init__(self, coverage: CoverageReference, read_inputs: InputReader, *,
                 max_rows: int = 5_000_000) -> None:
        self.coverage, self.read_inputs, self.max_rows = coverage, read_inputs, max_rows
        self._windows: OrderedDict[tuple[object, object], tuple[NDArray[np.int64],
                                                                NDArray[np.bool_]]] = OrderedDict()
        self._lock = threading.Lock()  # the monitor reads windows in background threads
        self.rows_read = 0  # inputs read from the store so far (what the cache saves)

    def outside(self, window: Window, ids: NDArray[np.int64]) -> NDArray[np.bool_]:
        """The flags of predictions ``ids`` (the window's, in any order)."""
        key = window.bounds
        with self._lock:
            cached = self._windows.get(key)
            if cached is not None:
                self._windows.move_to_end(key)
        known_ids, known = cached if cached is not None else (np.empty(0, np.int64),
                                                              np.empty(0, bool))
        pos = np.searchsorted(known_ids, ids)
        pos_ok = np.minimum(pos, max(len(known_ids) - 1, 0))
        hit = (pos < len(known_ids)) & (known_ids[pos_ok] == ids) if len(known_ids) else \
            np.zeros(len(ids), bool)
        flags = np.zeros(len(ids), bool)
        flags[hit] = known[pos[hit]]
        missing = ids[~hit]
        if len(missing):
            whole = not len(known_ids)
            inputs = self.read_inputs(window, None if whole else missing.tolist())
            flags[~hit] = self.coverage.outside(inputs.reindex(missing))
            order = np.argsort(ids, kind="stable")
            self._keep(key, ids[order], flags[order], len(inputs))
        return flags

    def _keep(self, key: tuple[object, object], ids: NDArray[np.int64],
              flags: NDArray[np.bool_], read: int) -> None:
        with self._lock:
            self.rows_read += read
            self._windows[key] = (ids, flags)
            self._windows.move_to_end(key)
            total = sum(len(i) for i, _ in self._windows.values())
            while total > self.max_rows and len(self._windows) > 1:
                _, (old, _) = self._windows.popitem(last=False)
                total -= len(old)
