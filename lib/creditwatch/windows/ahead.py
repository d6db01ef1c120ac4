"""Windows read ahead: each window's data read in background threads while the caller works
on the one before (drift and performance histories both walk windows this way).

A read waits mostly on the database and on Arrow's parsers, which run outside the GIL, so a
couple of reads in flight keep both cores of a small machine busy.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from creditwatch.windows.window import Window

T = TypeVar("T")
AHEAD = 2  # windows read ahead (each read holds one window's rows in memory)


def read_ahead(windows: Sequence[Window], read: Callable[[Window], T], *,
               ahead: int = AHEAD) -> Iterator[tuple[Window, T]]:
    """(window, read(window)) in order, with up to ``ahead`` later reads in flight."""
    if not windows:
        return
    with ThreadPoolExecutor(max_workers=ahead) as pool:
        pending = deque(pool.submit(read, w) for w in windows[:ahead])
        for i, window in enumerate(windows):
            data = pending.popleft().result()
            if i + ahead < len(windows):
                pending.append(pool.submit(read, windows[i + ahead]))
            yield window, data
