"""The decision threshold and costs live in configuration and the bundle, never as literals."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COSTS = re.compile(r"\b(cost_fn|cost_fp|COST_FN|COST_FP)\s*[:=]\s*\d")
DECISION = re.compile(r"\b(threshold|THRESHOLD|decision_threshold)\s*[:=]\s*\d")
ALLOWED = {ROOT / "lib/creditwatch/config.py", ROOT / "lib/creditwatch/config_groups.py"}


def test_no_threshold_or_cost_literals_outside_config() -> None:
    """No module of the package, app or notebooks assigns a threshold or a cost literal (the
    drift methods' thresholds included: they are settings too)."""
    offenders = []
    for folder in ("lib", "app", "notebooks"):
        for path in (ROOT / folder).rglob("*"):
            if path.suffix not in {".py", ".ipynb"} or path in ALLOWED:
                continue
            for n, line in enumerate(path.read_text(errors="ignore").splitlines(), 1):
                if COSTS.search(line) or DECISION.search(line):
                    offenders.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    assert offenders == []
