"""The engine: compare / Reference.compare, exclusions, verdicts, status and storage form."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from creditwatch.config import Settings
from creditwatch.drift import DriftResult, DriftStatus, Reference, column_kinds, compare, ks
from creditwatch.drift.reference import (
    ALL_MISSING_CURRENT,
    ALL_MISSING_REFERENCE,
    CONSTANT_REFERENCE,
    EMPTY_CURRENT,
    NOT_IN_CURRENT,
    NOT_IN_REFERENCE,
)
from creditwatch.schema import FIELDS


def _frame(rng: np.random.Generator, n: int, shift: float = 0.0, k: int = 10) -> pd.DataFrame:
    """``k`` numeric columns x0.. (the first three shifted by ``shift``) and one category."""
    data = {f"x{i}": rng.normal(shift if i < 3 else 0.0, 1.0, size=n) for i in range(k)}
    data["c"] = rng.choice(np.array(["a", "b", "c"], dtype=object), size=n, p=[0.5, 0.3, 0.2])
    return pd.DataFrame(data)


def test_reference_compare_equals_one_shot_compare(
        drift_reference_frame: pd.DataFrame, drift_window_pool: pd.DataFrame) -> None:
    """A fitted Reference gives exactly the one-shot compare result on schema data."""
    ref = Reference(drift_reference_frame)
    for start in (0, 5_000):
        window = drift_window_pool.iloc[start: start + 3_000]
        pd.testing.assert_frame_equal(ref.compare(window).features,
                                      compare(drift_reference_frame, window).features)


def test_schema_columns_are_typed_and_tested(drift_reference_frame: pd.DataFrame,
                                             drift_window_pool: pd.DataFrame) -> None:
    """Numeric schema fields get KS, categorical ones (flags, ratings) chi-square; the id,
    target and true-PD columns are ignored."""
    result = compare(drift_reference_frame, drift_window_pool.iloc[:2_000])
    rows = result.features.set_index("feature")
    assert list(rows.index) == [f.name for f in FIELDS]  # schema order, no extra column
    tested = rows[rows["reason"].isna()]
    assert (tested.loc[tested["kind"] == "numeric", "test"] == "ks").all()
    assert (tested.loc[tested["kind"] == "categorical", "test"] == "chi2").all()
    assert rows.loc["FLAG_EMAIL", "test"] == "chi2"
    assert rows.loc["REGION_RATING_CLIENT", "effect_name"] == "jensen_shannon"
    assert rows.loc["AMT_CREDIT", "effect_name"] == "wasserstein"
    a = drift_reference_frame["AMT_CREDIT"].to_numpy()
    b = drift_window_pool["AMT_CREDIT"].iloc[:2_000].to_numpy()
    assert rows.loc["AMT_CREDIT", "p_value"] == pytest.approx(stats.ks_2samp(a, b).pvalue,
                                                              rel=1e-9)


def test_exclusions_carry_their_reason() -> None:
    """Missing, empty, all-missing and constant columns are excluded, each with its reason."""
    rng = np.random.default_rng(0)
    ref = _frame(rng, 400)
    cur = _frame(rng, 300)
    ref["const"], cur["const"] = 7.0, rng.normal(size=300)
    ref["allnan"], cur["allnan"] = np.nan, 1.0
    ref["curnan"], cur["curnan"] = rng.normal(size=400), np.nan
    ref["only_ref"] = rng.normal(size=400)
    cur["only_cur"] = rng.normal(size=300)
    cols = {"x0": "numeric", "const": "numeric", "allnan": "numeric", "curnan": "numeric",
            "only_ref": "numeric", "only_cur": "numeric", "c": "categorical"}
    rows = compare(ref, cur, columns=cols).features.set_index("feature")
    assert rows["reason"].to_dict() == {
        "x0": None, "const": CONSTANT_REFERENCE, "allnan": ALL_MISSING_REFERENCE,
        "curnan": ALL_MISSING_CURRENT, "only_ref": NOT_IN_CURRENT, "only_cur": NOT_IN_REFERENCE,
        "c": None}
    assert rows.loc["curnan", "missing_cur"] == 1.0 and rows.loc["curnan", "missing_ref"] == 0
    assert rows.loc["curnan", "missing_shift"]  # the outage shows up as its own signal
    assert not rows["drifted"][rows["reason"].notna()].any()
    empty = compare(ref, cur.iloc[:0], columns=cols)
    assert set(empty.features["reason"]) == {CONSTANT_REFERENCE, ALL_MISSING_REFERENCE,
                                             NOT_IN_CURRENT, NOT_IN_REFERENCE, EMPTY_CURRENT}
    assert empty.status is DriftStatus.INSUFFICIENT_DATA


def test_drift_needs_significance_and_effect() -> None:
    """A tiny shift in a huge window is significant but not drifted (effect gate); a large
    shift is both; unchanged columns are neither."""
    rng = np.random.default_rng(1)
    ref = _frame(rng, 60_000)
    tiny = compare(ref, _frame(rng, 60_000, shift=0.05))
    rows = tiny.features.set_index("feature")
    assert (rows.loc[["x0", "x1", "x2"], "p_adjusted"] < 0.05).all()
    assert (rows.loc[["x0", "x1", "x2"], "effect_size"] < 0.1).all()
    assert tiny.n_features_drifted == 0
    big = compare(ref, _frame(rng, 2_000, shift=0.5)).features.set_index("feature")
    assert big["drifted"].to_dict() == {**{f"x{i}": i < 3 for i in range(10)}, "c": False}
    lowered = compare(ref, _frame(rng, 60_000, shift=0.05), min_effect={"wasserstein": 0.0})
    assert set(lowered.drifted_features) == {"x0", "x1", "x2"}


def test_effect_minimums_come_from_the_settings(settings: Settings) -> None:
    """The gates' minimums and the missing-change minimum are the drift settings: lowering
    them flags the tiny shifts the defaults let pass, raising them hides real ones."""
    rng = np.random.default_rng(6)
    ref, tiny = _frame(rng, 60_000), _frame(rng, 60_000, shift=0.05)
    tiny.loc[: 1_799, "x5"] = np.nan  # 3 points more missing: significant, under 5 points
    default = compare(ref, tiny, settings=settings)
    assert default.n_features_drifted == 0 and default.n_missing_shifts == 0
    assert default.settings.min_effect == {"wasserstein": 0.1, "jensen_shannon": 0.05}
    assert default.settings.min_missing_change == 0.05
    loose = settings.replace(drift={"min_wasserstein": 0.01, "min_missing_change": 0.02})
    lowered = compare(ref, tiny, settings=loose)
    assert set(lowered.drifted_features) == {"x0", "x1", "x2"}
    assert lowered.features.set_index("feature")["missing_shift"].to_dict()["x5"]
    assert lowered.settings.min_effect["wasserstein"] == 0.01
    big_c = _frame(rng, 2_000)
    big_c["c"] = rng.choice(np.array(["a", "b", "c"], dtype=object), size=2_000, p=[0.3, 0.5, 0.2])
    assert "c" in compare(ref, big_c, settings=settings).drifted_features
    strict = settings.replace(drift={"min_jensen_shannon": 0.9})
    assert "c" not in compare(ref, big_c, settings=strict).drifted_features


def test_p_values_are_corrected_across_columns() -> None:
    """p_adjusted is BH (default) or Bonferroni of the tested columns' p-values."""
    rng = np.random.default_rng(2)
    ref, cur = _frame(rng, 3_000), _frame(rng, 800, shift=0.15)
    bh = compare(ref, cur).features
    bonf = compare(ref, cur, correction="bonferroni").features
    np.testing.assert_allclose(bh["p_adjusted"], stats.false_discovery_control(bh["p_value"]))
    np.testing.assert_allclose(bonf["p_adjusted"], np.minimum(bonf["p_value"] * len(bonf), 1))


def _status(n_drifted: int, n_rows: int = 2_000, **kw: float) -> DriftResult:
    """A result on 10 columns of which the first ``n_drifted`` moved by 1 SD."""
    rng = np.random.default_rng(n_drifted)
    ref = pd.DataFrame({f"x{i}": rng.normal(size=5_000) for i in range(10)})
    cur = pd.DataFrame({f"x{i}": rng.normal(1.0 if i < n_drifted else 0.0, size=n_rows)
                        for i in range(10)})
    return compare(ref, cur, columns=[f"x{i}" for i in range(10)], **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(("n_drifted", "status"), [
    (0, DriftStatus.OK), (1, DriftStatus.WARNING), (3, DriftStatus.WARNING),
    (4, DriftStatus.ALERT), (10, DriftStatus.ALERT)])
def test_status_thresholds(n_drifted: int, status: DriftStatus) -> None:
    """OK under 10 % drifted columns, WARNING from 10 % to 30 % included, ALERT above."""
    result = _status(n_drifted)
    assert result.n_features_drifted == n_drifted
    assert result.drift_share == n_drifted / 10
    assert result.status is status


def test_status_thresholds_are_configurable(settings: Settings) -> None:
    """Shares passed as arguments, or the Settings fields, replace the defaults."""
    assert _status(2).status is DriftStatus.WARNING
    assert _status(2, warning_share=0.25).status is DriftStatus.OK
    assert _status(2, alert_share=0.15).status is DriftStatus.ALERT
    lenient = settings.replace(drift={"warning_share": 0.25, "alert_share": 0.5})
    assert _status(2, settings=lenient).status is DriftStatus.OK  # type: ignore[arg-type]


def test_insufficient_data_under_minimum_rows() -> None:
    """Fewer than 50 current rows gives INSUFFICIENT_DATA, even with every column drifted."""
    assert _status(10, n_rows=49).status is DriftStatus.INSUFFICIENT_DATA
    assert _status(10, n_rows=50).status is DriftStatus.ALERT
    assert _status(10, n_rows=49, min_rows=10).status is DriftStatus.ALERT


def test_importance_weighted_score() -> None:
    """The weighted score is the importance share of the drifted columns."""
    imp = {f"x{i}": float(i + 1) for i in range(10)}  # total 55
    result = _status(3, importances=imp)  # x0, x1, x2 drift: 1 + 2 + 3 = 6
    assert result.weighted_drift_score == pytest.approx(6 / 55)
    assert result.features["importance"].tolist() == list(imp.values())
    assert _status(3).weighted_drift_score == pytest.approx(0.3)  # no importances: the share


def test_to_dict_round_trips_through_json() -> None:
    """A result survives JSON (NaN as null) and reads back equal, summary included."""
    rng = np.random.default_rng(3)
    ref, cur = _frame(rng, 2_000), _frame(rng, 500, shift=0.4)
    ref["gone"], cur["gone"] = np.nan, 1.0
    result = compare(ref, cur, columns=[*ref.columns], importances={"x0": 2.0})
    data = json.loads(json.dumps(result.to_dict()))
    back = DriftResult.from_dict(data)
    pd.testing.assert_frame_equal(back.features, result.features)
    assert back.summary == result.summary == data["summary"]
    assert data["summary"]["status"] == result.status.value
    assert data["settings"]["min_effect"] == {"wasserstein": 0.1, "jensen_shannon": 0.05}


def test_column_kinds_follow_schema_then_dtype() -> None:
    """Schema fields keep their kind; other columns are numeric when their dtype is."""
    frame = pd.DataFrame({"FLAG_EMAIL": [0, 1], "AMT_CREDIT": [1.0, 2.0], "score": [0.1, 0.2],
                          "flag": [True, False], "label": ["a", "b"]})
    assert column_kinds(frame, list(frame.columns)) == {
        "FLAG_EMAIL": "categorical", "AMT_CREDIT": "numeric", "score": "numeric",
        "flag": "categorical", "label": "categorical"}
    assert column_kinds(frame) == {"AMT_CREDIT": "numeric", "FLAG_EMAIL": "categorical"}


def test_invalid_arguments_are_rejected() -> None:
    """Unknown corrections or effect names and inconsistent thresholds raise ValueError."""
    rng = np.random.default_rng(4)
    ref, cur = _frame(rng, 100), _frame(rng, 100)
    with pytest.raises(ValueError, match="correction"):
        compare(ref, cur, columns=["x0"], correction="holm")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="min_effect"):
        compare(ref, cur, columns=["x0"], min_effect={"psi": 0.1})
    with pytest.raises(ValueError, match="warning_share"):
        compare(ref, cur, columns=["x0"], warning_share=0.5, alert_share=0.2)


def test_pair_function_and_engine_agree() -> None:
    """The engine's KS row equals the one-column pair function."""
    rng = np.random.default_rng(5)
    ref, cur = _frame(rng, 1_000), _frame(rng, 400, shift=0.2)
    row = compare(ref, cur, columns=["x0"]).features.iloc[0]
    assert (row["statistic"], row["p_value"]) == ks.ks_2samp(ref["x0"].to_numpy(),
                                                             cur["x0"].to_numpy())
