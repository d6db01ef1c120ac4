"""The applicant: demographics, employment, region, income, car and the external scores.

The DAYS_EMPLOYED sentinel, ORGANIZATION_TYPE "XNA", FLAG_EMP_PHONE 0 and a missing
occupation all follow from one fact (income type Pensioner or Unemployed), as in the real file.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from scipy.special import expit, logit, ndtr

from creditwatch.schema import DAYS_EMPLOYED_SENTINEL, FIELD_BY_NAME, XNA
from creditwatch.synthetic import marginals as M
from creditwatch.synthetic.sampling import Floats, categorical, integers, round_to, with_missing
from creditwatch.synthetic.shift import DriftPlan

Columns = dict[str, NDArray[np.generic]]
DAYS_PER_YEAR = 365.25
LOG_INCOME_MEDIAN = 11.899  # ln(147,150), the real median income
# External scores: probit-normal on [low, high], fitted to the real mean and SD, and a Gaussian
# copula on (standardised age, hidden credit quality, standardised region rating).
_EXT = {  # name: (low, high, mu, sigma, age, quality, rating, missing share)
    "EXT_SOURCE_1": (0.0146, 0.963, 0.0419, 0.6648, 0.60, 0.25, -0.05, 0.564),
    "EXT_SOURCE_2": (0.0, 0.855, 0.3123, 0.6956, 0.09, 0.45, -0.30, 0.0021),
    "EXT_SOURCE_3": (0.0, 0.896, 0.212, 0.6567, 0.21, 0.30, -0.05, 0.198),
}


def _regions(u: Floats) -> tuple[Floats, NDArray[np.int64]]:
    weights = np.array([M.RATING_SHARE[r] * w for _, r, w in M.REGIONS], dtype=float)
    for rating in M.RATING_SHARE:  # weights are relative inside each rating
        inside = np.array([r == rating for _, r, _ in M.REGIONS])
        weights[inside] /= sum(w for _, r, w in M.REGIONS if r == rating)
    idx = np.minimum(np.searchsorted(np.cumsum(weights) / weights.sum(), u, side="right"),
                     len(M.REGIONS) - 1)
    population = np.array([p for p, _, _ in M.REGIONS])[idx]
    rating = np.array([r for _, r, _ in M.REGIONS], dtype=np.int64)[idx]
    return population, rating


def draw_applicant(rng: np.random.Generator, n: int, plan: DriftPlan) -> Columns:
    """The applicant's columns (demographics, employment, region, income, car, scores)."""
    u = rng.random((24, n))
    c: Columns = {}
    c["NAME_CONTRACT_TYPE"] = categorical(u[0], M.CONTRACT)
    gender = plan.move("CODE_GENDER", categorical(u[1], M.GENDER))
    c["CODE_GENDER"] = gender
    income_type = plan.move("NAME_INCOME_TYPE", categorical(u[2], M.INCOME_TYPE))
    c["NAME_INCOME_TYPE"] = income_type
    pensioner = income_type == "Pensioner"
    not_employed = np.isin(income_type, M.NOT_EMPLOYED)
    education = plan.move("NAME_EDUCATION_TYPE", categorical(u[3], M.EDUCATION))
    c["NAME_EDUCATION_TYPE"] = education

    # Age: workers 20.6..67 years (mean ~40), pensioners 45..69 (mean ~60).
    age = np.where(pensioner, 45.0 + 24.0 * rng.beta(3.0, 1.6, n),
                   20.6 + 46.4 * rng.beta(1.6, 2.2, n))
    c["DAYS_BIRTH"] = -np.floor(age * DAYS_PER_YEAR).astype(np.int64)
    family = np.where(pensioner, categorical(u[4], M.FAMILY_PENSIONER),
                      categorical(u[4], M.FAMILY_OTHER))
    family = plan.move("NAME_FAMILY_STATUS", family)
    c["NAME_FAMILY_STATUS"] = family
    children = np.where(pensioner, integers(u[5], M.CHILDREN_PENSIONER),
                        integers(u[5], M.CHILDREN_WORKING))
    c["CNT_CHILDREN"] = children
    couple = np.isin(family, ("Married", "Civil marriage"))
    c["CNT_FAM_MEMBERS"] = (children + 1 + couple).astype(np.float64)
    with_parents = u[6] < np.where(age < 30, M.WITH_PARENTS_YOUNG, M.WITH_PARENTS_OTHER)
    housing = np.where(with_parents, "With parents", categorical(u[7], M.HOUSING_OTHER))
    housing = plan.move("NAME_HOUSING_TYPE", housing.astype(object))
    c["NAME_HOUSING_TYPE"] = housing
    c["NAME_TYPE_SUITE"] = with_missing(categorical(u[8], M.SUITE), u[9] < M.SUITE_MISSING)
    owns_home = u[10] < np.where(housing == "House / apartment", 0.72, 0.45)
    realty = np.where(owns_home, "Y", "N").astype(object)
    c["FLAG_OWN_REALTY"] = plan.move("FLAG_OWN_REALTY", realty)

    # Employment: gamma-distributed tenure, never longer than the working life so far.
    years = np.minimum(rng.gamma(1.2, 5.3, n), np.minimum(age - 16.0, 49.0))
    employed_days = -np.floor(np.maximum(years, 0.0) * DAYS_PER_YEAR).astype(np.int64)
    c["DAYS_EMPLOYED"] = np.where(not_employed, DAYS_EMPLOYED_SENTINEL, employed_days)
    org = np.where(income_type == "State servant",
                   categorical(u[11], {k: M.ORGANIZATION[k] for k in M.STATE_ORGANIZATIONS}),
                   categorical(u[11], M.ORGANIZATION))
    org = plan.move("ORGANIZATION_TYPE", org.astype(object), eligible=~not_employed)
    org[not_employed] = XNA
    c["ORGANIZATION_TYPE"] = org
    occupation = np.where(gender == "M", categorical(u[12], M.OCCUPATION_M),
                          categorical(u[12], M.OCCUPATION_F))
    no_occupation = not_employed | (u[13] < M.OCCUPATION_MISSING_WORKING)
    occupation = plan.move("OCCUPATION_TYPE", occupation.astype(object), eligible=~no_occupation)
    c["OCCUPATION_TYPE"] = with_missing(occupation, no_occupation)

    # Registration and identity-document dates follow age (passports renewed at 20 and 45).
    reg_years = np.maximum(age - 18.0, 0.5) * rng.beta(1.6, 1.4, n)
    c["DAYS_REGISTRATION"] = -np.floor(np.minimum(reg_years * DAYS_PER_YEAR, 24_672.0))
    since_renewal = np.clip(np.where(age < 45, age - 20.0, age - 45.0), 0.05, 19.7)
    id_years = since_renewal * u[14] ** 0.4
    c["DAYS_ID_PUBLISH"] = -np.floor(id_years * DAYS_PER_YEAR).astype(np.int64)

    population, rating = _regions(u[15])
    c["REGION_POPULATION_RELATIVE"] = population
    c["REGION_RATING_CLIENT"] = rating
    c["REGION_RATING_CLIENT_W_CITY"] = np.where(
        (rating == 3) & (u[16] < 0.09), 2, np.where((rating == 2) & (u[16] < 0.008), 1, rating))

    # Income: log-normal around the real median, shifted by education, gender, income type.
    shift = (np.select([education == "Higher education", education == "Academic degree",
                        education == "Lower secondary"], [0.25, 0.5, -0.15], 0.0)
             + 0.15 * (gender == "M") - 0.30 * pensioner
             + 0.08 * (income_type == "Commercial associate")
             + np.select([rating == 1, rating == 3], [0.2, -0.15], 0.0))
    log_income = LOG_INCOME_MEDIAN - 0.07 + shift + 0.40 * rng.standard_normal(n)
    income = np.exp(log_income)
    step = np.where(income < 50_000, 4_500.0,
                    np.select([u[17] < 0.65, u[17] < 0.95], [22_500.0, 4_500.0], 450.0))
    c["AMT_INCOME_TOTAL"] = np.maximum(round_to(income, step), 25_650.0)

    # Car: more men and higher incomes own one; no car means no car age.
    base = np.select([gender == "M", gender == "F"], [0.51, 0.25], 0.30)
    p_car = expit(logit(base) + 0.5 * (log_income - LOG_INCOME_MEDIAN) / 0.435)
    car = plan.move("FLAG_OWN_CAR", np.where(u[18] < p_car, "Y", "N").astype(object))
    c["FLAG_OWN_CAR"] = car
    car_age = np.select([u[19] < 0.02, u[19] < 0.035], [64.0, 65.0],
                        np.minimum(np.floor(rng.gamma(2.0, 5.1, n)), 91.0))
    c["OWN_CAR_AGE"] = np.where(car == "Y", car_age, np.nan)

    # External scores: correlated through age, a hidden quality factor and the region rating.
    a = (age - 43.9) / 12.0
    q = rng.standard_normal(n)
    r = (rating - 2.05) / 0.51
    for k, (name, (low, high, mu, sigma, la, lq, lr, miss)) in enumerate(_EXT.items()):
        z = la * a + lq * q + lr * r + np.sqrt(1 - la**2 - lq**2 - lr**2) * rng.standard_normal(n)
        typical = FIELD_BY_NAME[name].typical
        assert typical is not None
        score = np.clip(low + (high - low) * ndtr(mu + sigma * z), *typical)
        c[name] = np.where(u[20 + k] < miss, np.nan, score)
    return c
