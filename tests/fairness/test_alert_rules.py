"""The fairness alert rules on simulated windows: no disparity rarely fires (the false-alarm
rate), an injected disparity is detected and the AIR interval covers its analytic value."""

from __future__ import annotations

import numpy as np
import pytest

from creditwatch.alerts.fairness import air_verdict, gap_verdict
from creditwatch.config_groups import PerformanceConfig
from creditwatch.fairness import evaluate

AIR_THRESHOLD, GAP_ALPHA = 0.8, 0.01
MATURITY = PerformanceConfig().maturity_share


def window(rng: np.random.Generator, n: int, *, approve_m: float = 0.8,
           tpr_shift: float = 0.0) -> tuple[np.ndarray, ...]:
    """Applications of two genders (60 % F). A woman is approved with probability 0.8 (score
    uniform, threshold 0.8); a man's score is stretched so he is approved with probability
    ``approve_m``. Outcomes follow the score (calibrated); ``tpr_shift`` refuses that share
    of the male defaulters who would have been approved."""
    groups = np.where(rng.random(n) < 0.6, "F", "M").astype(object)
    u = rng.random(n)
    p = np.where(groups == "M", u * 0.8 / approve_m, u)
    y = (rng.random(n) < np.clip(p * 0.25, 0, 1)).astype(float)
    if tpr_shift:
        move = (groups == "M") & (y == 1) & (p < 0.8) & (rng.random(n) < tpr_shift)
        p = np.where(move, 0.9, p)
    return groups, np.clip(p, 0, 1), y


def fires(groups: np.ndarray, p: np.ndarray, y: np.ndarray) -> tuple[bool, bool, object]:
    r = evaluate(groups, p, 0.8, y, attribute="CODE_GENDER", cost_fn=5, cost_fp=1,
                 maturity_share=MATURITY)
    return (air_verdict(r, AIR_THRESHOLD).fires, gap_verdict(r, GAP_ALPHA, "CODE_GENDER").fires,
            r)


@pytest.mark.slow
def test_no_disparity_fires_in_at_most_5_percent_of_300_windows() -> None:
    """300 mature windows of 3,000 applications with identical scores and outcomes across
    groups: the AIR and the TPR/FPR gap alerts together fire in <= 5 % of them."""
    rng = np.random.default_rng(2024)
    fired = [any(fires(*window(rng, 3_000))[:2]) for _ in range(300)]
    assert np.mean(fired) <= 0.05


def test_an_injected_approval_disparity_is_detected_and_covered() -> None:
    """Men approved at 0.56 against women's 0.80 (analytic AIR 0.70) in 200 windows of 2,000:
    the AIR interval covers 0.70 in >= 90 % of the windows, and the alert fires in most."""
    rng = np.random.default_rng(7)
    covered, fired = [], []
    for _ in range(200):
        air_fired, _, r = fires(*window(rng, 2_000, approve_m=0.56))
        m = r.table.set_index("group").loc["M"]
        covered.append(m["air_low"] <= 0.7 <= m["air_high"])
        fired.append(air_fired)
    assert np.mean(covered) >= 0.9
    assert np.mean(fired) >= 0.8


def test_an_injected_tpr_gap_is_detected() -> None:
    """Half the male defaulters who would pass refused anyway: the TPR gap alert fires in most
    of 100 windows of 5,000, and the message names the gap."""
    rng = np.random.default_rng(8)
    results = [fires(*window(rng, 5_000, tpr_shift=0.5)) for _ in range(100)]
    assert np.mean([gap for _, gap, _ in results]) >= 0.8
    fired = next(r for _, gap, r in results if gap)
    verdict = gap_verdict(fired, GAP_ALPHA, "CODE_GENDER")  # type: ignore[arg-type]
    assert verdict.kind == "fairness_gap_CODE_GENDER"
    assert "CODE_GENDER: TPR gap" in verdict.message


def test_an_air_point_estimate_below_the_threshold_is_not_enough() -> None:
    """A small group at AIR about 0.75 whose interval reaches above 0.8 does not fire; the
    verdict carries the upper bound as its value."""
    groups = np.array(["F"] * 400 + ["M"] * 40, dtype=object)
    p = np.r_[np.full(320, 0.1), np.full(80, 0.9), np.full(24, 0.1), np.full(16, 0.9)]
    r = evaluate(groups, p, 0.5, None, attribute="CODE_GENDER", cost_fn=5, cost_fp=1,
                 maturity_share=MATURITY)
    verdict = air_verdict(r, AIR_THRESHOLD)
    assert r.table.set_index("group").loc["M", "air"] == pytest.approx(0.75)
    assert not verdict.fires and verdict.value is not None and verdict.value > 0.8
