"""The Home Credit application schema: the one source of truth for the 120 input fields.

Everything that touches raw applications reads this module: the synthetic generator,
the real-file loader, the feature pipeline, API validation and drift column typing.

Two kinds of bounds are kept per numeric field, because they answer different questions:

* ``valid``: physically possible values. Outside them a value is an error (a negative
  amount, a birth date in the future, an EXT_SOURCE outside [0, 1]) and the API rejects it.
* ``typical``: the range seen in the full real ``application_train.csv`` (outliers included,
  see ``shared/reference/home_credit_application_schema.md``). Outside it a value is
  *accepted* but flagged "out of range" and lowers the data-quality score, so a valid real
  application is never rejected.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Kind = Literal["numeric", "categorical"]
DType = Literal["int", "float", "str"]

ID_COLUMN = "SK_ID_CURR"
TARGET_COLUMN = "TARGET"
TRUE_PD_COLUMN = "TRUE_PD"  # synthetic files: the generator's true default probability
APPLICATION_TIME = "application_time"  # API requests: the application's own time
DAYS_EMPLOYED_SENTINEL = 365243  # "not employed" (pensioners, unemployed): about 1000 years
XNA = "XNA"  # Home Credit's "not available" category value
_MAX_DAYS = -43830  # 120 years, as a negative day offset


@dataclass(frozen=True, slots=True)
class Field:
    """One application input field."""

    name: str
    dtype: DType
    kind: Kind
    group: str
    description: str = ""
    categories: tuple[str | int, ...] | None = None
    closed: bool = False  # closed sets reject unknown values; open ones score them as missing
    valid: tuple[float, float] | None = None
    typical: tuple[float, float] | None = None
    sentinel: float | None = None
    required: bool = False

    @property
    def is_numeric(self) -> bool:
        return self.kind == "numeric"


def _num(name: str, dtype: DType, group: str, valid: tuple[float, float],
         typical: tuple[float, float], description: str = "", **kw: object) -> Field:
    return Field(name, dtype, "numeric", group, description, valid=valid, typical=typical,
                 **kw)  # type: ignore[arg-type]


def _cat(name: str, group: str, categories: Iterable[str], *, closed: bool,
         description: str = "") -> Field:
    return Field(name, "str", "categorical", group, description,
                 categories=tuple(categories), closed=closed)


def _flag(name: str, group: str, description: str = "") -> Field:
    """A 0/1 integer flag: a closed two-level category for validation and drift."""
    return Field(name, "int", "categorical", group, description, categories=(0, 1), closed=True,
                 valid=(0, 1), typical=(0, 1))


ORGANIZATION_TYPES = (
    "Business Entity Type 1", "Business Entity Type 2", "Business Entity Type 3",
    "School", "Government", "Religion", "Other", XNA, "Electricity", "Medicine",
    "Self-employed", "Transport: type 1", "Transport: type 2", "Transport: type 3",
    "Transport: type 4", "Construction", "Housing", "Kindergarten",
    *(f"Trade: type {i}" for i in range(1, 8)),
    *(f"Industry: type {i}" for i in range(1, 14)),
    "Military", "Services", "Security Ministries", "Emergency", "Security", "University",
    "Police", "Postal", "Agriculture", "Restaurant", "Culture", "Hotel", "Bank", "Insurance",
    "Mobile", "Legal Services", "Advertising", "Cleaning", "Telecom", "Realtor",
)
OCCUPATION_TYPES = (
    "Laborers", "Core staff", "Accountants", "Managers", "Drivers", "Sales staff",
    "Cleaning staff", "Cooking staff", "Private service staff", "Medicine staff",
    "Security staff", "High skill tech staff", "Waiters/barmen staff", "Low-skill Laborers",
    "Realty agents", "Secretaries", "IT staff", "HR staff",
)
WEEKDAYS = ("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY")
BUILDING_MEASURES = (
    "APARTMENTS", "BASEMENTAREA", "YEARS_BEGINEXPLUATATION", "YEARS_BUILD", "COMMONAREA",
    "ELEVATORS", "ENTRANCES", "FLOORSMAX", "FLOORSMIN", "LANDAREA", "LIVINGAPARTMENTS",
    "LIVINGAREA", "NONLIVINGAPARTMENTS", "NONLIVINGAREA",
)
_AMOUNT = (0.0, 1e10)
_DAYS = (float(_MAX_DAYS), 0.0)
_UNIT = (0.0, 1.0)
_COUNT = (0.0, 10_000.0)

_CORE: list[Field] = [
    _cat("NAME_CONTRACT_TYPE", "contract", ("Cash loans", "Revolving loans"), closed=True,
         description="Cash or revolving loan"),
    _cat("CODE_GENDER", "client", ("F", "M", XNA), closed=True, description="Gender"),
    _cat("FLAG_OWN_CAR", "client", ("Y", "N"), closed=True, description="Owns a car"),
    _cat("FLAG_OWN_REALTY", "client", ("Y", "N"), closed=True,
         description="Owns a house or flat"),
    _num("CNT_CHILDREN", "int", "client", (0, 50), (0, 19), "Number of children"),
    _num("AMT_INCOME_TOTAL", "float", "amounts", _AMOUNT, (25_650, 117_000_000),
         "Income of the client", required=True),
    _num("AMT_CREDIT", "float", "amounts", _AMOUNT, (45_000, 4_050_000),
         "Credit amount of the loan", required=True),
    _num("AMT_ANNUITY", "float", "amounts", _AMOUNT, (1_615.5, 258_025.5), "Loan annuity"),
    _num("AMT_GOODS_PRICE", "float", "amounts", _AMOUNT, (40_500, 4_050_000),
         "Price of the goods the loan is for"),
    _cat("NAME_TYPE_SUITE", "client",
         ("Unaccompanied", "Family", "Spouse, partner", "Children", "Other_A", "Other_B",
          "Group of people"), closed=False, description="Who accompanied the client"),
    _cat("NAME_INCOME_TYPE", "client",
         ("Working", "Commercial associate", "Pensioner", "State servant", "Unemployed",
          "Student", "Businessman", "Maternity leave"), closed=False,
         description="Income type"),
    _cat("NAME_EDUCATION_TYPE", "client",
         ("Secondary / secondary special", "Higher education", "Incomplete higher",
          "Lower secondary", "Academic degree"), closed=False, description="Education"),
    _cat("NAME_FAMILY_STATUS", "client",
         ("Married", "Single / not married", "Civil marriage", "Separated", "Widow",
          "Unknown"), closed=False, description="Family status"),
    _cat("NAME_HOUSING_TYPE", "client",
         ("House / apartment", "With parents", "Municipal apartment", "Rented apartment",
          "Office apartment", "Co-op apartment"), closed=False, description="Housing"),
    _num("REGION_POPULATION_RELATIVE", "float", "region", _UNIT, (0.00029, 0.072508),
         "Normalised population of the client's region"),
    _num("DAYS_BIRTH", "int", "days", _DAYS, (-25_229, -7_489),
         "Age in days at application (negative)", required=True),
    _num("DAYS_EMPLOYED", "int", "days", _DAYS, (-17_912, 0),
         "Days employed before application; 365243 = not employed",
         sentinel=DAYS_EMPLOYED_SENTINEL),
    _num("DAYS_REGISTRATION", "float", "days", _DAYS, (-24_672, 0),
         "Days since the registration changed"),
    _num("DAYS_ID_PUBLISH", "int", "days", _DAYS, (-7_197, 0),
         "Days since the identity document changed"),
    _num("OWN_CAR_AGE", "float", "client", (0, 150), (0, 91), "Age of the client's car"),
    _flag("FLAG_MOBIL", "contact", "Gave a mobile phone"),
    _flag("FLAG_EMP_PHONE", "contact", "Gave a work phone"),
    _flag("FLAG_WORK_PHONE", "contact", "Gave a home phone"),
    _flag("FLAG_CONT_MOBILE", "contact", "Mobile phone reachable"),
    _flag("FLAG_PHONE", "contact", "Gave a home phone"),
    _flag("FLAG_EMAIL", "contact", "Gave an email"),
    _cat("OCCUPATION_TYPE", "client", OCCUPATION_TYPES, closed=False,
         description="Occupation"),
    _num("CNT_FAM_MEMBERS", "float", "client", (1, 60), (1, 20), "Family members"),
    Field("REGION_RATING_CLIENT", "int", "categorical", "region", "Region rating (1-3)",
          categories=(1, 2, 3), closed=True, valid=(1, 3), typical=(1, 3)),
    Field("REGION_RATING_CLIENT_W_CITY", "int", "categorical", "region",
          "Region rating with city (1-3)", categories=(1, 2, 3), closed=True, valid=(1, 3),
          typical=(1, 3)),
    _cat("WEEKDAY_APPR_PROCESS_START", "process", WEEKDAYS, closed=True,
         description="Weekday of the application"),
    _num("HOUR_APPR_PROCESS_START", "int", "process", (0, 23), (0, 23),
         "Hour of the application"),
    *(_flag(name, "region", "Address mismatch flag") for name in (
        "REG_REGION_NOT_LIVE_REGION", "REG_REGION_NOT_WORK_REGION",
        "LIVE_REGION_NOT_WORK_REGION", "REG_CITY_NOT_LIVE_CITY", "REG_CITY_NOT_WORK_CITY",
        "LIVE_CITY_NOT_WORK_CITY")),
    _cat("ORGANIZATION_TYPE", "client", ORGANIZATION_TYPES, closed=False,
         description="Employer type; XNA for the not employed"),
    _num("EXT_SOURCE_1", "float", "external", _UNIT, (0.014568, 0.962693),
         "Normalised external score 1"),
    _num("EXT_SOURCE_2", "float", "external", _UNIT, (8.17e-08, 0.855),
         "Normalised external score 2"),
    _num("EXT_SOURCE_3", "float", "external", _UNIT, (0.000527, 0.896),
         "Normalised external score 3"),
]

_BUILDING: list[Field] = [
    _num(f"{measure}_{stat}", "float", "building", _UNIT, _UNIT,
         f"Normalised building info ({stat.lower()} over the building)")
    for stat in ("AVG", "MODE", "MEDI") for measure in BUILDING_MEASURES
]
_BUILDING_EXTRA: list[Field] = [
    _cat("FONDKAPREMONT_MODE", "building",
         ("reg oper account", "reg oper spec account", "not specified", "org spec account"),
         closed=False),
    _cat("HOUSETYPE_MODE", "building", ("block of flats", "specific housing",
                                        "terraced house"), closed=False),
    _num("TOTALAREA_MODE", "float", "building", _UNIT, _UNIT, "Normalised total area"),
    _cat("WALLSMATERIAL_MODE", "building",
         ("Panel", "Stone, brick", "Block", "Wooden", "Mixed", "Monolithic", "Others"),
         closed=False),
    _cat("EMERGENCYSTATE_MODE", "building", ("No", "Yes"), closed=True),
]
_TAIL: list[Field] = [
    _num("OBS_30_CNT_SOCIAL_CIRCLE", "float", "social", _COUNT, (0, 348)),
    _num("DEF_30_CNT_SOCIAL_CIRCLE", "float", "social", _COUNT, (0, 34)),
    _num("OBS_60_CNT_SOCIAL_CIRCLE", "float", "social", _COUNT, (0, 344)),
    _num("DEF_60_CNT_SOCIAL_CIRCLE", "float", "social", _COUNT, (0, 24)),
    _num("DAYS_LAST_PHONE_CHANGE", "float", "days", _DAYS, (-4_292, 0),
         "Days since the phone changed"),
    *(_flag(f"FLAG_DOCUMENT_{i}", "documents", f"Provided document {i}")
      for i in range(2, 22)),
    *(_num(f"AMT_REQ_CREDIT_BUREAU_{period}", "float", "bureau", _COUNT, (0, top),
           f"Credit bureau enquiries ({period.lower()})")
      for period, top in (("HOUR", 4), ("DAY", 9), ("WEEK", 8), ("MON", 27), ("QRT", 261),
                          ("YEAR", 25))),
]

# File order of application_train.csv (without SK_ID_CURR and TARGET).
FIELDS: tuple[Field, ...] = (*_CORE, *_BUILDING, *_BUILDING_EXTRA, *_TAIL)
FIELD_BY_NAME: dict[str, Field] = {f.name: f for f in FIELDS}
FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in FIELDS)
NUMERIC_FIELDS: tuple[str, ...] = tuple(f.name for f in FIELDS if f.kind == "numeric")
CATEGORICAL_FIELDS: tuple[str, ...] = tuple(f.name for f in FIELDS if f.kind == "categorical")
STRING_FIELDS: tuple[str, ...] = tuple(f.name for f in FIELDS if f.dtype == "str")
REQUIRED_FIELDS: tuple[str, ...] = tuple(f.name for f in FIELDS if f.required)

assert len(FIELDS) == 120, len(FIELDS)  # the schema is the contract; a wrong count is a bug


def field(name: str) -> Field:
    """The field called ``name``; ``KeyError`` names it when unknown."""
    try:
        return FIELD_BY_NAME[name]
    except KeyError:
        raise KeyError(f"unknown application field {name!r}") from None


def pandas_dtypes() -> dict[str, str]:
    """Pandas dtypes for reading the real files: nullable where the real data has NaN."""
    out: dict[str, str] = {}
    for f in FIELDS:
        out[f.name] = {"str": "object", "float": "float64", "int": "Int64"}[f.dtype]
    return out
