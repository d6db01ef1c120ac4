"""``creditwatch audit verify``: prove the decision log complete and unaltered."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Annotated

import typer

from creditwatch.cli import options
from creditwatch.cli.common import console, err_console, guarded, progress
from creditwatch.config import get_settings
from creditwatch.windows import parse_moment

EXIT_BROKEN = 1

Inputs = Annotated[bool, typer.Option(
    "--inputs", help="Also recompute each prediction's inputs digest from its stored inputs "
                     "(parses every inputs document: slower).")]
Json = Annotated[bool, typer.Option("--json", help="Print the result as one JSON object.")]

audit_app = typer.Typer(help="The tamper-evident decision log.", no_args_is_help=True)


@audit_app.command("verify")
def verify(since: options.Since = None, inputs: Inputs = False, json_out: Json = False) -> None:
    """Walk the hash chain over stored predictions and outcomes (all of it, or what was
    written --since WHEN). Exit code 0 when intact; 1 naming the first broken entry when a
    row was edited, deleted or inserted outside creditwatch."""
    _verify(since, inputs, json_out)


@guarded
def _verify(since: str | None, inputs: bool, json_out: bool) -> None:
    from creditwatch.audit import verify as walk
    from creditwatch.store import Store

    start = None if since is None else parse_moment(since, datetime.now(UTC))
    with (Store.from_settings(get_settings()) as store, store.engine.connect() as conn,
          progress("verifying the audit chain") as bar):
        result = walk(conn, since=start, inputs=inputs, progress=bar)
    first = result.first
    if json_out:
        console.print_json(json.dumps({
            "intact": result.intact, "entries": result.entries, "rows": result.rows,
            "head": result.head, "breaks": result.n_breaks,
            "first_break": None if first is None else first.describe(),
            "found": [b.describe() for b in result.breaks]}))
    else:
        rows = ", ".join(f"{n:,} {table}" for table, n in result.rows.items())
        console.print(f"{result.entries:,} chain entries and {rows} walked; "
                      f"head {result.head}")
    if first is not None:
        err_console.print(f"[bold red]broken:[/] {first.describe()} "
                          f"({result.n_breaks:,} problem(s) in all)", soft_wrap=True)
        raise typer.Exit(EXIT_BROKEN)
    if not json_out:
        console.print("[green]intact[/]")


def register(app: typer.Typer) -> None:
    app.add_typer(audit_app, name="audit")
