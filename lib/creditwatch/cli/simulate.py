"""``creditwatch simulate``: production traffic with progressive drift, over real HTTP."""

from __future__ import annotations

import typer
from rich.table import Table

from creditwatch.cli.common import console, guarded, progress
from creditwatch.config import get_settings
from creditwatch.simulate import SimulationResult


def simulate(
    api_url: str | None = typer.Option(None, "--api-url", help="API base URL; default from settings."),
    schedule: str | None = typer.Option(
        None, "--schedule", help="Spec like 'clean*3,gradual:0.1,sudden:0.5' or a YAML/JSON file."),
    batch_size: int = typer.Option(50, "--batch-size", min=1),
    n_batches: int | None = typer.Option(None, "--n-batches", min=1,
                                         help="Cut or extend the schedule (default 8)."),
    batch_interval: str | None = typer.Option(None, "--batch-interval",
                                              help="Stamp batch i one duration later: 1d, 6h, 30m."),
    realtime: bool = typer.Option(False, "--realtime",
                                  help="Pace requests over wall-clock time (batch interval apart)."),
    endpoint: str = typer.Option("predict", "--endpoint", help="predict or batch."),
    concurrency: int = typer.Option(8, "--concurrency", min=1),
    error_rate: float = typer.Option(0.0, "--error-rate", min=0.0, max=1.0,
                                     help="Share of deliberately bad requests."),
    seed: int = typer.Option(42, "--seed"),
    timeout: float = typer.Option(10.0, "--timeout", help="Seconds per request."),
    outcomes_share: float = typer.Option(
        0.0, "--outcomes-share",
        help="Share (0-1) of accepted applications whose outcome, drawn from TRUE_PD, is sent "
             "back to POST /outcomes."),
    outcomes_delay: str | None = typer.Option(
        None, "--outcomes-delay",
        help="Outcomes are observed this long after the application (3d, 12h; default 0) and "
             "sent once the simulated clock reaches that time."),
) -> None:
    """Send synthetic applications in batches with drift, then print a per-batch table."""
    result = _simulate(api_url, schedule, batch_size, n_batches, batch_interval, realtime,
                       endpoint, concurrency, error_rate, seed, timeout, outcomes_share,
                       outcomes_delay)
    if not result.complete:
        raise typer.Exit(1)


@guarded
def _simulate(api_url: str | None, spec: str | None, batch_size: int, n_batches: int | None,
              interval: str | None, realtime: bool, endpoint: str, concurrency: int,
              error_rate: float, seed: int, timeout: float, outcomes_share: float,
              outcomes_delay: str | None) -> SimulationResult:
    from creditwatch.errors import CreditwatchError
    from creditwatch.simulate import OutcomeOptions, Schedule, SimulationConfig
    from creditwatch.simulate import simulate as run
    from creditwatch.windows import parse_duration

    if endpoint not in ("predict", "batch"):
        raise CreditwatchError("--endpoint must be 'predict' or 'batch'")
    settings = get_settings()
    outcomes = OutcomeOptions.parse(outcomes_share, outcomes_delay,
                                    settings.api.outcomes_max_items)
    plan = Schedule.parse(spec, batch_size=batch_size, n_batches=n_batches)
    cfg = SimulationConfig(
        api_url=api_url or settings.api.url, schedule=plan, endpoint=endpoint,
        concurrency=concurrency, realtime=realtime,
        batch_interval=parse_duration(interval) if interval else None,
        error_rate=error_rate, seed=seed, timeout_s=timeout,
        api_key=settings.api.required_key,
        batch_max=settings.api.batch_max_size, outcomes=outcomes,
    )
    with progress(f"sending {plan.total:,} applications to {cfg.api_url}", plan.total) as bar:
        result = run(cfg, progress=bar.advance)
    print_result(result)
    return result


def print_result(result: SimulationResult) -> None:
    table = Table(title="simulation")
    frame = result.to_frame()
    columns = ["batch", "drift", "sent", "accepted", "rejected", "not_sent", "mean_latency_ms",
               "p95_latency_ms", "approval_rate", "mean_probability", "drift_status"]
    headers = ["batch", "drift", "sent", "ok", "4xx", "not sent", "ms mean", "ms p95",
               "approved", "p mean", "drift status"]
    for header in headers:
        table.add_column(header, justify="right")
    for _, row in frame.iterrows():
        cells = []
        for col in columns:
            v = row.get(col)
            if v is None or v != v:
                cells.append("-")
            elif col == "approval_rate":
                cells.append(f"{v:.1%}")
            elif isinstance(v, float):
                cells.append(f"{v:.3f}" if col == "mean_probability" else f"{v:.1f}")
            else:
                cells.append(str(v))
        table.add_row(*cells)
    console.print(table)
    state = "interrupted" if result.interrupted else "API unreachable" if result.unreachable else "done"
    console.print(f"{state}: {result.sent:,} of {result.planned:,} sent, {result.accepted:,} accepted, "
                  f"{result.not_sent:,} not sent")
    if result.outcomes.labelled or result.outcomes.sent:
        console.print(result.outcomes.summary(), soft_wrap=True)


def register(app: typer.Typer) -> None:
    app.command("simulate")(simulate)
