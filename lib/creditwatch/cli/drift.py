"""``creditwatch drift run`` and ``creditwatch drift history``."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.table import Table

from creditwatch.cli import options
from creditwatch.cli.common import EXIT_USER_ERROR, console, guarded, progress
from creditwatch.config import Settings, get_settings

if TYPE_CHECKING:
    import pandas as pd

    from creditwatch.store import Store

DEFAULT_WINDOW = timedelta(days=7)

drift_app = typer.Typer(help=("Data drift of stored predictions against the training reference, "
                              "or of one application file against another."),
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
    _print_drifted(result.result.features)
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


@drift_app.command("compare")
def compare(
    reference: Path = typer.Argument(..., dir_okay=False, help="Reference applications "
                                     "(e.g. application_train.csv; .csv, .csv.gz or .parquet)."),
    current: Path = typer.Argument(..., dir_okay=False, help="Current applications "
                                   "(e.g. application_test.csv)."),
    html: Path | None = typer.Option(None, "--html", dir_okay=False,
                                     help="Also write the Evidently report to this .html file."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON instead."),
    reference_rows: int | None = typer.Option(None, "--reference-rows", min=50, help=(
        "Compare a seeded uniform sample of this many reference rows (default 20,000).")),
    current_rows: int | None = typer.Option(None, "--current-rows", min=50, help=(
        "... and of this many current rows (default drift.max_rows, as drift run).")),
    model: Path | None = typer.Option(None, "--model", help=(
        "Bundle whose importances weight the score; default the serving bundle, if any.")),
) -> None:
    """Compare two application files with the drift engine of `drift run` (no store
    needed); exit code 2 on ALERT."""
    status = _compare(reference, current, html, as_json, reference_rows, current_rows, model)
    if status == "ALERT":
        raise typer.Exit(EXIT_USER_ERROR)


@guarded
def _compare(reference: Path, current: Path, html: Path | None, as_json: bool,
             reference_rows: int | None, current_rows: int | None, model: Path | None) -> str:
    from creditwatch.drift.filecompare import bundle_importances, compare_files
    from creditwatch.files import count_rows

    settings = get_settings()
    total = count_rows(reference) + count_rows(current)  # also checks both files exist
    importances = bundle_importances(model or settings.paths.bundle_dir)
    with progress(f"reading {reference.name} and {current.name}", total) as bar:
        done = compare_files(reference, current, settings, reference_rows=reference_rows,
                             current_rows=current_rows, importances=importances, html=html,
                             on_rows=bar.advance)
    result, s = done.result, done.result.summary
    if as_json:
        payload = {**result.to_dict(), "reference_file_rows": done.reference_file_rows,
                   "current_file_rows": done.current_file_rows,
                   "category_shares": _records(done.category_shares),
                   "html_path": str(done.html_path) if done.html_path else None}
        typer.echo(json.dumps(payload, default=str))
        return str(s["status"])
    console.print(f"{reference.name} ({done.reference_file_rows:,} rows, {s['n_rows_reference']:,} "
                  f"compared) → {current.name} ({done.current_file_rows:,} rows, "
                  f"{s['n_rows_current']:,} compared): {s['n_features_drifted']}/"
                  f"{s['n_features_analyzed']} features drifted ({s['drift_share']:.1%}), "
                  f"weighted score {s['weighted_drift_score']:.2f} → [bold]{s['status']}[/]",
                  soft_wrap=True)
    _print_drifted(result.features)
    _print_moved(done.moved_categories())
    if done.html_path:
        console.print(f"Evidently report: {done.html_path}")
    return str(s["status"])


def _print_drifted(features: pd.DataFrame) -> None:
    drifted = features.query("drifted").sort_values("p_adjusted")
    if len(drifted):
        console.print("drifted: " + ", ".join(drifted["feature"].head(15)) +
                      (" ..." if len(drifted) > 15 else ""), soft_wrap=True)


def _print_moved(moved: pd.DataFrame) -> None:
    """The categorical fields whose category shares moved most, one line each."""
    if moved.empty:
        return
    console.print("category shares that moved most (reference → current):")
    for row in moved.to_dict("records"):
        mark = " (drifted)" if row["drifted"] else ""
        console.print(f"  {row['feature']} = {row['category']}: {row['reference_share']:.1%} → "
                      f"{row['current_share']:.1%} ({float(row['change']) * 100:+.1f} pts){mark}",
                      soft_wrap=True, markup=False)


def _records(frame: pd.DataFrame | None) -> list[dict[str, object]]:
    if frame is None:
        return []
    return [{str(k): v for k, v in row.items()}
            for row in frame.astype(object).where(frame.notna(), None).to_dict("records")]


def _ensure_reference(store: Store, settings: Settings) -> None:
    """Load the serving bundle's reference into a store that has none, and say so."""
    from creditwatch.drift.monitor import ensure_reference

    loaded = ensure_reference(store, settings)
    if loaded is not None:
        console.print(f"the store had no training reference: loaded model {loaded}'s from the "
                      f"serving bundle ({settings.paths.bundle_dir})", soft_wrap=True)


def register(app: typer.Typer) -> None:
    app.add_typer(drift_app, name="drift")
