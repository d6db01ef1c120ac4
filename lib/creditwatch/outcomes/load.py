"""Write a file's outcomes to the store in batches (each batch one transaction)."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from creditwatch.outcomes.files import OutcomeFile
from creditwatch.store import Store
from creditwatch.store.outcomes import INVALID

BATCH = 10_000


@dataclass
class LoadSummary:
    """How many rows got each status (``invalid``: refused before the store), and how fast."""

    rows: int
    counts: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0

    @property
    def rate(self) -> float:
        """Rows per second, reading and checking the file excluded."""
        return self.rows / self.seconds if self.seconds > 0 else float("inf")


def load_outcomes(store: Store, outcomes: OutcomeFile, *, batch: int = BATCH,
                  progress: Callable[[int], None] | None = None) -> LoadSummary:
    """Store ``outcomes.records``; ``progress(n)`` after each batch with the rows done."""
    summary = LoadSummary(outcomes.rows)
    summary.counts[INVALID] = len(outcomes.invalid)
    start = time.perf_counter()
    records = outcomes.records
    for first in range(0, len(records), batch):
        written = store.write_outcomes(records[first:first + batch])
        summary.counts.update(written.outcome_statuses.values())
        if progress is not None:
            progress(min(first + batch, len(records)) + len(outcomes.invalid))
    summary.seconds = time.perf_counter() - start
    if not summary.counts[INVALID]:
        del summary.counts[INVALID]
    return summary
