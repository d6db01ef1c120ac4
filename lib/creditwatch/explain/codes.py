"""The reason-code table: stable codes, a short text, and the model features behind each.

Two kinds of rows:

* a *value* reason (R01-R29): what the applicant's values say. Every model feature belongs
  to exactly one (checked against the pipeline's feature list by :func:`resolve` and a test).
* a *missing* reason (R30-): a field the applicant did not give, said plainly ("No external
  score 1"). A feature's attribution goes to its missing reason when the feature is missing
  for this applicant *because* a field it is computed from is absent (an unknown category or
  an unusable value counts as absent: the model scores them as missing); a feature without a
  missing reason keeps its value reason. The DAYS_EMPLOYED sentinel (365243, not employed) is
  a given value, so it is a value reason (R08), not a missing one.

Members are model feature names or ``group:<schema group>`` (every raw field of that group in
:mod:`creditwatch.schema`). The fields shown with a reason are the raw fields its features
are computed from (:mod:`creditwatch.features.lineage`), never written here. Codes are stable:
a retired code is not reused, a new reason takes a new number.
"""

from __future__ import annotations

from dataclasses import dataclass

from creditwatch import schema


@dataclass(frozen=True, slots=True)
class ReasonCode:
    code: str
    text: str
    members: tuple[str, ...]
    missing: bool = False


def _value(code: str, text: str, *members: str) -> ReasonCode:
    return ReasonCode(code, text, members)


def _missing(code: str, text: str, *members: str) -> ReasonCode:
    return ReasonCode(code, text, members, missing=True)


_EXT_AGGREGATES = ("EXT_SOURCE_MEAN", "EXT_SOURCE_MIN", "EXT_SOURCE_MAX", "EXT_SOURCE_STD",
                   "EXT_SOURCE_PROD")

REASON_CODES: tuple[ReasonCode, ...] = (
    _value("R01", "Credit amount high relative to income", "CREDIT_INCOME_RATIO",
           "ANNUITY_INCOME_RATIO"),
    _value("R02", "External credit scores low", "EXT_SOURCE_1", "EXT_SOURCE_2", "EXT_SOURCE_3",
           *_EXT_AGGREGATES),
    _value("R03", "Some external credit scores missing", "EXT_SOURCE_NAN_COUNT"),
    _value("R04", "Credit amount and repayment terms", "AMT_CREDIT", "AMT_ANNUITY", "CREDIT_TERM"),
    _value("R05", "Credit amount compared with the price of the goods", "AMT_GOODS_PRICE",
           "GOODS_CREDIT_RATIO", "CREDIT_GOODS_DIFF"),
    _value("R06", "Income of the household", "AMT_INCOME_TOTAL", "INCOME_PER_PERSON"),
    _value("R07", "Age of the applicant", "DAYS_BIRTH", "AGE_YEARS"),
    _value("R08", "Time in current employment", "DAYS_EMPLOYED", "DAYS_EMPLOYED_ANOM",
           "EMPLOYED_AGE_RATIO"),
    _value("R09", "Income type, employer or occupation", "NAME_INCOME_TYPE", "ORGANIZATION_TYPE",
           "OCCUPATION_TYPE"),
    _value("R10", "Education", "NAME_EDUCATION_TYPE"),
    _value("R11", "Family situation", "NAME_FAMILY_STATUS", "CNT_CHILDREN", "CNT_FAM_MEMBERS"),
    _value("R12", "Gender", "CODE_GENDER"),
    _value("R13", "Housing situation", "NAME_HOUSING_TYPE", "FLAG_OWN_REALTY"),
    _value("R14", "Car ownership", "FLAG_OWN_CAR", "OWN_CAR_AGE"),
    _value("R15", "Type of loan", "NAME_CONTRACT_TYPE"),
    _value("R16", "Region of residence", "REGION_POPULATION_RELATIVE", "REGION_RATING_CLIENT",
           "REGION_RATING_CLIENT_W_CITY"),
    _value("R17", "Home, work and registered addresses differ", "REG_REGION_NOT_LIVE_REGION",
           "REG_REGION_NOT_WORK_REGION", "LIVE_REGION_NOT_WORK_REGION", "REG_CITY_NOT_LIVE_CITY",
           "REG_CITY_NOT_WORK_CITY", "LIVE_CITY_NOT_WORK_CITY"),
    _value("R18", "Recent change of registration, identity document or phone",
           "DAYS_REGISTRATION", "DAYS_ID_PUBLISH", "DAYS_LAST_PHONE_CHANGE"),
    _value("R19", "Contact details given", "group:contact"),
    _value("R20", "Documents provided", "group:documents"),
    _value("R21", "Credit bureau enquiries", "group:bureau"),
    _value("R22", "Defaults in the social circle", "group:social"),
    _value("R23", "Building of the residence", "group:building"),
    _value("R24", "Day and hour of the application", "group:process"),
    _value("R25", "Accompanied when applying", "NAME_TYPE_SUITE"),
    _missing("R30", "No external score 1", "EXT_SOURCE_1"),
    _missing("R31", "No external score 2", "EXT_SOURCE_2"),
    _missing("R32", "No external score 3", "EXT_SOURCE_3"),
    _missing("R33", "No external credit score at all", *_EXT_AGGREGATES),
    _missing("R34", "No loan annuity given", "AMT_ANNUITY", "ANNUITY_INCOME_RATIO", "CREDIT_TERM"),
    _missing("R35", "No price of the goods given", "AMT_GOODS_PRICE", "GOODS_CREDIT_RATIO",
             "CREDIT_GOODS_DIFF"),
    _missing("R36", "No employment length given", "DAYS_EMPLOYED", "EMPLOYED_AGE_RATIO"),
    _missing("R37", "No occupation given", "OCCUPATION_TYPE"),
    _missing("R38", "No family size given", "CNT_FAM_MEMBERS", "INCOME_PER_PERSON"),
    _missing("R39", "No car age given", "OWN_CAR_AGE"),
    _missing("R40", "No credit bureau record", "group:bureau"),
    _missing("R41", "No social circle information", "group:social"),
    _missing("R42", "No information on the building", "group:building"),
)


class ReasonTableError(ValueError):
    """The table does not cover the model's features exactly once."""


def _expand(member: str, features: list[str]) -> list[str]:
    if member.startswith("group:"):
        group = member.removeprefix("group:")
        names = [f.name for f in schema.FIELDS if f.group == group]
        if not names:
            raise ReasonTableError(f"no schema group {group!r}")
        return [n for n in names if n in features]
    if member not in features:
        raise ReasonTableError(f"{member!r} is not a model feature")
    return [member]


def resolve(features: list[str],
            table: tuple[ReasonCode, ...] = REASON_CODES) -> tuple[list[int], list[int]]:
    """Per model feature: the index in ``table`` of its value reason, and of its missing
    reason (its value reason when it has none). Raises when a feature has no value reason or
    two, or two missing reasons, or a member is not a model feature."""
    value: dict[str, int] = {}
    missing: dict[str, int] = {}
    for i, row in enumerate(table):
        target = missing if row.missing else value
        for member in row.members:
            for name in _expand(member, features):
                if name in target:
                    raise ReasonTableError(f"{name} is in both {table[target[name]].code} and {row.code}")
                target[name] = i
    uncovered = [f for f in features if f not in value]
    if uncovered:
        raise ReasonTableError(f"model features without a reason code: {', '.join(uncovered)}")
    return [value[f] for f in features], [missing.get(f, value[f]) for f in features]
