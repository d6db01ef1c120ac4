"""Everything around the applicant: contact flags, addresses, timing, documents, social circle
and credit-bureau enquiries.

Work-related fields follow employment: the not employed have no work phone and no work
address mismatch. The social-circle block (~0.3 %) and the bureau block (~13.5 %) are
missing all together, as in the real file.
"""

from __future__ import annotations

import numpy as np

from creditwatch.schema import DAYS_EMPLOYED_SENTINEL
from creditwatch.synthetic import marginals as M
from creditwatch.synthetic.applicant import Columns
from creditwatch.synthetic.sampling import categorical, flag, integers, nb_counts
from creditwatch.synthetic.shift import DriftPlan

SOCIAL_MISSING = 1_021 / 307_511
BUREAU_MISSING = 0.135
# Bureau enquiries: (mean, negative-binomial shape, cap) fitted to the real means and zero shares.
BUREAU = {"HOUR": (0.0064, 1.0, 4), "DAY": (0.007, 0.8, 9), "WEEK": (0.034, 0.5, 8),
          "MON": (0.267, 0.2, 27), "QRT": (0.265, 0.3, 261), "YEAR": (1.9, 1.5, 25)}


def draw_context(rng: np.random.Generator, n: int, applicant: Columns, plan: DriftPlan) -> Columns:
    """Contact, address, timing, document, social-circle and bureau columns."""
    u = rng.random((20, n))
    employed = applicant["DAYS_EMPLOYED"] != DAYS_EMPLOYED_SENTINEL
    c: Columns = {}
    c["FLAG_MOBIL"] = flag(u[0], 1 - 3e-6)
    c["FLAG_EMP_PHONE"] = employed.astype(np.int64)
    c["FLAG_WORK_PHONE"] = flag(u[1], np.where(employed, 0.24, 0.005))
    c["FLAG_CONT_MOBILE"] = flag(u[2], 0.998)
    c["FLAG_PHONE"] = flag(u[3], np.where(employed, 0.245, 0.45))
    c["FLAG_EMAIL"] = plan.move("FLAG_EMAIL", flag(u[4], np.where(employed, 0.067, 0.01)))

    c["WEEKDAY_APPR_PROCESS_START"] = plan.move("WEEKDAY_APPR_PROCESS_START",
                                                categorical(u[5], M.WEEKDAY))
    hour = np.round(12.0 + 3.2 * rng.standard_normal(n))
    c["HOUR_APPR_PROCESS_START"] = np.clip(hour, 0, 23).astype(np.int64)

    # Address mismatches: region-level ones imply city-level ones; work ones need a job.
    reg_city_not_live = flag(u[6], 0.078)
    live_city_not_work = flag(u[7], 0.218) * employed
    live_region_not_work = live_city_not_work * flag(u[8], 0.23)
    c["REG_REGION_NOT_LIVE_REGION"] = reg_city_not_live * flag(u[9], 0.19)
    c["REG_REGION_NOT_WORK_REGION"] = np.maximum(live_region_not_work,
                                                 c["REG_REGION_NOT_LIVE_REGION"] * employed)
    c["LIVE_REGION_NOT_WORK_REGION"] = live_region_not_work
    c["REG_CITY_NOT_LIVE_CITY"] = reg_city_not_live
    c["REG_CITY_NOT_WORK_CITY"] = np.maximum(live_city_not_work,
                                             np.maximum(reg_city_not_live, flag(u[10], 0.03))
                                             * employed)
    c["LIVE_CITY_NOT_WORK_CITY"] = live_city_not_work

    # Social circle: observed counts, defaults among them; the 60-day view barely differs.
    obs30 = np.minimum(nb_counts(rng, n, 1.42, 0.45), 348.0)
    def30 = np.minimum(rng.binomial(obs30.astype(np.int64), 0.1).astype(float), 34.0)
    obs60 = obs30 - rng.binomial(obs30.astype(np.int64), 0.01)
    def60 = np.minimum(rng.binomial(def30.astype(np.int64), 0.7).astype(float), 24.0)
    social_missing = u[11] < SOCIAL_MISSING
    for name, values in (("OBS_30", obs30), ("DEF_30", def30), ("OBS_60", obs60),
                         ("DEF_60", def60)):
        c[f"{name}_CNT_SOCIAL_CIRCLE"] = np.where(social_missing, np.nan, values)

    changed_today = u[12] < 0.123
    phone_days = np.minimum(np.floor(rng.gamma(1.1, 1_000.0, n)), 4_292.0)
    c["DAYS_LAST_PHONE_CHANGE"] = np.where(changed_today, 0.0, -phone_days)

    main_doc = integers(u[13], M.MAIN_DOCUMENT)
    rare = rng.random((len(M.RARE_DOCUMENTS), n))
    for i in range(2, 22):
        if i in M.MAIN_DOCUMENT:
            c[f"FLAG_DOCUMENT_{i}"] = (main_doc == i).astype(np.int64)
        else:
            c[f"FLAG_DOCUMENT_{i}"] = flag(rare[list(M.RARE_DOCUMENTS).index(i)],
                                           M.RARE_DOCUMENTS[i])

    bureau_missing = u[14] < BUREAU_MISSING
    for period, (mean, shape, cap) in BUREAU.items():
        counts = np.minimum(nb_counts(rng, n, mean, shape), float(cap))
        c[f"AMT_REQ_CREDIT_BUREAU_{period}"] = np.where(bureau_missing, np.nan, counts)
    return c
