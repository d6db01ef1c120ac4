"""The request and response schemas; requests from the rule kernel's JSON Schema.

Requests are not parsed into pydantic models (that would cost a Python object per field per
row); their JSON Schema (``creditwatch.schema.jsonschema``) is still published so clients and
schemathesis see the contract.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from creditwatch.schema.jsonschema import application_schema


def request_body(batch: bool, max_items: int) -> dict[str, Any]:
    app = application_schema()
    body: dict[str, Any] = app
    if batch:
        body = {"type": "object", "required": ["applications"], "additionalProperties": False,
                "properties": {"applications": {"type": "array", "items": app, "minItems": 1,
                                                "maxItems": max_items}}}
    return {"requestBody": {"required": True,
                            "content": {"application/json": {"schema": body}}}}


class ReasonOut(BaseModel):
    code: str = Field(description="Stable reason code (see the reason codes page)")
    text: str
    fields: list[str] = Field(description="The application fields behind the reason")
    values: dict[str, Any] = Field(description="The applicant's value of each field "
                                               "(null: not given, or not usable by the model)")
    contribution: float = Field(description="How much it raised the log-odds of default")


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
    reasons: list[ReasonOut] | None = Field(description=(
        "Why the probability of default is high, largest contribution first: always for a "
        "REFUSED application, for an approval with ?explain=true; null otherwise"))
    preprocessing_ms: float
    inference_ms: float
    reasons_ms: float
    total_ms: float


class StoredDecisionOut(BaseModel):
    prediction_id: str
    received_at: str
    application_time: str
    endpoint: str
    model_version: str
    probability: float
    decision: str
    threshold: float
    confidence: str | None
    data_quality_score: float | None
    client_id: int | None
    quality_flags: dict[str, Any] | None
    reasons: list[ReasonOut] = Field(description="As answered; empty for an approval "
                                                 "answered without reasons")


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
