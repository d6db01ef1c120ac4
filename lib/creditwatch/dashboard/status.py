"""System status for the Home page: is the API up (and which model does it serve), is the
store reachable (and which kind is it)."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from creditwatch.store import Store


@dataclass(frozen=True, slots=True)
class ApiStatus:
    url: str
    reachable: bool
    model_version: str | None = None
    store_kind: str | None = None  # the store the API writes to, as it reports it
    status: str | None = None  # "ok" or "degraded" (its store is down)
    error: str | None = None


@dataclass(frozen=True, slots=True)
class StoreStatus:
    url: str  # password masked
    kind: str  # "sqlite" (embedded) or "postgresql"
    reachable: bool

    @property
    def label(self) -> str:
        return "embedded SQLite" if self.kind == "sqlite" else "PostgreSQL"


def probe_api(url: str, timeout_s: float) -> ApiStatus:
    """GET /health of the scoring API; never raises (an unreachable API is a status)."""
    try:
        response = httpx.get(f"{url.rstrip('/')}/health", timeout=timeout_s)
        body = response.json() if response.status_code == 200 else None
    except (httpx.HTTPError, ValueError) as exc:
        return ApiStatus(url, False, error=f"{type(exc).__name__}: {exc}")
    if not isinstance(body, dict):
        return ApiStatus(url, False, error=f"/health answered HTTP {response.status_code}")
    store = body.get("store") or {}
    return ApiStatus(url, True, model_version=body.get("model_version"),
                     store_kind=store.get("kind"), status=body.get("status"))


def probe_store(store: Store) -> StoreStatus:
    """Whether the store answers a trivial query (never raises)."""
    return StoreStatus(store.url, store.dialect, store.ping())
