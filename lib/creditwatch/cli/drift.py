"""``creditwatch drift run`` and ``creditwatch drift history``."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import TYPE_CHECKING

import typer
from rich.table import Table

from creditwatch.cli import options
from creditwatch.cli.common import EXIT_USER_ERROR, console, guarded, progress
from creditwatch.config import Settings, get_settings

if TYPE_CHECKING:
    from creditwatch.store import Store

DEFAULT_WINDOW = timedelta(days=7)

drift_app = typer.Typer(help="Data drift of stored predictions against the training reference.",
                        no_args_is_help=True)


@drift_app.command("run")
def run(
    days: options.Days = None,
    hours: options.Hours = None,
    since: options.Since = None,
    until: options.Until = None,
    threshold: float | None = typer.Option(None, "--threshold",
                                           help="Alert share (default 0.30 from settings)."),
    html: bool = typer.Option(False, "--html", help="Also write the Evidently HTML/JSON report."),
    as_json: bool = typer.Option(False, "--json", help="Also write our result as JSON."),
) -> None:
    """Compare a window of application_time (default: the last 7 days) with the reference;
    exit code 2 on ALERT."""
    status = _run(days, hours, since, until, threshold, html, as_json)
    if status == "ALERT":
        raise typer.Exit(EXIT_USER_ERROR)


@guarded
def _run(days: float | None, hours: float | None, since: str | None, until: str | None,
         threshold: float | None, html: bool, as_json: bool) -> str:
    from creditwatch.drift.monitor import DriftMonitor
    from creditwatch.store import Store

    settings = get_settings()
    if threshold is not None:
        settings = settings.replace(drift={"alert_share": threshold})
    window = options.window(days, hours, since, until, default=DEFAULT_WINDOW)
    with Store.from_settings(settings) as store:
        _ensure_reference(store, settings)
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
        path = settings.paths.reports / "drift" / f"drift_{window.slug}.result.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(result.result.to_dict(), indent=1, default=str))
        console.print(f"result JSON: {path}")
    console.print(f"stored as drift report #{result.report_id}")
    return str(s["status"])


@drift_app.command("history")
def history(
    every: options.Every = "1d",
    days: options.Days = None,
    hours: options.Hours = None,
    since: options.Since = None,
    until: options.Until = None,
) -> None:
    """Backfill one stored drift report per aligned window (default: the last 30), with a
    progress bar."""
    _history(every, days, hours, since, until)


@guarded
def _history(every: str, days: float | None, hours: float | None, since: str | None,
             until: str | None) -> None:
    from creditwatch.drift.monitor import DriftMonitor
    from creditwatch.store import Store

    windows = options.history(every, days, hours, since, until)
    settings = get_settings()
    table = Table(title=f"drift history, every {every}")
    for col in ("window start", "predictions", "drifted", "share", "weighted", "status"):
        table.add_column(col, justify="right")
    with Store.from_settings(settings) as store:
        _ensure_reference(store, settings)
        monitor = DriftMonitor(store, settings)
        with progress(f"{len(windows)} windows", len(windows)) as bar:
            runs = monitor.history(windows, on_window=lambda _run: bar.advance())
    for r in runs:
        s = r.result.summary
        table.add_row(f"{r.window.start:%Y-%m-%d %H:%M}", f"{s['n_rows_current']:,}",
                      f"{s['n_features_drifted']}/{s['n_features_analyzed']}",
                      f"{s['drift_share']:.1%}", f"{s['weighted_drift_score']:.2f}", str(s["status"]))
    console.print(table)


def _ensure_reference(store: Store, settings: Settings) -> None:
    """Load the serving bundle's reference into a store that has none, and say so."""
    from creditwatch.drift.monitor import ensure_reference

    loaded = ensure_reference(store, settings)
    if loaded is not None:
        console.print(f"the store had no training reference: loaded model {loaded}'s from the "
                      f"serving bundle ({settings.paths.bundle_dir})", soft_wrap=True)


def register(app: typer.Typer) -> None:
    app.add_typer(drift_app, name="drift")
