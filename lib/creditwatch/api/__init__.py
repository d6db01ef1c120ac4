"""The scoring API (FastAPI): /predict, /predict-batch, /outcomes, /health, /model, /metrics."""

from creditwatch.api.app import create_app

__all__ = ["create_app"]
