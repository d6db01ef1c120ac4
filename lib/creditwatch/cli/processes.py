"""Long-running creditwatch processes (API, dashboard) started and stopped from Python.

Used by the demo, the notebooks' and benchmarks' helpers: start a command, wait until its
health URL answers, stop it with SIGTERM (graceful: the API flushes its spool) and SIGKILL
when it does not end in time. Nothing is left running when the context exits.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path
from types import TracebackType

import httpx

from creditwatch.errors import CreditwatchError


class ServiceError(CreditwatchError):
    """A service did not start or answer."""


def free_port(preferred: int | None = None) -> int:
    """``preferred`` when nothing listens there, else any free local port."""
    if preferred is not None:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", preferred)) != 0:
                return preferred
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def clean_environment(**extra: str) -> dict[str, str]:
    """This process's environment without creditwatch settings, plus ``extra``: a child
    configured only by what is passed here (tests, demo services)."""
    base = {k: v for k, v in os.environ.items()
            if not k.startswith("CREDITWATCH_") and k != "DATABASE_URL"}
    return {**base, "PYTHONUNBUFFERED": "1", **extra}


class Service:
    """One subprocess (in its own process group) with a health URL; restartable."""

    def __init__(self, name: str, cmd: list[str], health_url: str, *, env: dict[str, str],
                 cwd: Path, log_path: Path) -> None:
        """``env`` is the child's whole environment (see ``clean_environment``)."""
        self.name, self.cmd, self.health_url = name, cmd, health_url
        self.env, self.cwd, self.log_path = env, cwd, log_path
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def start(self, timeout: float = 120.0) -> Service:
        assert not self.running, f"{self.name} is already running"
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(self.cmd, cwd=self.cwd, env=self.env, stdout=log,
                                         stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise ServiceError(f"{self.name} exited with code {self.proc.returncode}:\n"
                                   f"{self.log_tail()}")
            try:
                if httpx.get(self.health_url, timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.kill()
        raise ServiceError(f"{self.name} did not answer {self.health_url} in {timeout:.0f} s:\n"
                           f"{self.log_tail()}")

    def stop(self, timeout: float = 30.0) -> bool:
        """SIGTERM to the process group (graceful: the API flushes its spool), SIGKILL when it
        does not end in time. True when it ended by itself (a server that re-raises SIGTERM
        once shut down counts as graceful)."""
        proc = self.proc
        if proc is None or proc.poll() is not None:
            return True
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            return proc.wait(timeout) in (0, -signal.SIGTERM)
        except subprocess.TimeoutExpired:
            self.kill()
            return False

    def kill(self) -> None:
        """SIGKILL the whole group at once, whatever it was doing."""
        proc = self.proc
        if proc is not None and proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)

    def wait(self) -> int:
        assert self.proc is not None
        return self.proc.wait()

    def log_tail(self, n: int = 40) -> str:
        if not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n:])

    def __enter__(self) -> Service:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()
