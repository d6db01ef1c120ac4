"""Synthetic marginals against the documented figures of the real train file (307,511 rows,
shared/reference/home_credit_application_schema.md), and the calibration of the true risk."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import mannwhitneyu
from sklearn.metrics import roc_auc_score

from creditwatch.schema import DAYS_EMPLOYED_SENTINEL, FIELDS
from creditwatch.synthetic import generate

REAL_TOTAL = 307_511


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return generate(200_000, 2024)


def test_default_rate_and_oracle_auc(frame: pd.DataFrame) -> None:
    """Default rate about 8 % and roc_auc(TARGET, TRUE_PD) in [0.75, 0.78] on 200k rows;
    the AUC agrees with the Mann-Whitney U statistic computed by scipy."""
    y, p = frame["TARGET"].to_numpy(), frame["TRUE_PD"].to_numpy()
    assert 0.07 <= y.mean() <= 0.09
    assert abs(p.mean() - y.mean()) < 0.003  # TARGET is drawn from TRUE_PD
    auc = roc_auc_score(y, p)
    u = mannwhitneyu(p[y == 1], p[y == 0]).statistic
    assert auc == pytest.approx(u / ((y == 1).sum() * (y == 0).sum()), abs=1e-9)
    assert 0.75 <= auc <= 0.78


def test_external_scores_are_the_strongest_signals(frame: pd.DataFrame) -> None:
    """Each EXT_SOURCE alone ranks defaults better than age, and risk falls as they rise."""
    y = frame["TARGET"]
    age_auc = roc_auc_score(y, frame["DAYS_BIRTH"])  # closer to 0 = younger = riskier
    for name in ("EXT_SOURCE_1", "EXT_SOURCE_2", "EXT_SOURCE_3"):
        ok = frame[name].notna()
        auc = roc_auc_score(y[ok], -frame.loc[ok, name])
        assert 0.63 < auc < 0.72, name
        assert auc > age_auc > 0.55


def test_default_rate_is_lower_for_the_not_employed(frame: pd.DataFrame) -> None:
    """Sentinel rows default less than the others (real file: 5.40 % against 8.66 %)."""
    sentinel = frame["DAYS_EMPLOYED"] == DAYS_EMPLOYED_SENTINEL
    assert frame.loc[sentinel, "TARGET"].mean() == pytest.approx(0.054, abs=0.012)
    assert frame.loc[~sentinel, "TARGET"].mean() == pytest.approx(0.0866, abs=0.012)


@pytest.mark.parametrize(("column", "level", "real_count"), [
    ("NAME_CONTRACT_TYPE", "Revolving loans", 29_279),
    ("CODE_GENDER", "F", 202_448),
    ("FLAG_OWN_CAR", "Y", 104_587),
    ("FLAG_OWN_REALTY", "Y", 213_312),
    ("NAME_INCOME_TYPE", "Working", 158_774),
    ("NAME_INCOME_TYPE", "Commercial associate", 71_617),
    ("NAME_INCOME_TYPE", "Pensioner", 55_362),
    ("NAME_EDUCATION_TYPE", "Higher education", 74_863),
    ("NAME_HOUSING_TYPE", "With parents", 14_840),
    ("NAME_TYPE_SUITE", "Spouse, partner", 11_370),
    ("OCCUPATION_TYPE", "Laborers", 55_186),
    ("WALLSMATERIAL_MODE", "Stone, brick", 64_815),
    ("ORGANIZATION_TYPE", "Business Entity Type 3", 67_992),
])
def test_category_shares_match_the_real_file(frame: pd.DataFrame, column: str, level: str,
                                             real_count: int) -> None:
    """Level shares are within 1.5 percentage points (or 15 %) of the real ones."""
    share = (frame[column] == level).mean()
    real = real_count / REAL_TOTAL
    assert abs(share - real) <= max(0.015, 0.15 * real), (share, real)


def test_rare_and_near_constant_values(frame: pd.DataFrame) -> None:
    """XNA gender appears a few times per 100k; FLAG_MOBIL is ~always 1; documents 2/4/7/10/12
    are ~never given while document 3 is given by ~71 %."""
    xna = (frame["CODE_GENDER"] == "XNA").sum()
    assert 1 <= xna <= 20
    assert frame["FLAG_MOBIL"].mean() > 0.9999
    for i in (2, 4, 7, 10, 12):
        assert frame[f"FLAG_DOCUMENT_{i}"].mean() < 0.0005
    assert frame["FLAG_DOCUMENT_3"].mean() == pytest.approx(0.71, abs=0.01)
    assert (frame["DAYS_EMPLOYED"] == DAYS_EMPLOYED_SENTINEL).mean() == pytest.approx(
        55_374 / REAL_TOTAL, abs=0.005)


@pytest.mark.parametrize(("column", "real_rate", "tolerance"), [
    ("EXT_SOURCE_1", 0.564, 0.01), ("EXT_SOURCE_2", 660 / REAL_TOTAL, 0.001),
    ("EXT_SOURCE_3", 0.198, 0.01), ("OCCUPATION_TYPE", 0.313, 0.01),
    ("AMT_REQ_CREDIT_BUREAU_YEAR", 0.135, 0.005),
    ("OBS_30_CNT_SOCIAL_CIRCLE", 1_021 / REAL_TOTAL, 0.001),
    ("OWN_CAR_AGE", 0.66, 0.015), ("APARTMENTS_AVG", 0.507, 0.01),
    ("COMMONAREA_MEDI", 0.699, 0.01), ("TOTALAREA_MODE", 0.483, 0.01),
    ("EMERGENCYSTATE_MODE", 0.474, 0.01), ("FONDKAPREMONT_MODE", 0.684, 0.01),
])
def test_missing_rates_match_the_real_file(frame: pd.DataFrame, column: str, real_rate: float,
                                           tolerance: float) -> None:
    """The structural missing rates are those of the real train file."""
    assert frame[column].isna().mean() == pytest.approx(real_rate, abs=tolerance)


def test_building_columns_are_missing_between_47_and_70_percent(frame: pd.DataFrame) -> None:
    """All 47 building columns are 47-70 % missing."""
    building = [f.name for f in FIELDS if f.group == "building"]
    assert len(building) == 47
    rates = frame[building].isna().mean()
    assert rates.between(0.46, 0.71).all(), rates[~rates.between(0.46, 0.71)]


@pytest.mark.parametrize(("column", "quantiles"), [
    ("AMT_INCOME_TOTAL", {0.25: 112_500, 0.5: 147_150, 0.75: 202_500}),
    ("AMT_CREDIT", {0.25: 270_000, 0.5: 513_531, 0.75: 808_650}),
    ("AMT_ANNUITY", {0.5: 24_903}),
    ("AMT_GOODS_PRICE", {0.5: 450_000}),
])
def test_amount_quantiles_match_the_real_file(frame: pd.DataFrame, column: str,
                                              quantiles: dict[float, float]) -> None:
    """Quartiles of the amounts are within 12 % of the real ones."""
    for q, real in quantiles.items():
        assert frame[column].quantile(q) == pytest.approx(real, rel=0.12), q


def test_amounts_are_round_like_the_real_ones(frame: pd.DataFrame) -> None:
    """Incomes and goods prices are mostly multiples of 4,500 (135,000; 450,000; ...)."""
    assert (frame["AMT_INCOME_TOTAL"] % 4_500 == 0).mean() > 0.9
    assert (frame["AMT_GOODS_PRICE"].dropna() % 4_500 == 0).mean() > 0.95


def test_amounts_are_correlated_like_the_real_ones(frame: pd.DataFrame) -> None:
    """Credit ~ goods price (r > 0.95), credit ~ annuity (r > 0.6), income ~ credit (0.2-0.5)."""
    logs = np.log(frame[["AMT_INCOME_TOTAL", "AMT_CREDIT", "AMT_ANNUITY", "AMT_GOODS_PRICE"]])
    r = logs.corr()
    assert r.loc["AMT_CREDIT", "AMT_GOODS_PRICE"] > 0.95
    assert r.loc["AMT_CREDIT", "AMT_ANNUITY"] > 0.6
    assert 0.2 < r.loc["AMT_CREDIT", "AMT_INCOME_TOTAL"] < 0.5


def test_days_are_negative_and_ages_plausible(frame: pd.DataFrame) -> None:
    """DAYS_* are offsets before the application; ages run from 20.5 to 69 years."""
    age = -frame["DAYS_BIRTH"] / 365.25
    assert age.min() >= 20.5 and age.max() <= 69.1
    assert age.mean() == pytest.approx(43.9, abs=1.0)
    for name in ("DAYS_REGISTRATION", "DAYS_ID_PUBLISH", "DAYS_LAST_PHONE_CHANGE"):
        assert (frame[name] <= 0).all(), name
    assert frame["EXT_SOURCE_1"].corr(frame["DAYS_BIRTH"]) < -0.5  # real: -0.60
