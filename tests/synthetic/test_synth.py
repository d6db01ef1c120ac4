"""The synthetic generator: determinism, schema shape, validity and structural quirks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from creditwatch.schema import (
    BUILDING_MEASURES,
    DAYS_EMPLOYED_SENTINEL,
    FIELDS,
    ID_COLUMN,
    TARGET_COLUMN,
    TRUE_PD_COLUMN,
    XNA,
)
from creditwatch.schema.frames import validate_frame
from creditwatch.synthetic import generate, risk_logit, true_pd

BUILDING = [f.name for f in FIELDS if f.group == "building"]
BUREAU = [f.name for f in FIELDS if f.name.startswith("AMT_REQ_CREDIT_BUREAU_")]
SOCIAL = [f.name for f in FIELDS if f.name.endswith("_CNT_SOCIAL_CIRCLE")]


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return generate(50_000, 21)


def test_same_seed_gives_the_same_frame() -> None:
    """Two calls with the same seed return identical frames; another seed differs."""
    a, b = generate(3_000, 5), generate(3_000, 5)
    pd.testing.assert_frame_equal(a, b)
    c = generate(3_000, 6)
    assert not a.drop(columns=ID_COLUMN).equals(c.drop(columns=ID_COLUMN))


def test_columns_and_dtypes_follow_the_schema(frame: pd.DataFrame) -> None:
    """Columns are id, target, the 120 fields in file order, TRUE_PD; dtypes as the real file."""
    assert list(frame.columns) == [ID_COLUMN, TARGET_COLUMN, *(f.name for f in FIELDS),
                                   TRUE_PD_COLUMN]
    expected = {"str": np.dtype(object), "float": np.dtype(np.float64),
                "int": np.dtype(np.int64)}
    for f in FIELDS:
        assert frame[f.name].dtype == expected[f.dtype], f.name
    assert frame[ID_COLUMN].dtype == np.int64 and frame[TARGET_COLUMN].dtype == np.int64
    # The real train file reads as 65 float64, 41 int64 and 16 object columns.
    counts = frame.drop(columns=TRUE_PD_COLUMN).dtypes.astype(str).value_counts().to_dict()
    assert counts == {"float64": 65, "int64": 41, "object": 16}


def test_ids_are_consecutive_from_id_start() -> None:
    """SK_ID_CURR runs from id_start, one per row, so batches can be given disjoint ids."""
    frame = generate(5, 1, id_start=500_000)
    assert frame[ID_COLUMN].tolist() == list(range(500_000, 500_005))
    assert generate(0, 1).shape == (0, 123)


def test_rejects_a_negative_row_count() -> None:
    """A negative or non-integer row count is refused with a clear message."""
    with pytest.raises(ValueError, match="n_rows"):
        generate(-1, 0)
    with pytest.raises(ValueError, match="n_rows"):
        generate(2.5, 0)  # type: ignore[arg-type]


def test_every_value_is_valid_and_almost_all_typical(frame: pd.DataFrame) -> None:
    """The schema validator finds no error, no unknown category and almost nothing atypical."""
    report = validate_frame(frame)
    assert report.ok, report.errors()
    assert report.unknown_categories == {}
    assert report.unknown_columns == []
    assert sum(report.out_of_typical.values()) <= 0.0005 * len(frame)


def test_sentinel_rows_are_exactly_the_not_employed(frame: pd.DataFrame) -> None:
    """DAYS_EMPLOYED=365243 iff Pensioner/Unemployed iff ORGANIZATION_TYPE XNA iff no work phone."""
    sentinel = frame["DAYS_EMPLOYED"] == DAYS_EMPLOYED_SENTINEL
    assert (sentinel == frame["NAME_INCOME_TYPE"].isin(["Pensioner", "Unemployed"])).all()
    assert (sentinel == (frame["ORGANIZATION_TYPE"] == XNA)).all()
    assert (sentinel == (frame["FLAG_EMP_PHONE"] == 0)).all()
    assert frame.loc[sentinel, "OCCUPATION_TYPE"].isna().all()
    assert (frame.loc[~sentinel, "DAYS_EMPLOYED"] <= 0).all()


def test_car_age_is_missing_exactly_without_a_car(frame: pd.DataFrame) -> None:
    """OWN_CAR_AGE is NaN exactly when FLAG_OWN_CAR is N."""
    assert (frame["OWN_CAR_AGE"].isna() == (frame["FLAG_OWN_CAR"] == "N")).all()


def test_missing_blocks_go_missing_together(frame: pd.DataFrame) -> None:
    """Bureau and social-circle columns are all missing or all present; the building block
    is entirely missing on ~47 % of rows, nested elsewhere, and AVG/MODE/MEDI share NaNs."""
    for block in (BUREAU, SOCIAL):
        nan = frame[block].isna()
        assert (nan.all(axis=1) | ~nan.any(axis=1)).all()
    building_nan = frame[BUILDING].isna()
    none_at_all = building_nan.all(axis=1).mean()
    assert none_at_all == pytest.approx(0.473, abs=0.01)
    for measure in BUILDING_MEASURES:
        avg, mode, medi = (frame[f"{measure}_{s}"].isna() for s in ("AVG", "MODE", "MEDI"))
        assert ((avg == mode) & (avg == medi)).all(), measure
    # Nested: a row holding the rarest measure holds the most common one too.
    has_common = frame["COMMONAREA_AVG"].notna()
    assert frame.loc[has_common, "TOTALAREA_MODE"].notna().all()


def test_building_variants_are_near_duplicates(frame: pd.DataFrame) -> None:
    """MEDI tracks AVG closely and MODE a little less, as in the real file."""
    for measure in ("APARTMENTS", "LIVINGAREA", "YEARS_BUILD"):
        avg, mode, medi = (frame[f"{measure}_{s}"] for s in ("AVG", "MODE", "MEDI"))
        assert avg.corr(medi) > 0.97
        assert avg.corr(mode) > 0.85


def test_amounts_are_consistent(frame: pd.DataFrame) -> None:
    """Goods price mostly at most the credit, about 0.9 of it; terms of 5 to 65 months."""
    goods, credit, annuity = frame["AMT_GOODS_PRICE"], frame["AMT_CREDIT"], frame["AMT_ANNUITY"]
    assert (goods <= credit)[goods.notna()].mean() > 0.9
    assert (goods / credit).mean() == pytest.approx(0.90, abs=0.03)
    term = (credit / annuity).dropna()
    assert ((term > 5) & (term < 65)).mean() > 0.99
    revolving = frame["NAME_CONTRACT_TYPE"] == "Revolving loans"
    ratio = (annuity / credit)[revolving & annuity.notna()]
    assert np.allclose(ratio[credit[revolving] * 0.05 >= 1_615.5], 0.05)


def test_true_pd_is_a_function_of_the_observed_fields(frame: pd.DataFrame) -> None:
    """TRUE_PD is recomputed exactly from the observed columns alone."""
    observed = frame.drop(columns=[TRUE_PD_COLUMN, TARGET_COLUMN])
    assert np.array_equal(true_pd(observed), frame[TRUE_PD_COLUMN].to_numpy())
    assert frame[TRUE_PD_COLUMN].between(0, 1).all()


@pytest.mark.parametrize("score", ["EXT_SOURCE_1", "EXT_SOURCE_2", "EXT_SOURCE_3"])
def test_risk_falls_as_external_scores_rise(frame: pd.DataFrame, score: str) -> None:
    """Raising an external score lowers every row's risk; a missing score has a fixed effect."""
    rows = frame[frame[score].notna()].head(2_000).copy()
    base = true_pd(rows)
    rows[score] = np.minimum(rows[score] + 0.05, 1.0)
    assert (true_pd(rows) <= base).all()
    assert (true_pd(rows) < base).mean() > 0.99


@pytest.mark.parametrize("score", ["EXT_SOURCE_1", "EXT_SOURCE_2", "EXT_SOURCE_3"])
def test_a_missing_score_is_a_fixed_effect(frame: pd.DataFrame, score: str) -> None:
    """A missing external score shifts the log-odds by the same amount on every row, so no
    hidden value leaks into the risk."""
    rows = frame.head(2_000).copy()
    rows[score] = 0.5
    at_half = risk_logit(rows)
    rows[score] = np.nan
    gap = risk_logit(rows) - at_half
    assert np.ptp(gap) < 1e-9
