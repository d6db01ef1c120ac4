"""``creditwatch demo``: the main job end to end on the embedded default store.

1. synthetic applications (or, with ``--real``, the Kaggle files in ``data/raw/``: see
``creditwatch.cli.demo_real``; picked by default when they are there); 2. the cost-optimal
model; 3. its reference in the store;
4. the API on a local port; 5. the seeds' 8-batch drift schedule sent over HTTP, one batch
per day, with the outcomes of its early days sent back (a share of the applications, drawn
from the generator's true default probability, observed a few days later); 6. drift history
over those days and a drift run; 7. the alert check; 8. the monitoring report; 9. the
dashboard, last; the API and the dashboard run until Ctrl-C. On the real files, step 5
replays the test file (or a held-out part of train) over ``--days`` days instead.
"""

from __future__ import annotations

import os
import sys
import time
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import httpx
import typer
from rich.table import Table

from creditwatch.cli.common import console, guarded, progress
from creditwatch.cli.demo_real import load_real, real_files_present, replay_days, switch_hint
from creditwatch.cli.model import print_training_report
from creditwatch.cli.processes import ServiceError
from creditwatch.config import Settings, get_settings
from creditwatch.registry.catalog import file_source

if TYPE_CHECKING:
    import pandas as pd

    from creditwatch.cli.processes import Service
    from creditwatch.model.bundle import ModelBundle
    from creditwatch.simulate import OutcomeOptions

# The demo's outcomes: 90 % of the applications, known 3 days later, so the first days of the
# 8 simulated ones have labels (the Model performance figures) and the latest do not.
DEMO_OUTCOMES_SHARE = 0.9
DEMO_OUTCOMES_DELAY = "3d"


def demo(
    rows: int = typer.Option(100_000, "--rows", help="Synthetic training applications."),
    seed: int = typer.Option(42, "--seed"),
    dashboard: bool = typer.Option(True, "--dashboard/--no-dashboard",
                                   help="Start the dashboard at the end and keep it running."),
    outcomes_share: float = typer.Option(
        DEMO_OUTCOMES_SHARE, "--outcomes-share",
        help="Share of the simulated applications whose outcome is sent back (0: none)."),
    outcomes_delay: str = typer.Option(
        DEMO_OUTCOMES_DELAY, "--outcomes-delay",
        help="Outcomes are observed this long after the application: only the days at least "
             "this old get them."),
    real: bool | None = typer.Option(
        None, "--real/--synthetic", show_default=False,
        help="The Kaggle files in data/raw/ (application_train.csv, optionally "
             "application_test.csv) or synthetic data; default: real when they are there."),
    days: int = typer.Option(8, "--days", min=1,
                             help="--real: days the production file is replayed over."),
) -> None:
    """Run the whole job: data, model, API, drifting traffic, drift, alerts, report, dashboard."""
    _demo(rows, seed, dashboard, outcomes_share, outcomes_delay, real, days)


def _train(settings: Settings, rows: int, seed: int) -> None:
    from creditwatch.files.loader import write_applications
    from creditwatch.scoring import Scorer
    from creditwatch.synthetic.generator import generate

    console.rule("1. synthetic Home Credit applications")
    train_path = settings.paths.data / "synthetic" / "train.parquet"
    with console.status(f"generating {rows:,} training applications"):
        frame = generate(rows, seed)
        write_applications(frame, train_path)
    console.print(f"{len(frame):,} rows -> {train_path} (default rate {frame['TARGET'].mean():.2%})")
    bundle = _fit(settings, frame, seed, file_source(train_path, len(frame)))
    scores = Scorer(bundle, settings).score(generate(1_000, seed + 1, id_start=500_000))
    console.print(f"1,000 new applications scored in "
                  f"{scores.preprocessing_ms + scores.inference_ms:.1f} ms, "
                  f"{1 - scores.refused.mean():.1%} approved")


def _fit(settings: Settings, frame: pd.DataFrame, seed: int,
         source: dict[str, Any]) -> ModelBundle:
    """2. the model on ``frame``, saved; 3. its reference in the store."""
    from creditwatch.cli.model import store_bundle
    from creditwatch.model.train import TrainConfig, train_model
    from creditwatch.store import Store
    from creditwatch.store.reference import load_reference

    console.rule("2. cost-optimal LightGBM model")
    cfg = TrainConfig(cost_fn=settings.model.cost_fn, cost_fp=settings.model.cost_fp, seed=seed)
    with progress("training (early stopping)", cfg.max_rounds) as update:
        bundle = train_model(frame, cfg, on_round=lambda i, _n: update(i))
    bundle.extra["training_data"] = source
    print_training_report(bundle.metrics, bundle.threshold, bundle.version)
    store_bundle(bundle, settings.paths.artifacts, serve=True)

    console.rule("3. training reference in the store")
    with Store.from_settings(settings) as store:
        written = load_reference(store, bundle.version, bundle.reference, bundle.reference_stats)
        console.print(f"reference of model {bundle.version} "
                      f"{'loaded' if written else 'already there'} ({len(bundle.reference):,} rows) "
                      f"into {store.url}")
    return bundle


def _api(settings: Settings) -> tuple[Service, str]:
    """The scoring API on a free local port, on the embedded store (started by the caller,
    kept running beside the dashboard until Ctrl-C)."""
    from creditwatch.cli.processes import Service, free_port

    port = free_port(8000)
    url = f"http://127.0.0.1:{port}"
    console.rule(f"4. scoring API on {url} (embedded store)")
    api = Service("API", [sys.executable, "-m", "creditwatch.cli.main", "serve", "--port", str(port)],
                  f"{url}/health", env={**os.environ, "CREDITWATCH_ROOT": str(settings.paths.root)},
                  cwd=settings.paths.root, log_path=settings.paths.data / "logs" / "api.log")
    return api, url


def _traffic(settings: Settings, seed: int, url: str, outcomes: OutcomeOptions) -> None:
    from creditwatch.cli.simulate import print_result
    from creditwatch.simulate import Schedule, SimulationConfig, simulate

    console.rule("5. drifting traffic: 8 daily batches of 50 (seeds' schedule), outcomes "
                 f"of {outcomes.share:.0%} observed {outcomes.delay} later")
    plan = Schedule.parse()
    # no deliberate errors here: each daily window keeps its 50 rows, the drift minimum
    cfg = SimulationConfig(api_url=url, schedule=plan, batch_interval=timedelta(days=1),
                           seed=seed, outcomes=outcomes)
    with progress(f"sending {plan.total} applications", plan.total) as bar:
        result = simulate(cfg, progress=bar.advance)
    print_result(result)
    _settle(url)
    console.print(f"every answered prediction is stored in {settings.store_url}")


def _settle(url: str, timeout: float = 60.0) -> None:
    """Wait until the API's writer has shipped everything spooled (its /health queue depth
    is 0), so the drift and alert steps see the whole simulated traffic."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if httpx.get(f"{url}/health", timeout=5).json()["queue_depth"] == 0:
            return
        time.sleep(0.1)
    raise ServiceError(f"the API's writer still had records queued after {timeout:.0f} s")


def _drift(settings: Settings, days: int = 8) -> None:
    from creditwatch.drift import Chunker
    from creditwatch.drift.monitor import DriftMonitor
    from creditwatch.store import Store

    console.rule("6. drift: daily history over the simulated days, then the last day")
    with Store.from_settings(settings) as store:
        monitor = DriftMonitor(store, settings)
        now = datetime.now(UTC)
        windows = Chunker.consecutive(timedelta(days=1), now - timedelta(days=days - 1), now)
        table = Table()
        for col in ("day", "predictions", "drifted", "share", "weighted", "status"):
            table.add_column(col, justify="right")
        with progress(f"{len(windows)} daily windows", len(windows)) as bar:
            runs = monitor.history(windows, on_window=lambda _run: bar.advance())
        for r in runs:
            s = r.result.summary
            table.add_row(f"{r.window.start:%Y-%m-%d}", str(s["n_rows_current"]),
                          f"{s['n_features_drifted']}/{s['n_features_analyzed']}",
                          f"{s['drift_share']:.1%}", f"{s['weighted_drift_score']:.2f}",
                          str(s["status"]))
        console.print(table)
        with console.status("Evidently report of the last day"):
            last = monitor.run(windows[-1], html=True)
    s = last.result.summary
    console.print(f"last day: [bold]{s['status']}[/] ({s['drift_share']:.0%} of features drifted); "
                  f"report {last.html_path}")


def _alerts(settings: Settings) -> None:
    from creditwatch.alerts import run_check
    from creditwatch.store import Store

    console.rule("7. alert check (last 24 h)")
    with Store.from_settings(settings) as store:
        result = run_check(store, settings)
    if not result.fired and not result.suppressed:
        console.print("[green]no alert fired[/]")
    table = Table()
    for col in ("kind", "severity", "message"):
        table.add_column(col)
    for alert in [*result.fired, *result.suppressed]:
        table.add_row(alert.kind, alert.severity, alert.message)
    if result.fired or result.suppressed:
        console.print(table)


def _report(settings: Settings) -> None:
    from creditwatch.reports import DEFAULT_NOTEBOOKS, run_report, select_notebooks

    console.rule(f"8. monitoring report (papermill: notebooks {DEFAULT_NOTEBOOKS})")
    with console.status("executing the notebooks"):
        chosen = select_notebooks(settings.paths.notebooks, DEFAULT_NOTEBOOKS)
        run = run_report(chosen, {}, reports_dir=settings.paths.reports)
    console.print(f"report run {run.status}: {run.folder}")
    console.print(f"[bold]all runs: {settings.paths.reports / 'index.html'}[/]")


def _dashboard(settings: Settings, api_url: str) -> None:
    from creditwatch.cli.processes import Service, free_port

    port = free_port(settings.dashboard.port)
    url = f"http://127.0.0.1:{port}"
    console.rule("9. monitoring dashboard")
    env = {**os.environ, "CREDITWATCH_ROOT": str(settings.paths.root),
           "CREDITWATCH_API_URL": api_url}
    board = Service("dashboard", [sys.executable, "-m", "creditwatch.cli.main", "dashboard",
                                  "--port", str(port)],
                    f"{url}/_stcore/health", env=env,
                    cwd=settings.paths.root, log_path=settings.paths.data / "logs" / "dashboard.log")
    with board.start():
        console.print(f"[bold]dashboard: {url}[/]  (open it in a browser); "
                      f"[bold]API: {api_url}/docs[/]; Ctrl-C stops both")
        try:
            board.wait()
        except KeyboardInterrupt:
            console.print("stopping the dashboard and the API")


@guarded
def _demo(rows: int, seed: int, dashboard: bool, outcomes_share: float,
          outcomes_delay: str, real: bool | None, days: int) -> None:
    from creditwatch.simulate import OutcomeOptions

    settings = get_settings()
    outcomes = OutcomeOptions.parse(outcomes_share, outcomes_delay,
                                    settings.api.outcomes_max_items)
    started = datetime.now(UTC)
    real = real_files_present(settings) if real is None else real
    data = load_real(settings, seed) if real else None
    if data is None:
        console.print(f"[bold]{switch_hint(settings)}[/]", soft_wrap=True)
        _train(settings, rows, seed)
    else:
        _fit(settings, data.train, seed, data.source)
    api, url = _api(settings)
    with api.start():
        console.print(f"API up; logs in {api.log_path}")
        if data is None:
            _traffic(settings, seed, url, outcomes)
        else:
            replay_days(settings, url, data, days, outcomes)
        _settle(url)
        _drift(settings, days if data is not None else 8)
        _alerts(settings)
        _report(settings)
        elapsed = datetime.now(UTC) - started
        console.rule(f"done in {elapsed / timedelta(seconds=1):.0f} s")
        if dashboard:
            _dashboard(settings, url)
    console.print("API stopped (spool flushed)")


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)
