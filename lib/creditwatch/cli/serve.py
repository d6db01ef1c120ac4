"""``creditwatch serve``: the scoring API under uvicorn."""

from __future__ import annotations

import typer

from creditwatch.cli.common import guarded
from creditwatch.config import get_settings

WORKER_HEALTHCHECK_S = 60


def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Interface to listen on."),
    port: int = typer.Option(8000, "--port", help="TCP port."),
    workers: int = typer.Option(1, "--workers", min=1, help="Worker processes."),
) -> None:
    """Serve /predict, /predict-batch, /health, /model and /metrics.

    With several workers, /metrics reports the whole server (prometheus_client's multiprocess
    mode, see `api.metrics_multiprocess`)."""
    _serve(host, port, workers)


@guarded
def _serve(host: str, port: int, workers: int) -> None:
    import uvicorn

    from creditwatch.api import multiproc
    from creditwatch.model.bundle import load_bundle

    settings = get_settings()
    if multiproc.wanted(settings.api.metrics_multiprocess, workers):
        # before anything imports prometheus_client: the workers read the variable at import
        multiproc.enable(multiproc.prepare(settings.metrics_dir))
    load_bundle(settings.paths.bundle_dir)  # fail with one clear line before starting workers
    # uvicorn kills and replaces a worker that does not answer its supervisor's ping within
    # timeout_worker_healthcheck (5 s by default). A worker importing the libraries and
    # loading the model on a busy machine can miss that; killed, it restarts and misses it
    # again, forever (seen at load 12 on 2 cores). A hung worker is found later, that's all.
    uvicorn.run("creditwatch.api.asgi:app", host=host, port=port, workers=workers,
                log_level="warning", access_log=False, timeout_graceful_shutdown=10,
                timeout_worker_healthcheck=WORKER_HEALTHCHECK_S)


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
