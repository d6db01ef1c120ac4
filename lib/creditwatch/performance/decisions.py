"""Realized decisions of a window: confusion matrix and cost at the bundle's threshold, and
the threshold that would have been cheapest in hindsight.

An application is refused when its raw model probability is >= the threshold (as the scorer
decides). Costs are the bundle's ``cost_fn`` (a missed defaulter) and ``cost_fp`` (a good
client refused), through the training's own functions (``model.threshold.cost_at`` and
``optimal_threshold``). The hindsight optimum uses the window's outcomes, so it is a lower
bound no threshold chosen in advance can promise; the gap to it is what a retuned threshold
could at most have saved on this window.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from creditwatch.model.threshold import cost_at, optimal_threshold


@dataclass(frozen=True, slots=True)
class Decisions:
    threshold: float
    tp: int  # defaulters refused
    fp: int  # good clients refused
    fn: int  # defaulters approved
    tn: int  # good clients approved
    cost: float
    cost_per_application: float
    optimal_threshold: float
    optimal_cost: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def realized_decisions(y: NDArray[np.integer], p: NDArray[np.floating], threshold: float,
                       cost_fn: float, cost_fp: float) -> Decisions:
    y = np.asarray(y, dtype=bool)
    p = np.asarray(p, dtype=np.float64)
    refused = p >= threshold
    tp, fp = int(np.sum(y & refused)), int(np.sum(~y & refused))
    fn, tn = int(np.sum(y & ~refused)), int(np.sum(~y & ~refused))
    cost = cost_at(y, p, threshold, cost_fn, cost_fp)
    if len(y):
        best_t, best_cost = optimal_threshold(y, p, cost_fn, cost_fp)
    else:
        best_t, best_cost = float("nan"), float("nan")
    return Decisions(float(threshold), tp, fp, fn, tn, cost, cost / len(y) if len(y) else
                     float("nan"), best_t, best_cost)
