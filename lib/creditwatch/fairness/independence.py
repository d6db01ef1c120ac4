"""Is the decision (or an error) independent of the group? One test for a groups × 2 table.

Pearson's chi-square test of independence (no continuity correction) on the table of
counts; rows (groups) with no application are dropped, and a table with fewer than two
non-empty rows or an empty column has nothing to test (p-value NaN). When the table is 2 × 2
and an expected count is below 5, the chi-square approximation is poor and Fisher's exact
test (two-sided) is used instead. The same test serves the approval decision (group ×
approved) and the error rates: group × refused among the defaulters (a TPR gap, equal
opportunity) and among the good clients (an FPR gap; both: equalized odds).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.special import chdtrc
from scipy.stats import fisher_exact

MIN_EXPECTED = 5.0


@dataclass(frozen=True, slots=True)
class TestResult:
    method: str  # chi-square | fisher | none
    statistic: float
    dof: int
    p_value: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


NO_TEST = TestResult("none", float("nan"), 0, float("nan"))


def independence_test(yes: NDArray[np.integer], no: NDArray[np.integer]) -> TestResult:
    """Test of independence of a groups × (yes, no) table of counts."""
    table = np.column_stack([np.asarray(yes, np.float64), np.asarray(no, np.float64)])
    table = table[table.sum(axis=1) > 0]
    if table.shape[0] < 2 or (table.sum(axis=0) == 0).any():
        return NO_TEST
    expected = table.sum(axis=1, keepdims=True) * table.sum(axis=0, keepdims=True) / table.sum()
    if table.shape[0] == 2 and expected.min() < MIN_EXPECTED:
        odds, p = fisher_exact(table.astype(np.int64))
        return TestResult("fisher", float(odds), 1, float(p))
    statistic = float(((table - expected) ** 2 / expected).sum())
    dof = table.shape[0] - 1
    # chdtrc is chi2.sf without the distribution object's overhead (it dominated a window)
    return TestResult("chi-square", statistic, dof, float(chdtrc(dof, statistic)))
