"""The probability calibrator kept in the bundle: raw model probability -> P(default).

The decision uses the raw model probability (the threshold was chosen on it). Performance
estimation without labels needs probabilities that mean what they say: among applications
given q, a share q defaults. Training fits a calibrator on the validation part (rows the trees
never saw; the threshold is chosen on raw probabilities, so calibration leaks nothing into
it) and stores it as plain numbers in ``bundle.json``:

* ``platt``: ``q = sigmoid(a·logit(p) + b)``, two coefficients fitted by maximum likelihood
  (Newton's method). Smooth and strictly increasing: it keeps the model's ranking and never
  creates ties. The default.
* ``isotonic``: the non-decreasing step function of least squares (pool adjacent violators,
  ``sklearn.isotonic.IsotonicRegression``), kept as its breakpoints and applied by linear
  interpolation, constant beyond the ends (what sklearn's ``predict`` does with
  ``out_of_bounds="clip"``).

``Calibrator.from_dict(calibrator.to_dict())`` gives back the same function, without pickle.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray
from scipy.special import expit, logit

Method = Literal["platt", "isotonic"]
METHODS: tuple[str, ...] = ("platt", "isotonic")
_EDGE = 1e-12  # raw probabilities are clipped to [_EDGE, 1 - _EDGE] before the logit
_NEWTON_STEPS = 50


@dataclass(frozen=True)
class Calibrator:
    """A fitted calibration map; ``params`` holds plain numbers only."""

    method: Method
    params: dict[str, Any]
    n_fit: int

    def __call__(self, p: np.ndarray) -> NDArray[np.float64]:
        """Calibrated probabilities of raw probabilities ``p``."""
        p = np.asarray(p, dtype=np.float64)
        if self.method == "platt":
            return np.asarray(expit(self.params["a"] * _logit(p) + self.params["b"]))
        x, y = np.asarray(self.params["x"]), np.asarray(self.params["y"])
        return np.interp(p, x, y)

    @classmethod
    def fit(cls, y: np.ndarray, p: np.ndarray,
            method: Method = "platt") -> Calibrator:
        """Fit ``method`` on labels ``y`` (0/1) and raw probabilities ``p``."""
        y = np.asarray(y, dtype=np.float64)
        p = np.asarray(p, dtype=np.float64)
        if len(y) != len(p) or len(y) == 0 or not 0 < y.mean() < 1:
            raise ValueError("calibration needs labels of both classes, one per probability")
        if method == "platt":
            a, b = _platt(y, _logit(p))
            return cls("platt", {"a": a, "b": b}, len(y))
        if method == "isotonic":
            from sklearn.isotonic import IsotonicRegression

            iso = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(p, y)
            return cls("isotonic", {"x": iso.X_thresholds_.tolist(),
                                    "y": iso.y_thresholds_.tolist()}, len(y))
        raise ValueError(f"calibration method must be one of {', '.join(METHODS)}; got {method!r}")

    def to_dict(self) -> dict[str, Any]:
        return {"method": self.method, "params": self.params, "n_fit": self.n_fit}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Calibrator:
        method = data["method"]
        if method not in METHODS:
            raise ValueError(f"unknown calibration method {method!r}")
        return cls(method, dict(data["params"]), int(data["n_fit"]))


def _logit(p: np.ndarray) -> NDArray[np.float64]:
    return np.asarray(logit(np.clip(p, _EDGE, 1.0 - _EDGE)))


def _platt(y: np.ndarray, x: np.ndarray) -> tuple[float, float]:
    """Maximum-likelihood ``(a, b)`` of ``P(y=1) = sigmoid(a·x + b)``: Newton's method with
    step halving (each accepted step lowers the negative log-likelihood; the likelihood is
    concave, so this converges from any start)."""
    design = np.column_stack([x, np.ones_like(x)])

    def nll(beta: np.ndarray) -> float:
        z = design @ beta
        return float(np.sum(np.logaddexp(0.0, z) - y * z))

    beta = np.array([1.0, 0.0])  # the identity map: a calibrated model stays put
    current = nll(beta)
    for _ in range(_NEWTON_STEPS):
        q = expit(design @ beta)
        grad = design.T @ (y - q)
        hess = (design * (q * (1 - q))[:, None]).T @ design
        step = np.linalg.solve(hess + 1e-12 * np.eye(2), grad)
        for _ in range(60):  # halve until the likelihood improves
            trial = nll(beta + step)
            if trial <= current:
                break
            step = step / 2
        beta, current = beta + step, min(trial, current)
        if np.max(np.abs(step)) < 1e-12:
            break
    return float(beta[0]), float(beta[1])
