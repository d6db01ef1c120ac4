"""The real ``creditwatch`` command in a subprocess, rooted in a test's project folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def run_cli(args: list[str], root: Path, url: str | None, *,
            timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """Run ``creditwatch ARGS`` with ``CREDITWATCH_ROOT=root`` on the store ``url`` (None:
    the embedded store under ``root``, whatever DATABASE_URL the test process has)."""
    env = {**os.environ, "CREDITWATCH_ROOT": str(root)}
    env.pop("DATABASE_URL", None)
    if url is not None:
        env["DATABASE_URL"] = url
    return subprocess.run([sys.executable, "-m", "creditwatch.cli.main", *args], env=env,
                          capture_output=True, text=True, timeout=timeout, cwd=root)
