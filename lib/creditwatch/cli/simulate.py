"""``creditwatch simulate``: production traffic with progressive drift, over real HTTP; or,
with ``--from-file``, a file's own applications replayed (``creditwatch.simulate.replay``)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.table import Table

from creditwatch.cli.common import console, guarded, progress
from creditwatch.config import get_settings
from creditwatch.simulate import SimulationResult

if TYPE_CHECKING:
    import pandas as pd

    from creditwatch.config import Settings
    from creditwatch.simulate.replay import ReplayConfig


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
    from_file: Path | None = typer.Option(
        None, "--from-file", dir_okay=False,
        help="Replay this file's applications (.csv or .parquet, as for train) instead of "
             "synthetic ones, keeping their SK_ID_CURR; TARGET is not sent."),
    shuffle: bool = typer.Option(False, "--shuffle",
                                 help="--from-file: send the rows in a random order (--seed)."),
    outcomes_from_target: bool = typer.Option(
        False, "--outcomes-from-target",
        help="--from-file: once the rows are sent, post each accepted row's TARGET to "
             "POST /outcomes (observed --outcomes-delay after its application)."),
    resume: bool = typer.Option(
        False, "--resume",
        help="--from-file: continue the interrupted replay of this file (same options); "
             "nothing is sent twice."),
    chunk_rows: int | None = typer.Option(
        None, "--chunk-rows", min=1,
        help="--from-file: rows read from the file at a time, and with --shuffle the rows "
             "held per window of the shuffled order (default 50,000); memory is bounded by "
             "it, not by the file's size."),
) -> None:
    """Send synthetic applications in batches with drift, or replay a file's applications
    (--from-file), then print a per-batch table."""
    if from_file is not None:
        result = _replay(from_file, api_url, batch_size, batch_interval, realtime, endpoint,
                         concurrency, seed, timeout, outcomes_delay, shuffle,
                         outcomes_from_target, resume, chunk_rows,
                         synthetic_only={"--schedule": schedule, "--n-batches": n_batches,
                                         "--error-rate": error_rate or None,
                                         "--outcomes-share": outcomes_share or None})
    else:
        result = _simulate(api_url, schedule, batch_size, n_batches, batch_interval, realtime,
                           endpoint, concurrency, error_rate, seed, timeout, outcomes_share,
                           outcomes_delay, {"--shuffle": shuffle, "--resume": resume,
                                            "--outcomes-from-target": outcomes_from_target,
                                            "--chunk-rows": bool(chunk_rows)})
    if not result.complete:
        raise typer.Exit(1)


@guarded
def _simulate(api_url: str | None, spec: str | None, batch_size: int, n_batches: int | None,
              interval: str | None, realtime: bool, endpoint: str, concurrency: int,
              error_rate: float, seed: int, timeout: float, outcomes_share: float,
              outcomes_delay: str | None, file_only: dict[str, bool]) -> SimulationResult:
    from creditwatch.errors import CreditwatchError
    from creditwatch.simulate import OutcomeOptions, Schedule, SimulationConfig
    from creditwatch.simulate import simulate as run
    from creditwatch.windows import parse_duration

    _check_endpoint(endpoint)
    given = [name for name, value in file_only.items() if value]
    if given:
        raise CreditwatchError(f"{', '.join(given)}: only with --from-file")
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


def _check_endpoint(endpoint: str) -> None:
    from creditwatch.errors import CreditwatchError

    if endpoint not in ("predict", "batch"):
        raise CreditwatchError("--endpoint must be 'predict' or 'batch'")


def file_frames(path: Path, chunk_rows: int | None = None) -> tuple[int, Iterable[pd.DataFrame]]:
    """The rows of an application file and its schema-typed frames, ``chunk_rows`` at a
    time, read by the chunked reader ``score`` uses (``files.iter_application_chunks``).

    Before anything is sent, one streaming pass checks the header and the SK_ID_CURR and
    TARGET of every row (``files.scan_labels``, which also gives the exact row count):
    missing columns or invalid ids or TARGET values stop it (``DataValidationError``, naming
    the first bad row). Invalid field values do not: those rows are sent, and the API
    refuses them by field, as it would in production."""
    from creditwatch.errors import DataValidationError
    from creditwatch.files import count_rows, iter_application_chunks, scan_labels
    from creditwatch.files.chunks import DEFAULT_ROWS, missing_columns
    from creditwatch.files.loader import read_header

    chunk_rows = chunk_rows or DEFAULT_ROWS
    missing = missing_columns(read_header(path))
    with progress(f"checking {path.name}", count_rows(path), transient=True) as bar:
        scan = scan_labels(path, rows=chunk_rows, on_rows=bar.advance)
    fatal = ([missing] if missing else []) + scan.problems
    if fatal:
        raise DataValidationError(f"{path.name} cannot be replayed: " + "; ".join(fatal))
    return scan.rows, iter_application_chunks(path, rows=chunk_rows, strict=False)


@guarded
def _replay(path: Path, api_url: str | None, batch_size: int, interval: str | None,
            realtime: bool, endpoint: str, concurrency: int, seed: int, timeout: float,
            outcomes_delay: str | None, shuffle: bool, outcomes_from_target: bool,
            resume: bool, chunk_rows: int | None,
            synthetic_only: dict[str, object]) -> SimulationResult:
    from creditwatch.errors import CreditwatchError
    from creditwatch.files.chunks import DEFAULT_ROWS
    from creditwatch.files.loader import read_header
    from creditwatch.schema import TARGET_COLUMN
    from creditwatch.simulate import OutcomeOptions
    from creditwatch.simulate.ledger import file_key
    from creditwatch.simulate.replay import ReplayConfig
    from creditwatch.windows import parse_duration

    _check_endpoint(endpoint)
    given = [name for name, value in synthetic_only.items() if value is not None]
    if given:
        raise CreditwatchError(f"{', '.join(given)}: not with --from-file (the file is the traffic)")
    settings = get_settings()
    if outcomes_from_target and TARGET_COLUMN not in read_header(path):
        raise CreditwatchError(f"--outcomes-from-target: {path.name} has no TARGET column")
    rows, frames = file_frames(path, chunk_rows)
    outcomes = OutcomeOptions.parse(1.0 if outcomes_from_target else 0.0, outcomes_delay,
                                    settings.api.outcomes_max_items)
    cfg = ReplayConfig(
        api_url=api_url or settings.api.url, key=file_key(path),
        ledger_dir=ledger_dir(settings), rows=rows, batch_size=batch_size, endpoint=endpoint,
        concurrency=concurrency, batch_interval=parse_duration(interval) if interval else None,
        realtime=realtime, shuffle=shuffle, seed=seed, resume=resume, api_key=settings.api.required_key,
        timeout_s=timeout, batch_max=settings.api.batch_max_size, outcomes=outcomes,
        window=chunk_rows or DEFAULT_ROWS)
    return run_replay(cfg, frames, path)


def ledger_dir(settings: Settings) -> Path:
    """Where replays keep their progress: ``<data>/replay/`` (see ``simulate.ledger``)."""
    return settings.paths.data / "replay"


def run_replay(cfg: ReplayConfig, frames: Iterable[pd.DataFrame], path: Path) -> SimulationResult:
    """Replay with a progress bar, then print the table, the refusals and how to resume."""
    from creditwatch.simulate.replay import open_ledger, replay

    ledger = open_ledger(cfg)
    todo = cfg.rows - len(ledger.done)
    rest = "the rest of " if cfg.resume else ""
    with progress(f"replaying {rest}{path.name} to {cfg.api_url}", todo) as bar:
        result = replay(cfg, frames, ledger=ledger, progress=bar.advance)
    print_result(result, replayed=True)
    if result.already_sent:
        console.print(f"{result.already_sent:,} row(s) had been answered by the earlier run "
                      "and were not sent again")
    for line in result.refusals.summary():
        console.print(f"refused: {line}", soft_wrap=True)
    if not result.complete:
        console.print(f"progress kept in {cfg.ledger_dir / (cfg.key + '.jsonl')}; "
                      f"`creditwatch simulate --from-file {path} --resume` (same options) "
                      "sends the rest without duplicates", soft_wrap=True)
    return result


def print_result(result: SimulationResult, *, replayed: bool = False) -> None:
    table = Table(title="simulation")
    frame = result.to_frame()
    columns = ["batch", "drift", "sent", "accepted", "rejected", "not_sent", "mean_latency_ms",
               "p95_latency_ms", "approval_rate", "mean_probability", "drift_status"]
    headers = ["batch", "rows" if replayed else "drift", "sent", "ok", "4xx", "not sent", "ms mean", "ms p95",
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
