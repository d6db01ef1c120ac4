"""The suite's children can be stopped with Ctrl-C even when the suite runs as a background
job (see tests/plugins/signals.py)."""

from __future__ import annotations

import subprocess
import sys


def test_a_child_process_starts_with_sigint_not_ignored() -> None:
    """A Python child of the test run has Python's own SIGINT handler, so the SIGINT that
    the demo and replay tests send stops it."""
    code = "import signal; print(signal.getsignal(signal.SIGINT) is signal.default_int_handler)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=60).stdout.strip()
    assert out == "True"
