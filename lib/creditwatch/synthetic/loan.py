"""The loan: goods price, credit amount and annuity, tied to the applicant's income.

Cash loans: a round goods price (log-normal, rising with income), a credit of the price times
an insurance/fee factor (equal to it for a quarter of the loans, a little below it for a few
with a down payment), and an annuity from a 10-60 month term chosen so the payment stays near
an affordable share of income. Revolving loans: a round limit, goods price equal to it (rarely
missing) and an annuity of 5 % of the limit, as in the real file.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from creditwatch.synthetic.applicant import LOG_INCOME_MEDIAN, Columns
from creditwatch.synthetic.sampling import Floats, round_to

TERMS = np.array([10, 12, 18, 24, 30, 36, 42, 48, 54, 60], dtype=float)  # months
CREDIT_MIN, CREDIT_MAX = 45_000.0, 4_050_000.0
GOODS_MIN = 40_500.0
ANNUITY_MIN = 1_615.5


def payment_factor(rate: Floats, months: Floats) -> Floats:
    """Monthly payment per unit of credit for a monthly ``rate`` over ``months``."""
    return rate / (1.0 - (1.0 + rate) ** -months)


def _terms(rate: Floats, factor: Floats) -> Floats:
    """The allowed term whose payment factor is closest to ``factor`` (in months)."""
    safe = np.maximum(factor, rate * 1.0001)
    months = -np.log1p(-rate / safe) / np.log1p(rate)
    idx = np.abs(months[:, None] - TERMS[None, :]).argmin(axis=1)
    return TERMS[idx]


def draw_loan(rng: np.random.Generator, n: int, applicant: Columns) -> Columns:
    """AMT_CREDIT, AMT_ANNUITY and AMT_GOODS_PRICE for each applicant."""
    u = rng.random((6, n))
    income = applicant["AMT_INCOME_TOTAL"].astype(np.float64)
    income_z = np.log(income) - LOG_INCOME_MEDIAN
    revolving = applicant["NAME_CONTRACT_TYPE"] == "Revolving loans"

    goods = np.exp(13.06 + 0.55 * income_z + 0.64 * rng.standard_normal(n))
    goods = np.clip(round_to(goods, np.where(u[0] < 0.6, 45_000.0, 4_500.0)), GOODS_MIN, 3_600_000)
    ratio = np.select([u[1] < 0.25, u[1] < 0.95], [1.0, 1.0 + rng.gamma(2.0, 0.085, n)],
                      0.8 + 0.2 * u[2])
    cash_credit = np.clip(round_to(goods * ratio, 0.5), CREDIT_MIN, CREDIT_MAX)

    limit = np.exp(12.45 + 0.40 * income_z + 0.50 * rng.standard_normal(n))
    limit = np.clip(round_to(limit, 22_500.0), CREDIT_MIN, 1_350_000.0)

    # Term: the one that keeps annuity / income near a drawn affordability share.
    rate = 0.012 + 0.016 * u[3]
    share = np.exp(np.log(0.16) + 0.35 * rng.standard_normal(n))
    term = _terms(rate, share * income / cash_credit)
    cash_annuity = np.maximum(round_to(cash_credit * payment_factor(rate, term), 1.5),
                              ANNUITY_MIN)

    credit = np.where(revolving, limit, cash_credit)
    annuity = np.where(revolving, np.maximum(0.05 * limit, ANNUITY_MIN), cash_annuity)
    goods_price = np.where(revolving, np.where(u[4] < 0.0095, np.nan, limit), goods)
    out: dict[str, NDArray[np.generic]] = {
        "AMT_CREDIT": credit,
        "AMT_ANNUITY": np.where(u[5] < 4e-5, np.nan, annuity),  # 12 of 307,511 in the real file
        "AMT_GOODS_PRICE": goods_price,
    }
    return out
