"""The 47-column building block: normalised facts about the applicant's building.

About 47 % of the rows have no building information at all; the others hold a nested subset
(a row with a rare measure such as COMMONAREA holds the common ones too), which gives each
column its real missing rate (47-70 %). Measures share a building-size factor and a
building-age factor; the _AVG, _MEDI and _MODE versions of one measure are near-duplicates
(same missingness, MEDI within ~3 % of AVG, MODE within ~10 %), rounded to 4 decimals.
"""

from __future__ import annotations

import numpy as np
from scipy.special import ndtr, ndtri

from creditwatch.synthetic import marginals as M
from creditwatch.synthetic.applicant import Columns
from creditwatch.synthetic.sampling import Floats, categorical, with_missing

# measure: (kind, median or mean, spread, zero share, step, size loading, age loading)
_MEASURES: dict[str, tuple[str, float, float, float, float, float, float]] = {
    "APARTMENTS": ("log", 0.0876, 0.75, 0.0, 0.0, 0.90, 0.0),
    "BASEMENTAREA": ("log", 0.0763, 0.55, 0.0, 0.0, 0.50, 0.0),
    "YEARS_BEGINEXPLUATATION": ("complement", 0.0184, 0.60, 0.0, 0.0, 0.0, -0.6),
    "YEARS_BUILD": ("normal", 0.752, 0.113, 0.0, 0.0, 0.10, 0.8),
    "COMMONAREA": ("log", 0.0211, 1.20, 0.0, 0.0, 0.60, 0.2),
    "ELEVATORS": ("log", 0.12, 0.60, 0.50, 0.04, 0.70, 0.3),
    "ENTRANCES": ("log", 0.1379, 0.45, 0.0, 1 / 29, 0.50, 0.0),
    "FLOORSMAX": ("log", 0.1667, 0.60, 0.0, 1 / 24, 0.75, 0.3),
    "FLOORSMIN": ("log", 0.2083, 0.55, 0.0, 1 / 24, 0.75, 0.3),
    "LANDAREA": ("log", 0.0481, 0.80, 0.0, 0.0, 0.30, 0.0),
    "LIVINGAPARTMENTS": ("log", 0.0756, 0.75, 0.0, 0.0, 0.85, 0.0),
    "LIVINGAREA": ("log", 0.0745, 0.85, 0.0, 0.0, 0.85, 0.0),
    "NONLIVINGAPARTMENTS": ("log", 0.0116, 1.00, 0.55, 0.0, 0.40, 0.0),
    "NONLIVINGAREA": ("log", 0.022, 1.35, 0.47, 0.0, 0.40, 0.0),
    "TOTALAREA": ("log", 0.0688, 0.90, 0.0, 0.0, 0.90, 0.0),
}
_VARIANT_NOISE = {"AVG": 0.0, "MEDI": 0.03, "MODE": 0.10}


def _value(kind: str, centre: float, spread: float, zero: float, step: float,
           z: Floats) -> Floats:
    """A measure from its standard-normal latent ``z`` (monotone, so ranks follow ``z``)."""
    p = ndtr(z)
    w = ndtri(np.clip((p - zero) / (1.0 - zero), 1e-12, 1 - 1e-12)) if zero else z
    if kind == "complement":
        v = 1.0 - centre * np.exp(spread * w)
    elif kind == "normal":
        v = centre + spread * w
    else:
        v = centre * np.exp(spread * w)
        if step:
            v = np.maximum(np.round(v / step), 1.0) * step
        v = np.where(p < zero, 0.0, v)
    return np.clip(v, 0.0, 1.0)


def _variant(kind: str, v: Floats, noise: Floats, step: float) -> Floats:
    """A near-duplicate of ``v`` (MEDI or MODE), keeping zeros and the value grid."""
    if kind == "complement":
        out = 1.0 - (1.0 - v) * np.exp(noise)
    elif kind == "normal":
        out = v + 0.1 * noise
    else:
        out = v * np.exp(noise)
        if step:
            out = np.where(v > 0, np.maximum(np.round(out / step), 1.0) * step, 0.0)
    return np.clip(out, 0.0, 1.0)


def draw_building(rng: np.random.Generator, n: int) -> Columns:
    """The 42 measure columns, TOTALAREA_MODE and the four categorical _MODE columns."""
    present = rng.random(n) < M.BUILDING_PRESENT
    completeness = rng.random(n)
    size, age = rng.standard_normal(n), rng.standard_normal(n)
    out: Columns = {}

    def has(key: str) -> np.ndarray:
        within = (M.BUILDING_MISSING[key] - (1 - M.BUILDING_PRESENT)) / M.BUILDING_PRESENT
        return present & (completeness >= within)

    for measure, (kind, centre, spread, zero, step, ls, la) in _MEASURES.items():
        z = ls * size + la * age + np.sqrt(1 - ls**2 - la**2) * rng.standard_normal(n)
        v = _value(kind, centre, spread, zero, step, z)
        missing = ~has(measure)
        variants = ("MODE",) if measure == "TOTALAREA" else ("AVG", "MODE", "MEDI")
        for variant in variants:
            sd = _VARIANT_NOISE[variant]
            x = v if sd == 0 or measure == "TOTALAREA" else _variant(
                kind, v, sd * rng.standard_normal(n), step)
            out[f"{measure}_{variant}"] = np.where(missing, np.nan, np.round(x, 4))
    u = rng.random((4, n))
    for k, (key, shares) in enumerate((("FONDKAPREMONT", M.FONDKAPREMONT),
                                       ("HOUSETYPE", M.HOUSETYPE),
                                       ("WALLSMATERIAL", M.WALLSMATERIAL),
                                       ("EMERGENCYSTATE", M.EMERGENCYSTATE))):
        out[f"{key}_MODE"] = with_missing(categorical(u[k], shares), ~has(key))
    return out
