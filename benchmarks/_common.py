"""Shared benchmark helpers: timing with medians, and RESULTS.md sections."""

from __future__ import annotations

import platform
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # the benchmarks share the test suite's data helpers (tests.support)
    sys.path.insert(0, str(ROOT))
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
HEADER = """# Benchmark results

Each section is written by the benchmark named in it, with the command that produced it.
Numbers are medians of several runs on this project's 2-core machine; ratios compare
contenders measured in the same run on the same data.
"""


def median_time(func: Callable[[], object], *, repeat: int = 5, number: int = 1,
                warmup: int = 1) -> float:
    """Median seconds per call over ``repeat`` runs of ``number`` calls each."""
    for _ in range(warmup):
        func()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            func()
        samples.append((time.perf_counter() - start) / number)
    return statistics.median(samples)


def interleaved_times(funcs: dict[str, Callable[[], object]], *, repeat: int = 7,
                      number: int = 1, warmup: int = 1) -> dict[str, float]:
    """Median seconds per call of each contender, their runs interleaved (A B C A B C ...)
    so that a burst of load from elsewhere on a shared machine hits every contender alike."""
    for func in funcs.values():
        for _ in range(warmup):
            func()
    samples: dict[str, list[float]] = {name: [] for name in funcs}
    for _ in range(repeat):
        for name, func in funcs.items():
            start = time.perf_counter()
            for _ in range(number):
                func()
            samples[name].append((time.perf_counter() - start) / number)
    return {name: statistics.median(values) for name, values in samples.items()}


def load_note() -> str:
    """The load average at the end of a run, and what it means on this 2-core machine."""
    import os

    load = os.getloadavg()[0]
    busy = " (above ~1, other processes competed with the benchmark)" if load > 1.0 else ""
    return f"Load average at the end: {load:.1f} on {os.cpu_count()} cores{busy}."


def machine() -> str:
    import os

    return (f"{platform.machine()}, {os.cpu_count()} cores, Python {sys.version.split()[0]}, "
            f"{datetime.now(UTC):%Y-%m-%d}")


def write_section(name: str, command: str, body: str) -> None:
    """Replace this benchmark's section of RESULTS.md (between its markers) or append it."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    section = f"{start}\n## {name}\n\nCommand: `{command}`  \nMachine: {machine()}\n\n{body.strip()}\n{end}"
    text = RESULTS.read_text() if RESULTS.exists() else HEADER
    if start in text and end in text:
        before, rest = text.split(start, 1)
        _, after = rest.split(end, 1)
        text = before + section + after
    else:
        text = text.rstrip() + "\n\n" + section + "\n"
    RESULTS.write_text(text)
