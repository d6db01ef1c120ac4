"""Score validated applications and persist every result before answering.

The records of a request's predictions (or of several coalesced /predict requests) are
appended to the local spool with one ``os.write`` before any of their responses is built,
so an answered prediction reaches the store even if the process dies right after answering.
Rejections go to the same spool as ``anomaly`` records.

Each request (or coalesced pass) reads ``state.model`` once and uses it throughout, so a
promotion in the middle of it cannot mix two versions in one answer or record.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import numpy as np

from creditwatch.api.errors import ApiError
from creditwatch.features import Encoded
from creditwatch.schema.rows import Validated, validate
from creditwatch.scoring.records import prediction_records, refusal_reasons
from creditwatch.scoring.scorer import APPROVED, REFUSED, Scores
from creditwatch.store.records import excerpt

if TYPE_CHECKING:  # the state holds the coalescer, which calls back into this module
    from creditwatch.api.served import ServedModel
    from creditwatch.api.state import ApiState


def spool_records(state: ApiState, kind: str, records: Sequence[Mapping[str, Any]]) -> None:
    """Append ``records`` in one write; a spool that cannot take them (full disk) is a 503:
    an answer whose record might be lost must not leave."""
    try:
        state.spool.append_many(kind, records)
    except OSError as exc:
        raise ApiError(503, "cannot persist the prediction right now", str(exc)[:200],
                       kind="spool_unavailable") from None
    state.metrics.child(state.metrics.spooled, kind).inc(len(records))


def record_anomaly(state: ApiState, *, request_id: str, endpoint: str, kind: str, status: int,
                   errors: Any, raw: bytes | None) -> None:
    """Spool one rejected request for the anomalies table (the writer ships it with the next
    batch: no wake-up per request, batching is what keeps the store off the hot path)."""
    record = {"occurred_at": datetime.now(UTC), "request_id": request_id, "endpoint": endpoint,
              "kind": kind, "http_status": status, "errors": errors,
              "payload_excerpt": excerpt(raw)}
    # The rejection is answered anyway; only its anomaly row cannot be kept then.
    with contextlib.suppress(ApiError):
        spool_records(state, "anomaly", [record])


def score_rows(state: ApiState, rows: list[Any], *, request_id: str, started: float,
               explain: bool = False) -> tuple[str, list[dict[str, Any]]]:
    """Validate, score and spool one /predict-batch request's ``rows``: (the version that
    scored them, their results); ApiError 422 (nothing scored) if any row is bad. Row ``r``
    is stored as ``<request_id>-<r>`` (a batch of one as ``<request_id>``). ``explain``:
    reasons for the approvals too."""
    model = state.model
    validated = validate(rows, model.scorer.pipeline.encoder)
    if not validated.ok:
        raise ApiError(422, "invalid application", validated.error_report(), kind="validation")
    n = len(rows)
    ids = [request_id] if n == 1 else [f"{request_id}-{r}" for r in range(n)]
    return model.version, _score(state, model, rows, validated, ids, [started] * n,
                                 np.full(n, explain), endpoint="/predict-batch", share=n,
                                 since=started)


def score_singles(state: ApiState,
                  requests: Sequence[tuple[Any, str, float, bool]],
                  ) -> Sequence[dict[str, Any] | ApiError]:
    """Score several one-application /predict requests, each ``(application, request id,
    start time, explain)``, in one pass (see ``creditwatch.api.coalesce``): each gets its own result,
    or its own 422 when its application is invalid; the valid ones are scored either way."""
    since = time.perf_counter()
    state.metrics.coalesced.observe(len(requests))
    rows = [body for body, _, _, _ in requests]
    model = state.model
    encoder = model.scorer.pipeline.encoder
    validated = validate(rows, encoder)
    outcomes: list[dict[str, Any] | ApiError] = []
    good: Sequence[int] = range(len(rows))
    if not validated.ok:
        errors = validated.errors
        good = [i for i, errs in enumerate(errors) if not errs]
        outcomes = [ApiError(422, "invalid application", [e.as_dict() for e in errs],
                             kind="validation") for errs in errors]
        if not good:
            return outcomes
        # Rows are validated independently: the valid ones again, without the others.
        rows = [rows[i] for i in good]
        validated = validate(rows, encoder)
    results = _score(state, model, rows, validated, [requests[i][1] for i in good],
                     [requests[i][2] for i in good], np.array([requests[i][3] for i in good]),
                     endpoint="/predict", share=1, since=since)
    if not outcomes:
        return results
    for i, result in zip(good, results, strict=True):
        outcomes[i] = result
    return outcomes


def _score(state: ApiState, model: ServedModel, rows: list[Any], validated: Validated[Encoded],
           ids: list[str], starts: list[float], explain: np.ndarray, *, endpoint: str,
           share: int, since: float) -> list[dict[str, Any]]:
    """Score validated ``rows`` and spool their records in one write. Each row's total time
    runs from its request's start, divided by ``share`` (the batch endpoint reports each
    application's part of the request); preprocessing (timed from ``since``: validation
    included) and inference are split evenly between the rows. Refused rows, and those whose
    ``explain`` is set, get their reasons (computed together; their time is in
    ``reasons_ms``); the others ``reasons: null``."""
    scores = model.scorer.score_encoded(validated.encoded, started=since)
    received = datetime.now(UTC)
    n = len(rows)
    results = scores.records()
    mid = time.perf_counter()
    reasons = explain_rows(state, model, scores, validated.encoded, explain)
    now = time.perf_counter()
    pre_ms, inf_ms, why_ms = (scores.preprocessing_ms / n, scores.inference_ms / n,
                              (now - mid) * 1e3 / n)
    for r, result in enumerate(results):
        result["prediction_id"] = ids[r]
        result["reasons"] = reasons[r]
        result["preprocessing_ms"] = pre_ms
        result["inference_ms"] = inf_ms
        result["reasons_ms"] = why_ms
        result["total_ms"] = (now - starts[r]) * 1e3 / share
    records = prediction_records(
        scores, results, rows, request_ids=ids, received_at=received, endpoint=endpoint,
        top_names=model.top_names, top_index=model.top_idx,
        application_times=validated.application_times, client_ids=validated.client_ids,
        preprocessing_ms=pre_ms, inference_ms=inf_ms,
        total_ms=[result["total_ms"] for result in results], reasons=reasons)
    spool_records(state, "prediction", records)
    # Answered and spooled: the challenger's turn, off the response path (only enqueued).
    state.shadow.offer(ids, rows, validated.encoded, model.scorer.pipeline.category_maps,
                       received, validated.application_times)
    metrics = state.metrics
    refused = int(scores.refused.sum())
    if refused:
        metrics.child(metrics.decisions, REFUSED).inc(refused)
    if refused < n:
        metrics.child(metrics.decisions, APPROVED).inc(n - refused)
    for result in results:
        metrics.probability.observe(result["probability"])
    return results


def explain_rows(state: ApiState, model: ServedModel, scores: Scores, encoded: Encoded,
                 explain: np.ndarray) -> list[list[dict[str, Any]] | None]:
    """The reasons of the refused rows and of those asked with ``explain`` (None for the
    others; for every row when reasons are off, ``api.reasons_max = 0``), by ``model``."""
    if model.explainer is None:
        return [None] * len(scores)
    return refusal_reasons(model.explainer, scores, encoded, explain,
                           state.settings.api.reasons_max)
