"""Outcomes the simulator sends back: drawn from each application's TRUE_PD, after a delay.

Each accepted application is labelled with probability ``share`` (a seeded draw per batch).
Its outcome is the generator's ``TARGET``: a Bernoulli draw from ``TRUE_PD`` with the
generator's seeded stream, so a ``concept`` drift shows in the outcomes as it does in
``TRUE_PD``. It is observed ``delay`` after its application time (``observed_at``) and sent
through ``POST /outcomes``, keyed by the prediction's request id, once the simulated clock
has reached ``observed_at``:

* stamped batches (a batch interval, not real time): the clock is the end of the batch's
  window, or the run's end (now) if sooner: the last window is the aligned one holding it,
  so its later applications are stamped after it. After each batch, every pending outcome
  then due is sent;
* otherwise the clock is the wall clock, and the application time is when the API answered.

Outcomes still in the future of the clock when the run ends are not sent (``not_due``).
Requests carry at most ``max_items`` outcomes (the API's ``api.outcomes_max_items``).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np

from creditwatch.errors import CreditwatchError
from creditwatch.windows import parse_duration

SOURCE = "simulator"
_LABEL_STREAM = 0x1A8E1  # the labelled-share draw's own stream, apart from the generator's


class OutcomeOptionError(CreditwatchError):
    """A labelled share or delay the simulator cannot use."""


@dataclass(frozen=True, slots=True)
class OutcomeOptions:
    """Which accepted applications get an outcome back (``share``), and when (``delay``)."""

    share: float = 0.0
    delay: timedelta = timedelta(0)
    max_items: int = 10_000

    def __post_init__(self) -> None:
        if not isinstance(self.share, int | float) or not 0.0 <= self.share <= 1.0:
            raise OutcomeOptionError(f"the labelled share must be in [0, 1]; got {self.share!r}")
        if self.delay < timedelta(0):
            raise OutcomeOptionError(f"the outcome delay must not be negative; got {self.delay}")
        if self.max_items < 1:
            raise OutcomeOptionError("at least one outcome per request")

    @classmethod
    def parse(cls, share: float, delay: str | None, max_items: int = 10_000) -> OutcomeOptions:
        """Options from the command line: ``delay`` in the windows' duration grammar (``3d``,
        ``12h``), or ``0`` / None for outcomes known at application time."""
        try:
            span = timedelta(0) if delay in (None, "0") else parse_duration(str(delay))
        except CreditwatchError as exc:
            raise OutcomeOptionError(f"--outcomes-delay: {exc}") from None
        return cls(float(share), span, max_items)

    @property
    def enabled(self) -> bool:
        return self.share > 0

    def labelled(self, seed: int, batch_index: int, n: int) -> np.ndarray:
        """Which of a batch's ``n`` applications get an outcome (seeded by run and batch)."""
        rng = np.random.default_rng([seed, batch_index, _LABEL_STREAM])
        return rng.random(n) < self.share


@dataclass(order=True, frozen=True, slots=True)
class PendingOutcome:
    observed_at: datetime
    request_id: str
    defaulted: int

    def item(self) -> dict[str, object]:
        return {"request_id": self.request_id, "defaulted": self.defaulted,
                "observed_at": self.observed_at.isoformat()}


@dataclass
class OutcomeQueue:
    """Outcomes waiting for the simulated clock to reach their observation time."""

    delay: timedelta
    _heap: list[PendingOutcome] = field(default_factory=list)

    def add(self, request_id: str, defaulted: int, application_time: datetime) -> None:
        heapq.heappush(self._heap, PendingOutcome(application_time + self.delay, request_id,
                                                  int(defaulted)))

    def due(self, clock: datetime) -> list[PendingOutcome]:
        """The pending outcomes observed at or before ``clock``, oldest first (removed)."""
        out: list[PendingOutcome] = []
        while self._heap and self._heap[0].observed_at <= clock:
            out.append(heapq.heappop(self._heap))
        return out

    def __len__(self) -> int:
        return len(self._heap)


def chunks(items: list[PendingOutcome], size: int) -> Iterable[list[PendingOutcome]]:
    for first in range(0, len(items), size):
        yield items[first:first + size]
