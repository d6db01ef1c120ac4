"""GET /health, GET /model, GET /metrics."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from prometheus_client import CONTENT_TYPE_LATEST
from starlette.responses import Response

from creditwatch.api.deps import StateDep

router = APIRouter(tags=["operations"])


@router.get("/health")
def health(state: StateDep) -> dict[str, Any]:
    """Model loaded, store reachable, write queue depth."""
    store_ok = state.store.ping()
    return {
        "status": "ok" if store_ok else "degraded",
        "model_loaded": True,
        "model_version": state.scorer.version,
        "store": {"reachable": store_ok, "kind": state.store.dialect, "url": state.store.url},
        "queue_depth": state.writer.pending_records(),
    }


@router.get("/model")
def model(state: StateDep) -> dict[str, Any]:
    """The champion (the serving model: version, threshold, costs, metrics, features,
    importances) and, under ``challenger``, the same card of the challenger, or null."""
    return {**state.model.scorer.bundle.describe(), "challenger": state.shadow.card}


@router.get("/metrics", response_class=Response)
def metrics(state: StateDep) -> Response:
    """Prometheus metrics of this process."""
    return Response(state.metrics.render(), media_type=CONTENT_TYPE_LATEST)
