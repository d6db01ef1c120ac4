"""A file's rows in a seeded random order, in bounded memory (``simulate --from-file --shuffle``).

The rule: the rows are sent in the order ``numpy.random.default_rng(seed).permutation(rows)``
over the whole file, so any row can come first and the same seed gives the same order (on a
resumed run too). To keep memory bounded whatever the file's size, the order is split into
windows of ``window`` consecutive positions. The file is read once, chunk by chunk (the
chunks' index is the file row, as ``files.iter_application_chunks`` gives them); each chunk's
rows are written to a private temporary folder, one piece per window they fall in; then the
windows are read back one at a time, put in order and yielded.

Memory: one chunk while spilling, then one window of rows (and its pieces). Disk: about one
copy of the file's rows (pickled frames, which keep the chunk's dtypes exactly), removed
when the iteration ends, is closed or fails. Nothing is yielded before the whole file has
been read, so a file that fails to read stops the replay before anything is sent.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np
import pandas as pd


def shuffled_order(rows: int, seed: int) -> np.ndarray:
    """The file rows in the order they are sent (see the module docstring)."""
    return np.random.default_rng(seed).permutation(rows)


def shuffled(chunks: Iterable[pd.DataFrame], order: np.ndarray, window: int
             ) -> Iterator[pd.DataFrame]:
    """The rows of ``chunks`` (indexed by file row) in ``order``, ``window`` rows a frame
    (the last may be shorter), read through a temporary spill (see the module docstring)."""
    if window < 1:
        raise ValueError(f"window must be at least 1; got {window}")
    position = np.empty(len(order), dtype=np.int64)
    position[order] = np.arange(len(order))
    with tempfile.TemporaryDirectory(prefix="creditwatch-shuffle-") as tmp:
        folder = Path(tmp)
        pieces: dict[int, list[Path]] = {}
        for n, chunk in enumerate(chunks):
            slots = position[chunk.index.to_numpy()] // window
            for slot in np.unique(slots):
                path = folder / f"{slot}-{n}.pkl"
                chunk[slots == slot].to_pickle(path)
                pieces.setdefault(int(slot), []).append(path)
        for slot in range(-(-len(order) // window)):
            paths = pieces.pop(slot, [])
            frame = pd.concat([pd.read_pickle(path) for path in paths])  # our own files
            for path in paths:
                path.unlink()
            yield frame.loc[order[slot * window:(slot + 1) * window]]
