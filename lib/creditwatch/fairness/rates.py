"""Per-group counts and rates, by ``np.bincount`` over integer group codes (vectorised:
one pass per figure, whatever the number of groups).

Decision-based (every application): ``n``, ``approved``, approval rate, mean score (the raw
model probability of default). Outcome-based (applications with an outcome only): defaulters
``pos`` and good clients ``neg``; ``tp`` defaulters refused, ``fp`` good clients refused.
TPR = tp / pos (share of defaulters the model stops; equal opportunity compares it across
groups), FPR = fp / neg (share of good clients refused: the error an applicant feels;
equalized odds compares both). Default rate = pos / labelled.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray


def _div(a: NDArray[np.floating], b: NDArray[np.floating]) -> NDArray[np.float64]:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(b > 0, a / np.where(b > 0, b, 1.0), np.nan)


@dataclass(frozen=True, slots=True)
class GroupCounts:
    """Counts per group (arrays aligned with the group labels)."""

    n: NDArray[np.int64]
    approved: NDArray[np.int64]
    score_sum: NDArray[np.float64]
    labelled: NDArray[np.int64]
    pos: NDArray[np.int64]
    tp: NDArray[np.int64]
    fp: NDArray[np.int64]
    expected_defaults: NDArray[np.float64]  # Σ probability over the labelled rows
    variance: NDArray[np.float64]  # Σ p(1 - p) over the labelled rows

    @property
    def neg(self) -> NDArray[np.int64]:
        return self.labelled - self.pos

    @property
    def fn(self) -> NDArray[np.int64]:
        return self.pos - self.tp

    @property
    def approval_rate(self) -> NDArray[np.float64]:
        return _div(self.approved.astype(float), self.n.astype(float))

    @property
    def mean_score(self) -> NDArray[np.float64]:
        return _div(self.score_sum, self.n.astype(float))

    @property
    def default_rate(self) -> NDArray[np.float64]:
        return _div(self.pos.astype(float), self.labelled.astype(float))

    @property
    def tpr(self) -> NDArray[np.float64]:
        return _div(self.tp.astype(float), self.pos.astype(float))

    @property
    def fpr(self) -> NDArray[np.float64]:
        return _div(self.fp.astype(float), self.neg.astype(float))


def group_counts(codes: NDArray[np.integer], k: int, probability: NDArray[np.floating],
                 refused: NDArray[np.bool_], defaulted: NDArray[np.floating]) -> GroupCounts:
    """Counts of ``k`` groups; ``codes`` in 0..k-1, ``defaulted`` 0/1 or NaN (no outcome)."""
    p = np.asarray(probability, np.float64)
    refused = np.asarray(refused, bool)
    y = np.asarray(defaulted, np.float64)
    known = ~np.isnan(y)
    bad = known & (y == 1)

    def count(mask: NDArray[np.bool_]) -> NDArray[np.int64]:
        return np.bincount(codes[mask], minlength=k).astype(np.int64)

    def total(weights: NDArray[np.float64], mask: NDArray[np.bool_]) -> NDArray[np.float64]:
        return np.bincount(codes[mask], weights=weights[mask], minlength=k).astype(np.float64)

    return GroupCounts(
        n=np.bincount(codes, minlength=k).astype(np.int64), approved=count(~refused),
        score_sum=total(p, np.ones(len(p), bool)), labelled=count(known),
        pos=count(bad), tp=count(bad & refused), fp=count(known & ~bad & refused),
        expected_defaults=total(p, known), variance=total(p * (1.0 - p), known))


def window_group_counts(codes: NDArray[np.integer], k: int, lo: NDArray[np.integer],
                        hi: NDArray[np.integer], probability: NDArray[np.floating],
                        refused: NDArray[np.bool_], defaulted: NDArray[np.floating]
                        ) -> list[GroupCounts]:
    """``group_counts`` of many windows at once: window ``w`` is the rows ``lo[w]:hi[w]`` of
    arrays sorted by time (windows may overlap or leave gaps).

    One pass, whatever the number of windows: the rows are cut into the elementary segments
    between consecutive window edges, each figure is one ``bincount`` of segment × group,
    and a window's counts are a difference of cumulative sums over its segments. Counts are
    exact; float sums (scores, expected defaults) differ from a direct sum by rounding only
    (the tests hold them to ``group_counts`` of each slice within 1e-9)."""
    p = np.asarray(probability, np.float64)
    y = np.asarray(defaulted, np.float64)
    refused = np.asarray(refused, bool)
    edges = np.unique(np.concatenate([[0, len(p)], lo, hi]))
    segment = np.repeat(np.arange(len(edges) - 1), np.diff(edges))
    cell = segment * k + np.asarray(codes, np.int64)
    size = len(edges) * k
    known = ~np.isnan(y)
    bad = known & (y == 1)

    def cumulative(weights: NDArray[Any] | None, integer: bool) -> NDArray[Any]:
        sums = np.bincount(cell, weights=weights, minlength=size).reshape(len(edges), k)
        dtype = np.int64 if integer else np.float64
        return np.vstack([np.zeros((1, k), dtype), np.cumsum(sums.astype(dtype), axis=0)])

    figures: dict[str, NDArray[Any]] = {
        "n": cumulative(None, True), "approved": cumulative(~refused, True),
        "score_sum": cumulative(p, False), "labelled": cumulative(known, True),
        "pos": cumulative(bad, True), "tp": cumulative(bad & refused, True),
        "fp": cumulative(known & ~bad & refused, True),
        "expected_defaults": cumulative(np.where(known, p, 0.0), False),
        "variance": cumulative(np.where(known, p * (1.0 - p), 0.0), False),
    }
    first = np.searchsorted(edges, lo)
    last = np.searchsorted(edges, hi)
    return [GroupCounts(**{name: c[b] - c[a] for name, c in figures.items()})
            for a, b in zip(first, last, strict=True)]
