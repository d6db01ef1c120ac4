"""The API's background monitor thread: process gauges every second, and the monitoring
gauges read from the store every ``api.monitor_refresh_s``, never on the request path.

In multiprocess mode each worker's thread sets its own process gauges (another worker's
``/metrics`` cannot ask it) and removes the live gauges of workers that were killed; only the
worker holding ``monitor.lock`` in the metrics folder reads the store (the lock passes to
another worker when its holder dies), so N workers cost the store one reader.
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

import structlog

from creditwatch.api import multiproc
from creditwatch.api.metrics import ApiMetrics
from creditwatch.api.monitor_reads import refresh_gauges
from creditwatch.config import Settings
from creditwatch.store import Store

log = structlog.get_logger("creditwatch.api")
SAMPLE_S = 1.0  # how often the process gauges are set (multiprocess mode)


class Monitor:
    def __init__(self, metrics: ApiMetrics, store: Store, settings: Settings,
                 reference_auc: Callable[[], float | None] = lambda: None) -> None:
        self.metrics, self.store, self.settings = metrics, store, settings
        self.reference_auc = reference_auc  # the served model's, read at each refresh
        self.period = settings.api.monitor_refresh_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock_fd: int | None = None
        self.refreshes = 0

    # --- lifecycle
    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="creditwatch-monitor",
                                        daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop the thread; in multiprocess mode, remove this worker's live gauges."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(10)
        directory = self.metrics.multiprocess_dir
        if directory is not None:
            multiproc.mark_dead(os.getpid(), directory)
        if self._lock_fd is not None:
            os.close(self._lock_fd)  # releases the lock
            self._lock_fd = None

    def _run(self) -> None:
        due = 0.0
        while not self._stop.is_set():
            if self.metrics.multiprocess_dir is not None:
                self.metrics.sample()
            if time.monotonic() >= due:
                due = time.monotonic() + self.period
                self.tick()
            self._stop.wait(SAMPLE_S if self.metrics.multiprocess_dir is not None
                            else max(due - time.monotonic(), 0.0))

    def tick(self) -> bool:
        """One refresh: reap dead workers, then read the store if this worker is the reader.
        True when the store was read."""
        directory = self.metrics.multiprocess_dir
        if directory is not None:
            multiproc.reap_dead(directory)
            if not self._lead(directory):
                return False
        refresh_gauges(self.metrics, self.store, self.settings, self.reference_auc())
        self.refreshes += 1
        return True

    def _lead(self, directory: Path) -> bool:
        """True when this worker holds (or now takes) the reader's lock."""
        if self._lock_fd is not None:
            return True
        fd = os.open(directory / "monitor.lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return False
        self._lock_fd = fd
        log.info("monitor_reader", pid=os.getpid())
        return True
