"""``creditwatch fairness run``, ``fairness history`` and ``fairness proxies``."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.table import Table

from creditwatch.cli import options
from creditwatch.cli.common import console, guarded, progress
from creditwatch.config import Settings, get_settings

if TYPE_CHECKING:
    from creditwatch.fairness import AttributeFairness
    from creditwatch.windows import Window

DEFAULT_WINDOW = timedelta(days=30)

fairness_app = typer.Typer(help="Decisions and errors across protected groups.",
                           no_args_is_help=True)


@fairness_app.command("run")
def run(
    days: options.Days = None,
    hours: options.Hours = None,
    since: options.Since = None,
    until: options.Until = None,
    as_json: bool = typer.Option(False, "--json", help="Print the results as JSON."),
) -> None:
    """Per protected attribute and group over one window of received_at (default: the last
    30 days): approval, adverse impact ratio with its interval, error rates, calibration and
    cost, and the tests; stored in fairness_reports."""
    _run(lambda: [options.window(days, hours, since, until, default=DEFAULT_WINDOW)], as_json)


@fairness_app.command("history")
def history(
    every: options.Every = "1d",
    days: options.Days = None,
    hours: options.Hours = None,
    since: options.Since = None,
    until: options.Until = None,
    as_json: bool = typer.Option(False, "--json", help="Print the results as JSON."),
) -> None:
    """The same figures for each window of --every (default: the last 30 of them), each
    stored in fairness_reports."""
    _run(lambda: options.history(every, days, hours, since, until), as_json)


@guarded
def _run(make_windows: Callable[[], list[Window]], as_json: bool) -> None:
    """The windows are made here, so a bad option is a guarded one-line error."""
    from creditwatch.analytics import Analytics
    from creditwatch.analytics.fairness import report_rows, run_windows

    windows = make_windows()
    settings = get_settings()
    cost_fn, cost_fp = _costs(settings)
    with Analytics(settings) as a, progress("fairness", len(windows)) as bar:
        results = run_windows(a, windows, settings, cost_fn=cost_fn, cost_fp=cost_fp,
                              on_window=lambda _w: bar.advance())
        a.store.write_fairness_reports(report_rows(results, settings, cost_fn=cost_fn,
                                                   cost_fp=cost_fp, now=datetime.now(UTC)))
    if as_json:
        console.print_json(json.dumps([r.to_dict() for r in results]))
        return
    for r in results:
        print_result(r, settings)
    console.print(f"stored {len(results)} fairness reports")


def _costs(settings: Settings) -> tuple[float, float]:
    """The serving bundle's error costs, else the configured ones."""
    from creditwatch.errors import ModelNotFoundError
    from creditwatch.model.bundle import load_bundle

    try:
        bundle = load_bundle(settings.paths.bundle_dir)
    except ModelNotFoundError:
        return settings.model.cost_fn, settings.model.cost_fp
    return bundle.cost_fn, bundle.cost_fp


def _f(value: float, spec: str = ".3f") -> str:
    return "-" if value != value else format(value, spec)


def print_result(r: AttributeFairness, settings: Settings) -> None:
    title = (f"{r.attribute}, {r.start:%Y-%m-%d %H:%M} → {r.end:%Y-%m-%d %H:%M} UTC: "
             f"{r.n:,} applications, {r.labelled_share:.0%} with an outcome"
             f"{'' if r.mature else ' (immature)'}")
    table = Table(title=title)
    for column in ("group", "n", "approval", "AIR", f"AIR {r.level:.0%} CI", "mean score",
                   "default rate", "TPR", "FPR", "obs/exp defaults", "calib. p", "cost/app"):
        table.add_column(column, justify="right")
    for row in r.table.to_dict("records"):
        name = f"{row['group']}{' (ref)' if row['group'] == r.reference else ''}"
        if not row["eligible"]:
            name += " (small)"
        below = row["air_high"] < settings.fairness.air_threshold
        table.add_row(name, f"{row['n']:,}", _f(row["approval_rate"], ".1%"),
                      f"[red]{_f(row['air'])}[/]" if below else _f(row["air"]),
                      f"{_f(row['air_low'])}-{_f(row['air_high'])}",
                      _f(row["mean_score"]), _f(row["default_rate"], ".1%"), _f(row["tpr"]),
                      _f(row["fpr"]), _f(row["calibration_ratio"], ".2f"),
                      _f(row["calibration_p"], ".2g"), _f(row["cost_per_application"]))
    console.print(table)
    console.print(f"  group x decision: {r.independence.method} p = "
                  f"{_f(r.independence.p_value, '.3g')};  TPR gap {_f(r.tpr_gap)} "
                  f"(p = {_f(r.tpr_test.p_value, '.3g')}), FPR gap {_f(r.fpr_gap)} "
                  f"(p = {_f(r.fpr_test.p_value, '.3g')})")


@fairness_app.command("proxies")
def proxies(
    data: Path = typer.Option(..., "--data", "-d", exists=True, dir_okay=False,
                              help="Applications (.csv or .parquet)."),
    model: Path | None = typer.Option(None, "--model", help="Bundle folder; default artifacts/model."),
) -> None:
    """How well the model's own features predict each protected attribute (out-of-fold AUC
    of a small classifier; 0.5 = not at all)."""
    _proxies(data, model)


@guarded
def _proxies(data: Path, model: Path | None) -> None:
    from creditwatch.analytics.fairness import configured_attributes
    from creditwatch.fairness.proxies import proxy_report
    from creditwatch.files.loader import load_applications
    from creditwatch.model.bundle import load_bundle
    from creditwatch.model.protected import blank, features_from

    settings = get_settings()
    bundle = load_bundle(model or settings.paths.bundle_dir)
    attributes = configured_attributes(settings)
    frame = load_applications(data).frame
    names = bundle.feature_names
    matrix = blank(bundle.pipeline.transform(frame), names,
                   (bundle.extra.get("fairness") or {}).get("excluded_features", []))
    with console.status(f"fitting proxy classifiers on {len(frame):,} applications"):
        report = proxy_report(matrix, names, {a.field: frame[a.field].to_numpy()
                                              for a in attributes if a.field in frame},
                              [a for a in attributes if a.field in frame],
                              {a.field: features_from([a.field], names) for a in attributes})
    table = Table(title=f"proxies of the protected attributes, model {bundle.version}")
    table.add_column("attribute")
    table.add_column("proxy AUC", justify="right")
    for name, auc in report.items():
        table.add_row(name, _f(auc))
    console.print(table)


def register(app: typer.Typer) -> None:
    app.add_typer(fairness_app, name="fairness")
