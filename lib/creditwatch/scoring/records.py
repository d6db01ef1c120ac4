"""The prediction record: what is stored for one scored application, built in one place.

The API's scoring path, the test and benchmark seeders and the dashboard's test traffic all
call :func:`prediction_records`, so a stored prediction has the same shape whoever wrote it.
It takes the scorer's per-row results (``Scores.records()``, which the API also answers
with) and adds what only the caller knows: ids, times, endpoint and timings.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import numpy as np

from creditwatch.explain import DEFAULT_REASONS, Explainer
from creditwatch.features import Encoded
from creditwatch.scoring.scorer import Scores
from creditwatch.store.records import PredictionRecord

Timing = float | Sequence[float]  # one value for every row, or one per row


def top_feature_values(scores: Scores, index: Sequence[int]) -> list[list[float | None]]:
    """Each row's values of the features at ``index`` (NaN, a missing value, as None)."""
    top = scores.features[:, list(index)]
    # NaN != NaN: a missing feature is stored as NULL (None in an object array, one pass)
    boxed = top.astype(object)
    boxed[top != top] = None
    values: list[list[float | None]] = boxed.tolist()
    return values


def refusal_reasons(explainer: Explainer, scores: Scores, encoded: Encoded,
                    explain: np.ndarray | None = None,
                    k: int = DEFAULT_REASONS) -> list[list[dict[str, Any]] | None]:
    """The ``reasons`` of :func:`prediction_records`: every refused row's (and those where
    ``explain`` is set), computed together; None for the other rows."""
    wanted = scores.refused if explain is None else scores.refused | explain
    return explainer.reasons_where(scores.features, encoded, wanted, k)


def _per_row(value: Timing | None, n: int) -> Sequence[float | None]:
    if value is None or isinstance(value, float | int):
        return [value] * n
    return value.tolist() if isinstance(value, np.ndarray) else value


def prediction_records(
    scores: Scores, results: Sequence[Mapping[str, Any]], inputs: Sequence[dict[str, Any]], *,
    request_ids: Sequence[str], received_at: datetime | Sequence[datetime], endpoint: str,
    top_names: Sequence[str] = (), top_index: Sequence[int] = (),
    application_times: Sequence[datetime | None] | None = None,
    client_ids: Sequence[int | None] | None = None,
    preprocessing_ms: Timing | None = None, inference_ms: Timing | None = None,
    total_ms: Timing | None = None,
    reasons: Sequence[Sequence[Mapping[str, Any]] | None] | None = None,
) -> list[PredictionRecord]:
    """One store record per scored row.

    ``results[i]`` is ``scores.records()[i]`` (possibly with the API's own keys added);
    ``inputs[i]`` the application as received. Times and timings are one value for every
    row or one per row; an application time defaults (in the store) to ``received_at``,
    a client id to the inputs' SK_ID_CURR. ``reasons[i]``: the reasons answered with row
    ``i`` (``Explainer.reasons_where``), None when it was answered without any."""
    n = len(results)
    received = [received_at] * n if isinstance(received_at, datetime) else received_at
    pre, inf, total = (_per_row(t, n) for t in (preprocessing_ms, inference_ms, total_ms))
    values = top_feature_values(scores, top_index) if top_names else None
    records: list[PredictionRecord] = []
    for r, result in enumerate(results):
        record: PredictionRecord = {
            "request_id": request_ids[r],
            "received_at": received[r],
            "endpoint": endpoint,
            "model_version": scores.model_version,
            "probability": result["probability"],
            "decision": result["decision"],
            "threshold": scores.threshold,
            "confidence": result["confidence"],
            "data_quality_score": result["data_quality_score"],
            "preprocessing_ms": pre[r],
            "inference_ms": inf[r],
            "total_ms": total[r],
            "http_status": 200,
            "inputs": inputs[r],
            "quality_flags": {
                "missing": result["missing_fields"],
                "out_of_range": result["out_of_range_fields"],
                "unknown_category": result["unknown_category_fields"],
            },
        }
        if application_times is not None:
            record["application_time"] = application_times[r]
        if client_ids is not None:
            record["client_id"] = client_ids[r]
        if values is not None:
            record["features"] = dict(zip(top_names, values[r], strict=True))
        if reasons is not None and reasons[r] is not None:
            record["reasons"] = reasons[r]
        records.append(record)
    return records
