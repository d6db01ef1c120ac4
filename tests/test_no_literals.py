"""The decision threshold and costs live in configuration and the bundle, never as literals."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PATTERNS = [
    re.compile(r"\b(threshold|cost_fn|cost_fp|COST_FN|COST_FP|THRESHOLD)\s*[:=]\s*\d"),
    re.compile(r"\bcost_(fn|fp)=\d"),
]
ALLOWED = {ROOT / "lib/creditwatch/config.py"}


def test_no_threshold_or_cost_literals_outside_config() -> None:
    """No module of the package, app or notebooks assigns a threshold or a cost literal."""
    offenders = []
    for folder in ("lib", "app", "notebooks"):
        for path in (ROOT / folder).rglob("*"):
            if path.suffix not in {".py", ".ipynb"} or path in ALLOWED:
                continue
            for n, line in enumerate(path.read_text(errors="ignore").splitlines(), 1):
                if any(p.search(line) for p in PATTERNS):
                    offenders.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    assert offenders == []
