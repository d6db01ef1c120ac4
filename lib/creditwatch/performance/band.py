"""An estimated figure with its band: the estimate, the sampling SD of the realized figure at
this window's size, and the range the estimate spans when the probabilities of the rows
outside the reference's coverage are moved (equal to the estimate when all rows are inside).

``calibrated`` is the figure the calibrated probabilities give as they are. ``value``, the
reported estimate, is the centre of the range: with every row inside the coverage the two
are equal; with rows outside, the model's own extrapolation is the thing in doubt, so its
figure is one point of the plausible range rather than a privileged one, and the centre
minimises the largest error over that range.

``interval(level)`` is ``[low_value − z·sd, high_value + z·sd]`` with ``z`` the two-sided
normal quantile of ``level``: a realized figure falls outside it with probability about
``1 − level`` when the calibrated probabilities are right for this window (and the outside
rows are off by no more than assumed). ``below(x)``/``above(x)`` give the one-sided p-values
the concept-drift signal uses.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from scipy.special import ndtr, ndtri


@dataclass(frozen=True, slots=True)
class Band:
    value: float
    sd: float
    low_value: float
    high_value: float
    calibrated: float

    @classmethod
    def of(cls, values: list[float], sds: list[float]) -> Band:
        """``values[0]``/``sds[0]`` from the calibrated probabilities, the others from its
        variants (outside rows moved)."""
        finite = [v for v in values if math.isfinite(v)] or [float("nan")]
        sd = max((s for s in sds if math.isfinite(s)), default=float("nan"))
        low, high = min(finite), max(finite)
        centre = values[0] if len(finite) == 1 else (low + high) / 2
        return cls(centre, sd, low, high, values[0])

    def interval(self, level: float) -> tuple[float, float]:
        z = float(ndtri(0.5 + level / 2.0))
        return self.low_value - z * self.sd, self.high_value + z * self.sd

    def below(self, realized: float) -> float:
        """One-sided p-value of a realized figure this far below the band's lower value."""
        return float(ndtr((realized - self.low_value) / self.sd)) if self.sd > 0 else math.nan

    def above(self, realized: float) -> float:
        """One-sided p-value of a realized figure this far above the band's upper value."""
        return float(ndtr((self.high_value - realized) / self.sd)) if self.sd > 0 else math.nan

    def to_dict(self, level: float) -> dict[str, Any]:
        low, high = self.interval(level)
        return {"value": self.value, "sd": self.sd, "low": low, "high": high,
                "calibrated": self.calibrated}
