"""``creditwatch alerts check``: exit 0 all well, 1 alert active, 2 error (for cron and CI)."""

from __future__ import annotations

from datetime import timedelta

import typer
from rich.table import Table

from creditwatch.cli import options
from creditwatch.cli.common import console, err_console
from creditwatch.config import get_settings

alerts_app = typer.Typer(help="Alert checks over a window of monitoring metrics.",
                         no_args_is_help=True)


@alerts_app.command("check")
def check(
    days: options.Days = None,
    hours: options.Hours = None,
    since: options.Since = None,
    until: options.Until = None,
) -> None:
    """Check error rate, latency, drift, approval rate and traffic over a window of server
    time (default: the last 24 hours, from settings); notify and record alerts."""
    try:
        from creditwatch.alerts import run_check
        from creditwatch.store import Store

        settings = get_settings()
        default = timedelta(hours=settings.alerts.window_hours)
        window = options.window(days, hours, since, until, default=default)
        with Store.from_settings(settings) as store:
            result = run_check(store, settings, window=window)
    except Exception as exc:  # noqa: BLE001 - exit code 2 tells cron the check itself failed
        err_console.print(f"[bold red]error:[/] alert check failed: {exc}")
        raise typer.Exit(2) from None
    k = result.kpis
    console.print(f"window {k['start']:%Y-%m-%d %H:%M} → {k['end']:%Y-%m-%d %H:%M} UTC: "
                  f"{k['total_predictions']:,} predictions, {k['n_errors']:,} rejected")
    if not (result.fired or result.suppressed):
        console.print("[green]no alert[/]")
        raise typer.Exit(0)
    table = Table(title="alerts")
    for col in ("kind", "severity", "message", "state"):
        table.add_column(col)
    for alert in result.fired:
        table.add_row(alert.kind, alert.severity, alert.message, "fired")
    for alert in result.suppressed:
        table.add_row(alert.kind, alert.severity, alert.message, "cooling down (not re-sent)")
    console.print(table)
    for d in result.deliveries:
        state = "[green]delivered[/]" if d.ok else f"[red]FAILED[/] after {d.attempts} tries: {d.error}"
        console.print(f"  {d.channel}: {state}")
    raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.add_typer(alerts_app, name="alerts")
