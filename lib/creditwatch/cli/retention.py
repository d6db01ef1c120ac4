"""``creditwatch retention purge``: remove old raw inputs, keep decisions and the chain."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer

from creditwatch.cli.common import console, guarded, progress
from creditwatch.config import get_settings
from creditwatch.windows import parse_duration

OlderThan = Annotated[str, typer.Option(
    "--older-than", metavar="DURATION",
    help="Purge predictions whose application time is older than this: a number and d or "
    "w (400d).")]
DryRun = Annotated[bool, typer.Option(
    "--dry-run", help="Count what would be purged; change nothing.")]

retention_app = typer.Typer(help="Retention of raw inputs.", no_args_is_help=True)


@retention_app.command("purge")
def purge(older_than: OlderThan, dry_run: DryRun = False) -> None:
    """Remove the raw inputs and feature values of predictions whose application time is
    before now minus --older-than: whole months at once on PostgreSQL, bounded batches for
    the rest. Decision, probability, model version, outcomes,
    reasons and the audit chain stay (`audit verify` still holds). Refused below
    CREDITWATCH_RETENTION_MIN_DAYS (default 183 days)."""
    _purge(older_than, dry_run)


@guarded
def _purge(older_than: str, dry_run: bool) -> None:
    from creditwatch.store import Store
    from creditwatch.store.retention import check_age

    settings = get_settings()
    age = parse_duration(older_than)
    check_age(age, settings.store.retention_min_days)
    cutoff = datetime.now(UTC) - age
    with Store.from_settings(settings) as store:
        if dry_run:
            result = store.purge_inputs(cutoff, dry_run=True)
        else:
            with progress("purging inputs") as bar:
                result = store.purge_inputs(cutoff, progress=bar)
    verb = "would remove" if dry_run else "removed"
    console.print(f"applications before {cutoff:%Y-%m-%d %H:%M} UTC: {verb} the inputs of "
                  f"{result.predictions:,} predictions and {result.feature_values:,} feature "
                  f"values; decisions, outcomes and the audit chain kept")


def register(app: typer.Typer) -> None:
    app.add_typer(retention_app, name="retention")
