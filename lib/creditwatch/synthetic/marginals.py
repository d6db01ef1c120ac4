"""Marginal shares the synthetic generator reproduces, taken from the full real train file.

Figures come from ``shared/reference/home_credit_application_schema.md`` and public EDA of
the 307,511-row ``application_train.csv``. Shares need not sum to one: the drawing helper
normalises them, so the real counts can be written down as they are.
"""

from __future__ import annotations

from creditwatch.schema import ORGANIZATION_TYPES, XNA

CONTRACT = {"Cash loans": 278_232, "Revolving loans": 29_279}
# XNA is 4 rows in 307k; a little more here so that a 100k sample shows a few.
GENDER = {"F": 202_448, "M": 105_059, XNA: 10}
SUITE = {"Unaccompanied": 248_526, "Family": 40_149, "Spouse, partner": 11_370,
         "Children": 3_267, "Other_B": 1_770, "Other_A": 866, "Group of people": 271}
SUITE_MISSING = 1_292 / 307_511
# Pensioner and Unemployed are the rows with the DAYS_EMPLOYED sentinel and XNA employer.
INCOME_TYPE = {"Working": 158_774, "Commercial associate": 71_617, "Pensioner": 55_362,
               "State servant": 21_703, "Unemployed": 22, "Student": 18, "Businessman": 10,
               "Maternity leave": 5}
NOT_EMPLOYED = ("Pensioner", "Unemployed")
EDUCATION = {"Secondary / secondary special": 218_391, "Higher education": 74_863,
             "Incomplete higher": 10_277, "Lower secondary": 3_816, "Academic degree": 164}
# Family status differs for pensioners (more widows); mixed they give the real shares.
FAMILY_PENSIONER = {"Married": 0.55, "Widow": 0.20, "Single / not married": 0.08,
                    "Civil marriage": 0.07, "Separated": 0.10, "Unknown": 0.00001}
FAMILY_OTHER = {"Married": 0.659, "Widow": 0.0195, "Single / not married": 0.163,
                "Civil marriage": 0.103, "Separated": 0.056, "Unknown": 0.000005}
HOUSING_OTHER = {"House / apartment": 272_868, "Municipal apartment": 11_183,
                 "Rented apartment": 4_881, "Office apartment": 2_617, "Co-op apartment": 1_122}
WITH_PARENTS_YOUNG, WITH_PARENTS_OTHER = 0.15, 0.023  # applicants under 30 vs the others
CHILDREN_WORKING = {0: 0.64, 1: 0.243, 2: 0.106, 3: 0.0146, 4: 0.0017, 5: 0.0003, 6: 0.0001,
                    8: 0.00003, 11: 0.00001, 14: 0.000005, 19: 0.000002}
CHILDREN_PENSIONER = {0: 0.97, 1: 0.024, 2: 0.005, 3: 0.001}
OCCUPATION_F = {"Sales staff": 0.17, "Core staff": 0.16, "Laborers": 0.17, "Accountants": 0.06,
                "Medicine staff": 0.055, "Managers": 0.09, "High skill tech staff": 0.045,
                "Cooking staff": 0.033, "Cleaning staff": 0.03, "Private service staff": 0.017,
                "Waiters/barmen staff": 0.007, "Secretaries": 0.009, "Low-skill Laborers": 0.006,
                "Realty agents": 0.004, "HR staff": 0.004, "IT staff": 0.002,
                "Drivers": 0.01, "Security staff": 0.01}
OCCUPATION_M = {"Laborers": 0.38, "Drivers": 0.23, "Managers": 0.11, "Core staff": 0.07,
                "Security staff": 0.07, "High skill tech staff": 0.065, "Sales staff": 0.04,
                "Low-skill Laborers": 0.018, "Accountants": 0.004, "Cooking staff": 0.008,
                "Medicine staff": 0.004, "IT staff": 0.005, "Waiters/barmen staff": 0.004,
                "Private service staff": 0.002, "Realty agents": 0.002, "Cleaning staff": 0.002,
                "Secretaries": 0.0005, "HR staff": 0.0005}
OCCUPATION_MISSING_WORKING = 0.163  # among employed rows; pensioners have no occupation

# Employer shares among employed rows (real counts; XNA is reserved for the not employed).
_ORG_COUNTS = {
    "Business Entity Type 3": 67_992, "Self-employed": 38_412, "Other": 16_683,
    "Medicine": 11_193, "Business Entity Type 2": 10_553, "Government": 10_404,
    "School": 8_893, "Trade: type 7": 7_831, "Kindergarten": 6_880, "Construction": 6_721,
    "Business Entity Type 1": 5_984, "Transport: type 4": 5_398, "Trade: type 3": 3_492,
    "Industry: type 9": 3_368, "Industry: type 3": 3_278, "Security": 3_247,
    "Housing": 2_958, "Industry: type 11": 2_704, "Military": 2_634, "Bank": 2_507,
    "Agriculture": 2_454, "Police": 2_341, "Transport: type 2": 2_204, "Postal": 2_157,
    "Security Ministries": 1_974, "Trade: type 2": 1_900, "Restaurant": 1_811,
    "Services": 1_575, "University": 1_327, "Industry: type 7": 1_307,
    "Transport: type 3": 1_187, "Industry: type 1": 1_039, "Hotel": 966, "Electricity": 950,
    "Industry: type 4": 877, "Trade: type 6": 631, "Industry: type 5": 599, "Insurance": 597,
    "Telecom": 577, "Emergency": 560, "Industry: type 2": 458, "Advertising": 429,
    "Realtor": 396, "Culture": 379, "Industry: type 12": 369, "Trade: type 1": 348,
    "Mobile": 317, "Legal Services": 305, "Cleaning": 260, "Transport: type 1": 201,
    "Industry: type 6": 112, "Industry: type 10": 109, "Religion": 85, "Industry: type 13": 67,
    "Trade: type 4": 64, "Trade: type 5": 49, "Industry: type 8": 24,
}
ORGANIZATION = {name: _ORG_COUNTS[name] for name in ORGANIZATION_TYPES if name != XNA}
STATE_ORGANIZATIONS = ("Government", "School", "Medicine", "Kindergarten", "Military",
                       "Police", "Security Ministries", "University", "Postal", "Emergency",
                       "Culture", "Electricity", "Housing")
WEEKDAY = {"MONDAY": 50_714, "TUESDAY": 53_901, "WEDNESDAY": 51_934, "THURSDAY": 50_591,
           "FRIDAY": 50_338, "SATURDAY": 33_852, "SUNDAY": 16_181}

# Regions: (REGION_POPULATION_RELATIVE, rating, weight inside the rating). The rating shares are
# the real 10.5 / 73.8 / 15.7 %; populous regions are rated 1, sparse ones 3.
RATING_SHARE = {1: 0.105, 2: 0.738, 3: 0.157}
REGIONS: tuple[tuple[float, int, float], ...] = (
    (0.072508, 1, 2.7), (0.04622, 1, 4.4), (0.032561, 1, 1.9), (0.030755, 1, 1.5),
    (0.035792, 2, 5.3), (0.031329, 2, 3.7), (0.028663, 2, 3.8), (0.026392, 2, 3.7),
    (0.025164, 2, 3.9), (0.0228, 2, 2.2), (0.020713, 2, 2.6), (0.019689, 2, 1.9),
    (0.019101, 2, 3.4), (0.01885, 2, 2.4), (0.018801, 2, 3.3), (0.018634, 2, 2.0),
    (0.018209, 2, 2.0), (0.016612, 2, 2.1), (0.015221, 2, 1.2), (0.01452, 2, 1.2),
    (0.010966, 2, 1.1), (0.010643, 2, 1.0), (0.010147, 2, 1.5), (0.010032, 2, 2.0),
    (0.010006, 2, 2.5), (0.009657, 2, 1.8), (0.009549, 2, 1.0), (0.009334, 2, 1.7),
    (0.009175, 2, 1.4), (0.008866, 2, 0.9), (0.008575, 2, 1.5), (0.008474, 2, 1.2),
    (0.008068, 2, 0.9), (0.008019, 2, 1.6), (0.007305, 2, 1.3), (0.00702, 2, 1.4),
    (0.006852, 2, 0.8), (0.006671, 2, 0.8),
    (0.006629, 3, 1.2), (0.006305, 3, 1.2), (0.006233, 3, 1.4), (0.006008, 3, 1.3),
    (0.005313, 3, 1.1), (0.005144, 3, 1.0), (0.005002, 3, 1.3), (0.00496, 3, 1.0),
    (0.004849, 3, 1.0), (0.003818, 3, 0.9), (0.003813, 3, 0.8), (0.003541, 3, 1.0),
    (0.003122, 3, 0.8), (0.003069, 3, 0.8), (0.002506, 3, 0.6), (0.002134, 3, 0.5),
    (0.002042, 3, 0.5), (0.001808, 3, 0.4), (0.001417, 3, 0.3), (0.001333, 3, 0.3),
    (0.001276, 3, 0.3), (0.000938, 3, 0.2), (0.000533, 3, 0.1), (0.00029, 3, 0.05),
)

# Identity document flags: one main document (3, 6 or 8) or none, plus rare independent ones.
MAIN_DOCUMENT = {3: 0.710, 6: 0.088, 8: 0.081, 0: 0.121}
RARE_DOCUMENTS = {2: 4.2e-5, 4: 8.1e-5, 5: 0.0151, 7: 1.9e-4, 9: 0.0039, 10: 2.3e-5,
                  11: 0.0039, 12: 6.5e-6, 13: 0.0035, 14: 0.0029, 15: 0.0012, 16: 0.0099,
                  17: 2.7e-4, 18: 0.0081, 19: 5.9e-4, 20: 5.1e-4, 21: 3.3e-4}

# Building block: share of rows with any building information, then each measure's own
# overall missing rate (nested: a row holding a rare measure holds the common ones too).
BUILDING_PRESENT = 0.527
BUILDING_MISSING = {
    "APARTMENTS": 0.507, "BASEMENTAREA": 0.585, "YEARS_BEGINEXPLUATATION": 0.488,
    "YEARS_BUILD": 0.665, "COMMONAREA": 0.699, "ELEVATORS": 0.533, "ENTRANCES": 0.503,
    "FLOORSMAX": 0.498, "FLOORSMIN": 0.678, "LANDAREA": 0.594, "LIVINGAPARTMENTS": 0.684,
    "LIVINGAREA": 0.502, "NONLIVINGAPARTMENTS": 0.694, "NONLIVINGAREA": 0.552,
    "TOTALAREA": 0.483, "FONDKAPREMONT": 0.684, "HOUSETYPE": 0.502, "WALLSMATERIAL": 0.508,
    "EMERGENCYSTATE": 0.474,
}
FONDKAPREMONT = {"reg oper account": 73_830, "reg oper spec account": 12_080,
                 "org spec account": 5_687, "not specified": 5_687}
HOUSETYPE = {"block of flats": 150_503, "specific housing": 1_499, "terraced house": 1_212}
WALLSMATERIAL = {"Panel": 66_040, "Stone, brick": 64_815, "Block": 9_253, "Wooden": 5_362,
                 "Mixed": 2_296, "Monolithic": 1_779, "Others": 1_625}
EMERGENCYSTATE = {"No": 159_428, "Yes": 2_328}
