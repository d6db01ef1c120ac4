"""The scoring API (FastAPI): /predict, /predict-batch, /outcomes, /health, /model, /metrics."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from creditwatch.api.app import create_app

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    # Imported on first use: `creditwatch serve` reads api.multiproc before prometheus_client
    # may be imported (the app imports it), so importing the package must not load the app.
    if name == "create_app":
        from creditwatch.api.app import create_app

        return create_app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
