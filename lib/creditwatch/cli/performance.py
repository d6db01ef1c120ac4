"""``creditwatch performance run`` and ``creditwatch performance history``."""

from __future__ import annotations

import json
import math
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import typer
from rich.table import Table

from creditwatch.cli import options
from creditwatch.cli.common import EXIT_USER_ERROR, console, guarded, progress
from creditwatch.config import get_settings

if TYPE_CHECKING:
    from creditwatch.performance.monitor import PerformanceRun

DEFAULT_WINDOW = timedelta(days=7)

performance_app = typer.Typer(
    help="Model performance per window: realized from outcomes, estimated before them, and "
         "the concept-drift signal.", no_args_is_help=True)
JsonFlag = typer.Option(False, "--json", help="Print one JSON object per window instead of a "
                                              "table.")


@performance_app.command("run")
def run(
    days: options.Days = None,
    hours: options.Hours = None,
    since: options.Since = None,
    until: options.Until = None,
    as_json: bool = JsonFlag,
) -> None:
    """Evaluate a window of application_time (default: the last 7 days) and store its report;
    exit code 2 when a model-health alert fires."""
    runs = _runs(None, days, hours, since, until, as_json)
    if any(r.alerts for r in runs):
        raise typer.Exit(EXIT_USER_ERROR)


@performance_app.command("history")
def history(
    every: options.Every = "1d",
    days: options.Days = None,
    hours: options.Hours = None,
    since: options.Since = None,
    until: options.Until = None,
    as_json: bool = JsonFlag,
) -> None:
    """Evaluate and store one report per aligned window (default: the last 30), with a
    progress bar; exit code 2 when a window fires a model-health alert."""
    runs = _runs(every, days, hours, since, until, as_json)
    if any(r.alerts for r in runs):
        raise typer.Exit(EXIT_USER_ERROR)


@guarded
def _runs(every: str | None, days: float | None, hours: float | None, since: str | None,
          until: str | None, as_json: bool) -> list[PerformanceRun]:
    from creditwatch.performance.monitor import PerformanceMonitor
    from creditwatch.store import Store

    settings = get_settings()
    if every is None:
        windows = [options.window(days, hours, since, until, default=DEFAULT_WINDOW)]
    else:
        windows = options.history(every, days, hours, since, until)
    with Store.from_settings(settings) as store, PerformanceMonitor(store, settings) as monitor:
        if every is None:
            with console.status("evaluating the window"):
                runs = [monitor.run(windows[0])]
        else:
            with progress(f"{len(windows)} windows", len(windows)) as bar:
                runs = monitor.history(windows, on_window=lambda _run: bar.advance())
    if as_json:
        for r in runs:
            print(json.dumps(r.summary(), default=str))  # one object per line, no rich markup
    else:
        console.print(_table(runs, f"model {monitor.model_version}"
                             + (f", every {every}" if every else "")))
        fired = [f"{r.window.start:%Y-%m-%d %H:%M}: {v.message}" for r in runs
                 for v in r.verdicts.values() if v.fires]
        for line in fired:
            console.print(f"[bold red]alert[/] {line}", soft_wrap=True)
    return runs


def _fmt(value: Any, spec: str = ".3f") -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return format(value, spec)


def _table(runs: list[PerformanceRun], title: str) -> Table:
    table = Table(title=f"model performance, {title}")
    for col in ("window start", "n", "labelled", "AUC realized", "AUC estimated (band)",
                "default rate real/est", "concept drift", "alerts"):
        table.add_column(col, justify="right")
    for r in runs:
        rec = r.record()
        band = (f"{_fmt(rec['auc_estimated'])} ({_fmt(rec['auc_estimated_low'])}–"
                f"{_fmt(rec['auc_estimated_high'])})")
        labelled = f"{_fmt(rec['labelled_share'], '.0%')}" + (" immature" if rec["immature"]
                                                              else "")
        table.add_row(f"{r.window.start:%Y-%m-%d %H:%M}", f"{rec['n_predictions']:,}", labelled,
                      _fmt(rec["auc_realized"]), band,
                      f"{_fmt(rec['default_rate_realized'], '.1%')} / "
                      f"{_fmt(rec['default_rate_estimated'], '.1%')}",
                      rec["concept_status"] or "–", ", ".join(r.alerts) or "none")
    return table


def register(app: typer.Typer) -> None:
    app.add_typer(performance_app, name="performance")
