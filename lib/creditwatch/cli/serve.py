"""``creditwatch serve``: the scoring API under uvicorn."""

from __future__ import annotations

import typer

from creditwatch.cli.common import guarded
from creditwatch.config import get_settings


def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Interface to listen on."),
    port: int = typer.Option(8000, "--port", help="TCP port."),
    workers: int = typer.Option(1, "--workers", min=1, help="Worker processes."),
) -> None:
    """Serve /predict, /predict-batch, /health, /model and /metrics."""
    _serve(host, port, workers)


@guarded
def _serve(host: str, port: int, workers: int) -> None:
    import uvicorn

    from creditwatch.model.bundle import load_bundle

    load_bundle(get_settings().paths.bundle_dir)  # fail with one clear line before starting workers
    uvicorn.run("creditwatch.api.asgi:app", host=host, port=port, workers=workers,
                log_level="warning", access_log=False, timeout_graceful_shutdown=10)


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
