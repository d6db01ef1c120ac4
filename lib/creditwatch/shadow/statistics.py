"""The figures comparing two models' scores of the same applications (pure numpy).

Decisions follow each model's own threshold (refused when ``p >= threshold``, as the
scorer decides). Correlations are NaN with fewer than two pairs or a constant side;
Spearman's is Pearson's of the average ranks (ties share their mean rank).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

from creditwatch.fairness.groups import ProtectedAttribute


@dataclass(frozen=True, slots=True)
class Agreement:
    n: int
    agreement: float  # share of the same decision
    approve_to_refuse: int  # the champion approved, the challenger would refuse
    refuse_to_approve: int
    approval_champion: float
    approval_challenger: float
    pearson: float
    spearman: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def pearson(x: np.ndarray, y: np.ndarray) -> float:
    """Pearson's correlation; NaN when undefined."""
    if len(x) < 2:
        return float("nan")
    dx, dy = x - x.mean(), y - y.mean()
    denominator = float(np.sqrt((dx @ dx) * (dy @ dy)))
    return float(dx @ dy) / denominator if denominator > 0 else float("nan")


def spearman(x: np.ndarray, y: np.ndarray) -> float:
    """Spearman's rank correlation (average ranks for ties); NaN when undefined."""
    rank = pd.Series(x).rank(method="average").to_numpy(np.float64)
    return pearson(rank, pd.Series(y).rank(method="average").to_numpy(np.float64))


def agreement(p_a: np.ndarray, t_a: np.ndarray, p_b: np.ndarray, t_b: np.ndarray) -> Agreement:
    """How model b's decisions and scores compare with model a's (a: the champion)."""
    refused_a, refused_b = p_a >= t_a, p_b >= t_b
    n = len(p_a)
    share = (lambda k: float(k) / n) if n else (lambda k: float("nan"))
    return Agreement(
        n=n, agreement=share(np.sum(refused_a == refused_b)),
        approve_to_refuse=int(np.sum(~refused_a & refused_b)),
        refuse_to_approve=int(np.sum(refused_a & ~refused_b)),
        approval_champion=share(np.sum(~refused_a)), approval_challenger=share(np.sum(~refused_b)),
        pearson=pearson(p_a, p_b), spearman=spearman(p_a, p_b))


def approval_by_group(attribute: ProtectedAttribute, values: np.ndarray, refused_a: np.ndarray,
                      refused_b: np.ndarray) -> list[dict[str, Any]]:
    """Per group of ``attribute`` (``values``: its raw field): size, both approval rates
    and the change (challenger minus champion), groups sorted by label."""
    groups = attribute.groups(values)
    out = []
    for label in sorted(set(groups.tolist())):
        mask = groups == label
        n = int(mask.sum())
        a, b = float(np.mean(~refused_a[mask])), float(np.mean(~refused_b[mask]))
        out.append({"attribute": attribute.name, "group": str(label), "n": n,
                    "approval_champion": a, "approval_challenger": b, "change": b - a})
    return out
