"""The Home Credit application schema and the rules every application must follow.

``fields`` is the one source of truth for the 120 input fields (dtypes, categories, bounds)
and the other column names; ``rules`` compiles them into the one rule kernel, applied by three
adapters: ``rows`` checks JSON applications (the API), ``frames`` checks whole DataFrames
(files) and ``jsonschema`` publishes the same rules as JSON Schema (the OpenAPI contract).
``from creditwatch.schema import FIELDS`` and ``from creditwatch import schema`` read the
field definitions re-exported here.
"""

from __future__ import annotations

from creditwatch.schema.fields import (
    APPLICATION_TIME,
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
    TRUE_PD_COLUMN,
    WEEKDAYS,
    XNA,
    DType,
    Field,
    Kind,
    field,
    pandas_dtypes,
)

__all__ = [
    "APPLICATION_TIME", "BUILDING_MEASURES", "CATEGORICAL_FIELDS", "DAYS_EMPLOYED_SENTINEL",
    "FIELDS", "FIELD_BY_NAME", "FIELD_NAMES", "ID_COLUMN", "NUMERIC_FIELDS", "OCCUPATION_TYPES",
    "ORGANIZATION_TYPES", "REQUIRED_FIELDS", "STRING_FIELDS", "TARGET_COLUMN", "TRUE_PD_COLUMN",
    "WEEKDAYS", "XNA", "DType", "Field", "Kind", "field", "pandas_dtypes",
]
