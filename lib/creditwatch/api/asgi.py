"""ASGI entry point for uvicorn workers: ``uvicorn creditwatch.api.asgi:app``."""

from creditwatch.api.app import create_app

app = create_app()
