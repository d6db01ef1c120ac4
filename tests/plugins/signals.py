"""Ctrl-C reaches the processes the tests start, however the suite itself was started.

A shell starts a background job (``make test &``, ``nohup ...``) with SIGINT ignored, and an
ignored signal stays ignored across fork and exec: the demo, the replay and every other child
would then shrug off the SIGINT that their tests send, and hang until a timeout. So when the
run finds SIGINT ignored, it takes Python's own handler back (pytest's Ctrl-C works again)
and its children start with the default disposition.
"""

from __future__ import annotations

import signal

import pytest


def pytest_configure(config: pytest.Config) -> None:
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
