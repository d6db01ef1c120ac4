"""prometheus_client's multiprocess mode: one ``/metrics`` for every worker of a server.

With several uvicorn workers each process counts only the requests it served; a scrape
reaches one worker at random. In multiprocess mode each worker writes its metric values to
memory-mapped files (``counter_<pid>.db``, ``gauge_livesum_<pid>.db``, ...) in one folder
and any worker's ``/metrics`` merges them all (see ``api.metrics``).

prometheus_client picks the mode when it is first imported, from ``PROMETHEUS_MULTIPROC_DIR``:
``creditwatch serve`` prepares the folder (``prepare``) and sets the variable (``enable``)
before any worker starts. A worker that ends has its live gauges removed (``mark_dead``, on a
graceful exit; ``reap_dead`` for a worker that was killed); its counters stay, as counters
must never go down.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
from pathlib import Path

from creditwatch.errors import ConfigurationError

ENV = "PROMETHEUS_MULTIPROC_DIR"
# counter_<pid>.db, histogram_<pid>.db, gauge_<mode>_<pid>.db (prometheus_client's names)
_METRIC_FILE = re.compile(r"^(counter|histogram|summary|gauge_[a-z]+)_(\d+)\.db$")
_LIVE = re.compile(r"^gauge_live[a-z]+_(\d+)\.db$")


def wanted(mode: str, workers: int) -> bool:
    """Whether a server of ``workers`` processes runs in multiprocess mode under the setting
    ``api.metrics_multiprocess`` (``auto``, ``on``, ``off``)."""
    if mode == "off" and workers > 1:
        raise ConfigurationError(
            f"--workers {workers} needs multiprocess metrics: with metrics_multiprocess=off "
            "each /metrics scrape would report one worker's share of the traffic; "
            "unset CREDITWATCH_METRICS_MULTIPROCESS or set it to auto")
    return mode == "on" or (mode == "auto" and workers > 1)


def enabled() -> bool:
    """True when this process's prometheus_client runs in multiprocess mode."""
    from prometheus_client import values

    return values.ValueClass is not values.MutexValue


def prepare(directory: Path) -> Path:
    """Create ``directory`` and delete the metric files an earlier server left there (their
    counts would be added to the new server's). Nothing else in it is touched."""
    directory.mkdir(parents=True, exist_ok=True)
    for path in directory.iterdir():
        if _METRIC_FILE.match(path.name):
            path.unlink(missing_ok=True)
    return directory


def enable(directory: Path) -> None:
    """Switch this process, and the workers it starts, to multiprocess mode in ``directory``.
    Must run before prometheus_client is first imported: it reads the variable then."""
    if "prometheus_client" in sys.modules and not enabled():
        raise ConfigurationError("prometheus_client was imported before multiprocess mode was "
                               "enabled; enable it first")
    os.environ[ENV] = str(directory)


def mark_dead(pid: int, directory: Path) -> None:
    """Remove the live gauges of a worker that ended (its counters stay)."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(pid, str(directory))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True


def reap_dead(directory: Path) -> list[int]:
    """``mark_dead`` every worker whose live gauges are in ``directory`` but which no longer
    runs (killed, so it could not do it itself); the pids reaped."""
    pids: set[int] = set()
    with contextlib.suppress(FileNotFoundError):
        for path in directory.iterdir():
            found = _LIVE.match(path.name)
            if found:
                pids.add(int(found.group(1)))
    dead = sorted(pid for pid in pids if not _alive(pid))
    for pid in dead:
        mark_dead(pid, directory)
    return dead
