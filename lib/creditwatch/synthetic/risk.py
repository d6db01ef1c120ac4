"""The true default probability of a synthetic application: a fixed function of its observed
fields only, so a model can in principle reach it (the oracle).

``TRUE_PD = sigmoid(logit)``, the logit a sum of mostly smooth, monotone effects. The external
scores dominate (risk falls as they rise; a missing score contributes a fixed effect, never a
hidden value); then age, employment (the sentinel counts as a fixed effect), credit and annuity
relative to income, credit relative to the goods price, the loan term, education, gender,
region rating, document dates and a few categorical levels. One mild interaction: a heavy credit
load weighs more on young applicants. The coefficients are calibrated so that on clean data the
default rate is about 8 % and roc_auc(TARGET, TRUE_PD) about 0.765 (see tests/data).

The ``concept`` drift kind changes this function, not the fields: a :class:`Link` adds a shock
to every log-odds and scales the external scores' effects (``creditwatch.synthetic.shift``).
The default link is the clean concept, bit for bit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy.special import expit

from creditwatch.schema import DAYS_EMPLOYED_SENTINEL

INTERCEPT = -2.5928
SCALE = 0.78  # multiplies every effect below: the knob that sets the oracle AUC
# score: (slope per unit, centre, extra slope below 0.2, effect when missing)
_EXT = {"EXT_SOURCE_1": (-2.2, 0.50, 0.0, 0.0),
        "EXT_SOURCE_2": (-3.2, 0.51, 2.0, 0.3),
        "EXT_SOURCE_3": (-3.4, 0.51, 2.0, 0.10)}
_LEVELS: dict[str, dict[str, float]] = {
    "NAME_EDUCATION_TYPE": {"Higher education": -0.5, "Academic degree": -0.9,
                            "Incomplete higher": -0.05, "Lower secondary": 0.35},
    "CODE_GENDER": {"M": 0.40},
    "NAME_INCOME_TYPE": {"Working": 0.12, "State servant": -0.15, "Unemployed": 1.2,
                         "Maternity leave": 1.0, "Student": -0.5, "Businessman": -0.5},
    "OCCUPATION_TYPE": {"Low-skill Laborers": 0.55, "Drivers": 0.25, "Waiters/barmen staff": 0.25,
                        "Laborers": 0.15, "Security staff": 0.15, "Cooking staff": 0.15,
                        "Cleaning staff": 0.1, "Sales staff": 0.08, "Realty agents": 0.1,
                        "Accountants": -0.35, "High skill tech staff": -0.2, "Managers": -0.2,
                        "Core staff": -0.15, "IT staff": -0.25, "HR staff": -0.2,
                        "Medicine staff": -0.1, "Private service staff": -0.1},
    "NAME_FAMILY_STATUS": {"Civil marriage": 0.15, "Single / not married": 0.12,
                           "Widow": -0.1, "Separated": 0.05},
    "NAME_HOUSING_TYPE": {"With parents": 0.2, "Rented apartment": 0.3,
                          "Municipal apartment": 0.1, "Office apartment": -0.2},
    "ORGANIZATION_TYPE": {"Transport: type 3": 0.4, "Industry: type 13": 0.3, "Restaurant": 0.25,
                          "Construction": 0.2, "Realtor": 0.3, "Cleaning": 0.25,
                          "Agriculture": 0.15, "Self-employed": 0.12, "Bank": -0.3,
                          "Police": -0.3, "Security Ministries": -0.3, "Military": -0.25,
                          "University": -0.3, "Industry: type 12": -0.4, "Trade: type 4": -0.3,
                          "Trade: type 6": -0.3, "Insurance": -0.2, "School": -0.15,
                          "Government": -0.1},
    "FLAG_OWN_CAR": {"Y": -0.15},
    "NAME_CONTRACT_TYPE": {"Revolving loans": -0.3},
}


@dataclass(frozen=True, slots=True)
class Link:
    """How inputs map to risk: ``shock`` is added to every log-odds (after ``SCALE``), and
    the external scores' effects are multiplied by ``ext_scale``. ``Link()`` is the clean one."""

    shock: float = 0.0
    ext_scale: float = 1.0


CLEAN_LINK = Link()


def _num(frame: pd.DataFrame, name: str) -> NDArray[np.float64]:
    return frame[name].to_numpy(dtype=np.float64, na_value=np.nan)


def _level_effect(values: pd.Series, table: Mapping[str, float]) -> NDArray[np.float64]:
    return np.asarray(values.map(table).fillna(0.0).to_numpy(dtype=np.float64))


def risk_logit(frame: pd.DataFrame, link: Link = CLEAN_LINK) -> NDArray[np.float64]:
    """The latent log-odds of default of each row (observed fields only), under ``link``."""
    logit = np.zeros(len(frame))
    for name, (slope, centre, low_slope, when_missing) in _EXT.items():
        x = _num(frame, name)
        effect = slope * (x - centre) + low_slope * np.maximum(0.2 - x, 0.0)
        logit += link.ext_scale * np.where(np.isnan(x), when_missing, effect)
    age = -_num(frame, "DAYS_BIRTH") / 365.25
    logit += -0.012 * (age - 44.0)
    employed = _num(frame, "DAYS_EMPLOYED")
    sentinel = employed == DAYS_EMPLOYED_SENTINEL
    years = np.where(sentinel, 0.5, np.maximum(-employed, 0.0) / 365.25)
    logit += -0.25 * np.log1p(years)

    income = _num(frame, "AMT_INCOME_TOTAL")
    credit = _num(frame, "AMT_CREDIT")
    annuity = np.nan_to_num(_num(frame, "AMT_ANNUITY"), nan=0.0)
    goods = _num(frame, "AMT_GOODS_PRICE")
    credit_income = np.log(np.clip(credit / income, 0.05, 100.0))
    logit += 0.12 * credit_income + 0.004 * np.maximum(35.0 - age, 0.0) * credit_income
    logit += 0.6 * np.clip(annuity / income, 0.0, 1.0)
    credit_goods = np.where(np.isnan(goods), 1.0, credit / np.where(goods > 0, goods, credit))
    logit += 1.2 * np.clip(credit_goods - 1.0, -0.2, 0.6)
    term = np.where(annuity > 0, credit / np.where(annuity > 0, annuity, 1.0), 20.0)
    logit += 0.25 * np.log(np.clip(term, 5.0, 80.0) / 20.0)

    logit += 0.22 * (_num(frame, "REGION_RATING_CLIENT_W_CITY") - 2.0)
    logit += -0.025 * (-_num(frame, "DAYS_ID_PUBLISH") / 365.25)
    logit += -0.012 * (-_num(frame, "DAYS_REGISTRATION") / 365.25)
    logit += -0.08 * (-np.nan_to_num(_num(frame, "DAYS_LAST_PHONE_CHANGE"), nan=0.0) / 365.25)
    logit += 0.15 * _num(frame, "FLAG_DOCUMENT_3")
    logit += 0.20 * _num(frame, "REG_CITY_NOT_LIVE_CITY")
    logit += 0.10 * _num(frame, "REG_CITY_NOT_WORK_CITY")
    social_defaults = np.nan_to_num(_num(frame, "DEF_30_CNT_SOCIAL_CIRCLE"), nan=0.0)
    logit += 0.15 * np.minimum(social_defaults, 4.0)
    logit += 0.05 * np.minimum(_num(frame, "CNT_CHILDREN"), 4.0)
    for name, table in _LEVELS.items():
        logit += _level_effect(frame[name], table)
    logit += np.where(frame["OCCUPATION_TYPE"].isna().to_numpy(), -0.05, 0.0)
    return INTERCEPT + SCALE * logit + link.shock


def true_pd(frame: pd.DataFrame, link: Link = CLEAN_LINK) -> NDArray[np.float64]:
    """The true probability of default of each row: ``sigmoid(risk_logit(frame, link))``."""
    return expit(risk_logit(frame, link))
