"""The Home Credit application schema and the rules every application must follow.

``fields`` is the one source of truth for the 120 input fields (dtypes, categories, bounds);
``rows`` checks JSON applications (the API), ``frames`` checks whole DataFrames (files).
``from creditwatch.schema import FIELDS`` and ``from creditwatch import schema`` read the
field definitions re-exported here.
"""

from __future__ import annotations

from creditwatch.schema.fields import (
    BUILDING_MEASURES,
    CATEGORICAL_FIELDS,
    DAYS_EMPLOYED_SENTINEL,
    FIELD_BY_NAME,
    FIELD_NAMES,
    FIELDS,
    ID_COLUMN,
    NUMERIC_FIELDS,
    OCCUPATION_TYPES,
    ORGANIZATION_TYPES,
    REQUIRED_FIELDS,
    STRING_FIELDS,
    TARGET_COLUMN,
    WEEKDAYS,
    XNA,
    DType,
    Field,
    Kind,
    field,
    pandas_dtypes,
)

__all__ = [
    "BUILDING_MEASURES", "CATEGORICAL_FIELDS", "DAYS_EMPLOYED_SENTINEL", "FIELDS", "FIELD_BY_NAME",
    "FIELD_NAMES", "ID_COLUMN", "NUMERIC_FIELDS", "OCCUPATION_TYPES", "ORGANIZATION_TYPES",
    "REQUIRED_FIELDS", "STRING_FIELDS", "TARGET_COLUMN", "WEEKDAYS", "XNA", "DType", "Field",
    "Kind", "field", "pandas_dtypes",
]
