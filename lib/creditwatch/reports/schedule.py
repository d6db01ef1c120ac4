"""A foreground scheduler: run a job now, then every interval, until interrupted.

Slots are counted from the first start, so runs do not drift later by their own duration
(a daily report stays at its hour); a run longer than the interval skips the slots it
overran and the next run starts at the following slot (missed runs are not queued). For
unattended machines, cron or a systemd timer (see docs/operations.md) is sturdier.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta


def run_every(interval: timedelta, job: Callable[[], int], *, runs: int | None = None,
              sleep: Callable[[float], None] = time.sleep,
              clock: Callable[[], float] = time.monotonic,
              on_wait: Callable[[float], None] | None = None) -> int:
    """Call ``job`` every ``interval`` (``runs`` times, or until Ctrl-C); returns the exit
    code of the last completed run (0 when none completed)."""
    step = interval.total_seconds()
    if step <= 0:
        raise ValueError("the interval must be positive")
    first = clock()
    last_code, done = 0, 0
    try:
        while runs is None or done < runs:
            last_code = job()
            done += 1
            if runs is not None and done >= runs:
                break
            elapsed = clock() - first
            wait = step - (elapsed % step) if elapsed % step else 0.0
            if on_wait:
                on_wait(wait)
            sleep(wait)
    except KeyboardInterrupt:
        pass
    return last_code
