"""``creditwatch outcomes load FILE``: what became of scored loans, from a file."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import typer
from rich.table import Table

from creditwatch.cli.common import console, guarded, progress
from creditwatch.config import get_settings

outcomes_app = typer.Typer(help="Outcomes (did the client default?) of scored applications.",
                           no_args_is_help=True)
SHOWN_INVALID = 10


@outcomes_app.command("load")
def load(
    file: Path = typer.Argument(..., help="CSV or Parquet: SK_ID_CURR, request_id or "
                                          "prediction_id, plus TARGET or defaulted, and an "
                                          "optional observed_at."),
    key: str | None = typer.Option(None, "--key", help="The key column, when several exist."),
    date_column: str | None = typer.Option(None, "--date-column",
                                           help="The observation time column (default "
                                                "observed_at when present, else now)."),
    source: str | None = typer.Option(None, "--source",
                                      help="Recorded with each outcome (default: the file name)."),
) -> None:
    """Match each row to its prediction and store it; prints what became of every row."""
    _load(file, key, date_column, source)


@guarded
def _load(file: Path, key: str | None, date_column: str | None, source: str | None) -> None:
    from creditwatch.outcomes import load_outcomes, read_outcome_file
    from creditwatch.store import Store

    settings = get_settings()
    now = datetime.now(UTC)
    outcomes = read_outcome_file(file, source=(source or file.name)[:64], received_at=now,
                                 key=key, date_column=date_column)
    with Store.from_settings(settings) as store:
        store.check_schema()
        with progress(f"outcomes from {file.name}", total=outcomes.rows) as bar:
            summary = load_outcomes(store, outcomes, progress=bar)
    table = Table(title=f"{outcomes.rows:,} rows of {file} (key {outcomes.key})")
    table.add_column("status")
    table.add_column("rows", justify="right")
    for status, n in summary.counts.most_common():
        table.add_row(status, f"{n:,}")
    console.print(table)
    console.print(f"stored in {store.url} at {summary.rate:,.0f} rows/s", soft_wrap=True)
    for line, reason, row in outcomes.invalid[:SHOWN_INVALID]:
        console.print(f"  invalid row {line}: {reason} ({row})", soft_wrap=True)
    if len(outcomes.invalid) > SHOWN_INVALID:
        console.print(f"  ... and {len(outcomes.invalid) - SHOWN_INVALID:,} more invalid rows")


def register(app: typer.Typer) -> None:
    app.add_typer(outcomes_app, name="outcomes")
