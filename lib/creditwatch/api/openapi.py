"""The request and response schemas, generated from the application schema.

Requests are not parsed into pydantic models (that would cost a Python object per field per
row); their JSON Schema is still published so clients and schemathesis see the contract.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from creditwatch import schema
from creditwatch.schema.rows import APPLICATION_TIME, MAX_CLIENT_ID, YEARS


def _field_schema(f: schema.Field) -> dict[str, Any]:
    out: dict[str, Any]
    if f.dtype == "str":
        out = {"type": "string"}
        if f.closed:
            out["enum"] = list(f.categories or ())
    else:
        out = {"type": "integer" if f.dtype == "int" else "number"}
        if f.categories is not None and f.dtype == "int":
            out["enum"] = list(f.categories)
        elif f.valid is not None:
            out["minimum"], out["maximum"] = f.valid
            if f.sentinel is not None:  # the sentinel lies outside the valid bounds on purpose
                out = {"anyOf": [out, {"const": int(f.sentinel)}]}
    if f.description:
        out["description"] = f.description
    return {"anyOf": [out, {"type": "null"}]} if not f.required else out


def application_schema() -> dict[str, Any]:
    properties = {f.name: _field_schema(f) for f in schema.FIELDS}
    properties[schema.ID_COLUMN] = {"type": "integer", "minimum": 0, "maximum": MAX_CLIENT_ID,
                                    "description": "Client id (SK_ID_CURR), optional"}
    properties[APPLICATION_TIME] = {
        "type": "string", "format": "date-time",
        # JSON Schema cannot bound a date-time; the year can be, as text
        "pattern": "^(199[0-9]|20[0-9]{2})-",
        "description": f"The application's own time (UTC if no offset), years "
                       f"{YEARS[0]}-{YEARS[1]}; drift windows use it",
    }
    return {
        "type": "object",
        "title": "Application",
        "properties": properties,
        "required": list(schema.REQUIRED_FIELDS),
        "additionalProperties": False,
    }


def request_body(batch: bool, max_items: int) -> dict[str, Any]:
    app = application_schema()
    body: dict[str, Any] = app
    if batch:
        body = {"type": "object", "required": ["applications"], "additionalProperties": False,
                "properties": {"applications": {"type": "array", "items": app, "minItems": 1,
                                                "maxItems": max_items}}}
    return {"requestBody": {"required": True,
                            "content": {"application/json": {"schema": body}}}}


class PredictionOut(BaseModel):
    prediction_id: str = Field(description="Request id of this prediction (also in the store)")
    probability: float
    decision: str = Field(description="APPROVED or REFUSED")
    threshold: float
    confidence: str = Field(description="LOW, MEDIUM or HIGH")
    data_quality_score: float
    missing_fields: list[str]
    out_of_range_fields: list[str]
    unknown_category_fields: list[str]
    model_version: str
    preprocessing_ms: float
    inference_ms: float
    total_ms: float


class BatchOut(BaseModel):
    request_id: str
    model_version: str
    n: int
    results: list[PredictionOut]
    total_ms: float


class ErrorOut(BaseModel):
    request_id: str
    error: str
    detail: Any = None


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorOut, "description": text}
    for code, text in ((400, "Malformed JSON"), (401, "Missing or wrong API key"),
                       (413, "Body or batch too large"), (415, "Not JSON"),
                       (422, "Invalid application(s); each bad field is named"),
                       (503, "Cannot persist the prediction right now"))
}
