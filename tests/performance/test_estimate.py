"""The label-free estimate's parts: coverage, prediction drift, the band and the concept signal
on hand-built windows (the oracle acceptance on generated data is in test_oracle.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import chi2_contingency, ks_2samp

from creditwatch.model.calibrator import Calibrator
from creditwatch.performance import (
    CoverageReference,
    PerformanceReference,
    PerformanceSettings,
    concept_signal,
    estimate,
    evaluate_window,
    realized,
)
from creditwatch.performance.prediction_drift import approval_test
from creditwatch.synthetic import DriftSpec, generate


def toy_reference(settings: PerformanceSettings | None = None) -> PerformanceReference:
    """A calibrated identity model: raw probabilities are the true PDs."""
    rng = np.random.default_rng(0)
    scores = np.sort(rng.beta(1.0, 11.0, 4000))
    ref = {"n": 4000, "auc": 0.75, "default_rate": float(scores.mean()),
           "approval_rate": float(np.mean(scores < 0.2)), "scores": scores.tolist()}
    identity = Calibrator("platt", {"a": 1.0, "b": 0.0}, 4000)
    return PerformanceReference(0.2, 10.0, 1.0, settings or PerformanceSettings(), identity, ref,
                                scores)


def test_coverage_flags_about_one_percent_of_reference_rows_and_the_sudden_segment() -> None:
    """Novelty puts ~1 % of fresh clean rows outside the coverage and nearly every row of the
    sudden segment (all numeric fields +2.5 SD; here over 80 %)."""
    ref_rows = generate(8_000, 21)
    importances = {"EXT_SOURCE_2": 0.3, "EXT_SOURCE_3": 0.3, "DAYS_BIRTH": 0.1, "AMT_CREDIT": 0.1}
    cov = CoverageReference.fit(ref_rows, importances, n_fields=6, quantile=0.99)
    assert cov.fields[:2] == ("EXT_SOURCE_2", "EXT_SOURCE_3") and len(cov.fields) == 6
    clean = generate(10_000, 22)
    assert cov.outside(clean).mean() == pytest.approx(0.01, abs=0.006)
    segment = generate(5_000, 22, DriftSpec("sudden", 1.0))
    assert cov.outside(segment).mean() > 0.8


def test_prediction_drift_is_the_exact_ks_and_a_two_proportion_test() -> None:
    """KS statistic and p-value equal scipy's ks_2samp; the approval-rate p-value equals the
    chi-square test of the 2x2 table without continuity correction."""
    ref = toy_reference()
    rng = np.random.default_rng(5)
    p = rng.beta(1.2, 10.0, 3000)
    est = estimate(ref, p)
    d = est.prediction_drift
    assert d is not None
    ks = ks_2samp(ref.scores, p)
    assert d.ks_statistic == pytest.approx(ks.statistic, abs=1e-12)
    assert d.ks_p_value == pytest.approx(ks.pvalue, rel=1e-9, abs=1e-300)
    approved, ref_approved = int(np.sum(p < 0.2)), round(ref.reference["approval_rate"] * 4000)
    table = [[approved, 3000 - approved], [ref_approved, 4000 - ref_approved]]
    expected_p = chi2_contingency(table, correction=False).pvalue
    assert approval_test(approved, 3000, ref_approved / 4000, 4000) == pytest.approx(expected_p,
                                                                                     rel=1e-9)


def test_band_widens_only_for_rows_outside_the_coverage() -> None:
    """With no row outside the band is the sampling band; marking rows outside widens it around
    the range of the moved estimates (reported at its centre), and flags the window when
    the share is clearly above 1 %."""
    ref = toy_reference()
    rng = np.random.default_rng(8)
    p = rng.beta(1.0, 11.0, 2000)
    inside = estimate(ref, p, outside=np.zeros(2000, dtype=bool))
    outside = np.arange(2000) < 400
    wide = estimate(ref, p, outside=outside)
    assert wide.auc.calibrated == inside.auc.value == inside.auc.calibrated
    assert wide.auc.value == (wide.auc.low_value + wide.auc.high_value) / 2
    assert inside.auc.low_value == inside.auc.high_value == inside.auc.value
    lo, hi = inside.auc.interval(0.95)
    assert hi - lo == pytest.approx(2 * 1.959964 * inside.auc.sd, rel=1e-5)
    wlo, whi = wide.auc.interval(0.95)
    assert wlo < lo and whi > hi
    assert wide.default_rate.high_value > inside.default_rate.value
    assert wide.extrapolating and not inside.extrapolating
    assert wide.outside_share == 0.2


def test_estimate_needs_one_input_row_per_score() -> None:
    """Inputs of another length are a clear error."""
    ref = generate(100, 1)
    cov = CoverageReference.fit(ref, {}, n_fields=3, quantile=0.99)
    toy = toy_reference()
    with_cov = PerformanceReference(toy.threshold, 10, 1, toy.settings, toy.calibrator,
                                    toy.reference, toy.scores, cov)
    with pytest.raises(ValueError, match="one row per score"):
        estimate(with_cov, np.full(5, 0.1), ref.head(3))


def test_signal_never_fires_on_immature_or_small_windows() -> None:
    """A window below the maturity share, or with too few labelled rows, gets a status and
    no signal, however bad its outcomes."""
    ref = toy_reference()
    rng = np.random.default_rng(3)
    p = rng.beta(1.0, 11.0, 3000)
    awful = np.ones(3000)  # every applicant defaulted
    awful[:5] = 0
    outcomes = awful.copy()
    outcomes[2000:] = np.nan  # 67 % labelled
    w = evaluate_window(ref, p, outcomes=outcomes)
    assert w.concept is not None and w.concept.status == "immature" and not w.concept.fired
    small = evaluate_window(ref, p[:150], outcomes=awful[:150])
    assert small.concept is not None and small.concept.status == "insufficient"
    full = evaluate_window(ref, p, outcomes=awful)
    assert full.concept is not None and full.concept.fired


def test_signal_level_on_a_calibrated_model() -> None:
    """With labels drawn from the calibrated probabilities, the signal fires in about
    concept_alpha of 400 mature windows (at most 3 %), and with a shock of +0.7 log-odds
    in nearly all of them."""
    settings = PerformanceSettings(concept_alpha=0.01)
    ref = toy_reference(settings)
    rng = np.random.default_rng(11)
    fired_clean = fired_shock = 0
    for _ in range(400):
        p = rng.beta(1.0, 11.0, 2000)
        y = (rng.random(2000) < p).astype(float)
        est = estimate(ref, p, with_prediction_drift=False)
        real = realized(p, y, threshold=0.2, cost_fn=10, cost_fp=1, settings=settings)
        fired_clean += concept_signal(real, est, settings).fired
        shocked = 1 / (1 + (1 - p) / (p * np.exp(0.7)))
        y2 = (rng.random(2000) < shocked).astype(float)
        real2 = realized(p, y2, threshold=0.2, cost_fn=10, cost_fp=1, settings=settings)
        fired_shock += concept_signal(real2, est, settings).fired
    assert fired_clean / 400 <= 0.03
    assert fired_shock / 400 >= 0.95


def test_window_result_renders_side_by_side() -> None:
    """to_dict is plain data and row() puts estimated and realized figures next to each
    other; without outcomes only the estimate is there."""
    ref = toy_reference()
    rng = np.random.default_rng(4)
    p = rng.beta(1.0, 11.0, 1000)
    y = (rng.random(1000) < p).astype(float)
    w = evaluate_window(ref, p, outcomes=y)
    row = w.row()
    assert {"est_auc", "est_auc_low", "est_auc_high", "auc", "default_rate", "mature",
            "concept_status"} <= set(row)
    d = w.to_dict()
    assert d["realized"]["n_labelled"] == 1000 and d["concept"]["status"] in ("ok",
                                                                              "concept_drift")
    only = evaluate_window(ref, p)
    assert only.realized is None and only.concept is None and "auc" not in only.row()
    assert isinstance(pd.DataFrame([row]), pd.DataFrame)


def test_a_window_without_any_outcome_yet() -> None:
    """A window whose outcomes are all still unknown reports NaN figures (None in JSON), is
    immature and raises no signal."""
    ref = toy_reference()
    p = np.random.default_rng(6).beta(1.0, 11.0, 500)
    w = evaluate_window(ref, p, outcomes=np.full(500, np.nan))
    assert w.realized is not None and w.realized.n_labelled == 0 and not w.realized.mature
    assert w.concept is not None and w.concept.status == "immature"
    d = w.to_dict()
    assert d["realized"]["auc"] is None and d["realized"]["labelled_share"] == 0.0
