"""``creditwatch drift run`` and ``creditwatch drift history``."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import typer
from rich.table import Table

from creditwatch.cli.common import EXIT_USER_ERROR, console, guarded, progress
from creditwatch.config import get_settings

drift_app = typer.Typer(help="Data drift of stored predictions against the training reference.",
                        no_args_is_help=True)


def _parse_time(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not an ISO date or date-time") from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


@drift_app.command("run")
def run(
    days: float = typer.Option(7.0, "--days", help="Window: the last N days of application_time."),
    hours: float | None = typer.Option(None, "--hours", help="Window in hours instead of days."),
    threshold: float | None = typer.Option(None, "--threshold",
                                           help="Alert share (default 0.30 from settings)."),
    html: bool = typer.Option(False, "--html", help="Also write the Evidently HTML/JSON report."),
    as_json: bool = typer.Option(False, "--json", help="Also write our result as JSON."),
) -> None:
    """Compare the last window with the reference; exit code 2 on ALERT."""
    status = _run(timedelta(hours=hours) if hours else timedelta(days=days), threshold, html, as_json)
    if status == "ALERT":
        raise typer.Exit(EXIT_USER_ERROR)


@guarded
def _run(length: timedelta, threshold: float | None, html: bool, as_json: bool) -> str:
    from creditwatch.drift import Chunker
    from creditwatch.drift.monitor import DriftMonitor
    from creditwatch.store import Store

    settings = get_settings()
    if threshold is not None:
        settings = settings.replace(drift={"alert_share": threshold})
    window = Chunker.last(length)
    with Store.from_settings(settings) as store:
        monitor = DriftMonitor(store, settings)
        with console.status("comparing the window with the training reference"):
            result = monitor.run(window, html=html)
    s = result.result.summary
    console.print(f"window {window.start:%Y-%m-%d %H:%M} → {window.end:%Y-%m-%d %H:%M} UTC, "
                  f"model {monitor.model_version}: {s['n_rows_current']:,} predictions, "
                  f"{s['n_features_drifted']}/{s['n_features_analyzed']} features drifted "
                  f"({s['drift_share']:.1%}), weighted score {s['weighted_drift_score']:.2f} "
                  f"→ [bold]{s['status']}[/]")
    drifted = result.result.features.query("drifted").sort_values("p_adjusted")
    if len(drifted):
        console.print("drifted: " + ", ".join(drifted["feature"].head(15)) +
                      (" ..." if len(drifted) > 15 else ""))
    if result.html_path:
        console.print(f"Evidently report: {result.html_path}")
    if as_json:
        path = settings.paths.reports / "drift" / f"drift_{window.label}.result.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(result.result.to_dict(), indent=1, default=str))
        console.print(f"result JSON: {path}")
    console.print(f"stored as drift report #{result.report_id}")
    return str(s["status"])


@drift_app.command("history")
def history(
    every: str = typer.Option("1d", "--every", help="Window length: 1d, 6h, 1h ..."),
    since: str | None = typer.Option(None, "--since", help="Start (ISO date); default 30 windows ago."),
    until: str | None = typer.Option(None, "--until", help="End (ISO date); default now."),
) -> None:
    """Backfill one stored drift report per window, with a progress bar."""
    _history(every, since, until)


@guarded
def _history(every: str, since: str | None, until: str | None) -> None:
    from creditwatch.drift import Chunker
    from creditwatch.drift.monitor import DriftMonitor
    from creditwatch.simulate.schedule import parse_interval
    from creditwatch.store import Store

    settings = get_settings()
    step = parse_interval(every)
    assert step is not None
    end = _parse_time(until) if until else datetime.now(UTC)
    start = _parse_time(since) if since else end - 30 * step
    windows = Chunker.consecutive(step, start, end)
    table = Table(title=f"drift history, every {every}")
    for col in ("window start", "predictions", "drifted", "share", "weighted", "status"):
        table.add_column(col, justify="right")
    with Store.from_settings(settings) as store:
        monitor = DriftMonitor(store, settings)
        with progress(f"{len(windows)} windows", len(windows)) as bar:
            runs = monitor.history(windows, on_window=lambda _run: bar.advance())
    for r in runs:
        s = r.result.summary
        table.add_row(f"{r.window.start:%Y-%m-%d %H:%M}", f"{s['n_rows_current']:,}",
                      f"{s['n_features_drifted']}/{s['n_features_analyzed']}",
                      f"{s['drift_share']:.1%}", f"{s['weighted_drift_score']:.2f}", str(s["status"]))
    console.print(table)


def register(app: typer.Typer) -> None:
    app.add_typer(drift_app, name="drift")
