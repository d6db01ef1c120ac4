"""``creditwatch train`` and ``creditwatch score``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import typer
from rich.table import Table

from creditwatch.cli import options
from creditwatch.cli.common import console, guarded, progress
from creditwatch.cli.retrain import report_comparison, retrain, store_window, stored_data
from creditwatch.config import get_settings
from creditwatch.errors import ConfigurationError

if TYPE_CHECKING:  # loading LightGBM waits for the command that needs it
    import pandas as pd

    from creditwatch.model.bundle import ModelBundle
    from creditwatch.retrain import Retrained, StoreTrainingSet


def train(
    data: Path | None = typer.Option(None, "--data", "-d", dir_okay=False, show_default=False,
                                     help="Training applications with TARGET (.csv or .parquet)."),
    from_store: bool = typer.Option(False, "--from-store", help=(
        "Train on the stored applications with mature outcomes (instead of --data), keep the "
        "most recent fifth out as a hold-out, and compare the new model with the champion on "
        "it (report under reports/retrain/).")),
    since: options.Since = None,
    until: options.Until = None,
    out: Path | None = typer.Option(None, "--out", "-o", help=(
        "Write the bundle to this folder instead of adding a version to the registry "
        "(artifacts/models/<version>/).")),
    seed: int | None = typer.Option(None, "--seed", help="Random seed; default from settings."),
    exclude: str = typer.Option("", "--exclude", metavar="FIELD[,FIELD]", help=(
        "Train without these fields and every derived feature built from them.")),
    fairness_report: bool = typer.Option(True, "--fairness-report/--no-fairness-report", help=(
        "Also train with and without the protected attributes (AUC and cost of both) and "
        "measure how well the features predict each of them (proxies).")),
) -> None:
    """Train the LightGBM model, choose the cost-optimal threshold, and add it to the registry
    as a new version; the champion is unchanged (a project with no model yet gets it as its
    champion). `creditwatch model promote` makes it answer. --since/--until (application
    time) only with --from-store."""
    _train(data, from_store, since, until, out, seed, exclude, fairness_report)


@guarded
def _train(data: Path | None, from_store: bool, since: str | None, until: str | None,
           out: Path | None, seed: int | None, exclude: str, fairness_report: bool) -> None:
    import pandas as pd

    from creditwatch.model.train import TrainConfig, train_model
    from creditwatch.registry.catalog import file_source

    if (data is None) == (not from_store):
        raise ConfigurationError("give exactly one source: --data FILE or --from-store")
    if not from_store and (since is not None or until is not None):
        raise ConfigurationError("--since and --until choose stored applications: only with "
                                 "--from-store")
    window = store_window(since, until) if from_store else None
    settings = get_settings()
    cfg = TrainConfig(cost_fn=settings.model.cost_fn, cost_fp=settings.model.cost_fp,
                      seed=settings.model.seed if seed is None else seed,
                      exclude=tuple(exclude.split(",")) if exclude else (),
                      protected=tuple(settings.fairness.attributes),
                      age_bands=tuple(settings.fairness.age_bands),
                      fairness_report=fairness_report)
    if window is not None:
        source: pd.DataFrame | StoreTrainingSet = stored_data(settings, window)
    else:
        from creditwatch.files.loader import load_applications

        source = load_applications(cast(Path, data)).frame
    if fairness_report:
        console.print("training three times: the model, and with / without the protected "
                      "attributes for the comparison (--no-fairness-report skips it)")
    retrained: Retrained | None = None
    with progress("training (early stopping)", cfg.max_rounds) as update:
        if isinstance(source, pd.DataFrame):
            bundle = train_model(source, cfg, on_round=lambda i, _n: update(i))
            bundle.extra["training_data"] = file_source(cast(Path, data), len(source))
        else:
            retrained = retrain(settings, cfg, source, lambda i, _n: update(i))
            bundle = retrained.bundle
    print_training_report(bundle.metrics, bundle.threshold, bundle.version)
    print_fairness_report(bundle.extra.get("fairness") or {})
    store_bundle(bundle, settings.paths.artifacts, out)
    if retrained is not None:
        report_comparison(retrained, settings)


def store_bundle(bundle: ModelBundle, artifacts: Path, out: Path | None = None, *,
                 serve: bool = False) -> None:
    """Write a trained bundle to ``out``, or add it to the registry and say what it is now.
    ``serve`` (the demo, which serves the model it just trained, as it always has): make it
    the champion whatever the champion was, without the promotion's same-input check (a
    demo on real data after one on synthetic data reads other categories)."""
    from creditwatch.model.bundle import save_bundle
    from creditwatch.registry import CHAMPION, set_pointer
    from creditwatch.registry.versions import add_version

    if out is not None:
        console.print(f"bundle written to {save_bundle(bundle, out)} (not registered)")
        return
    added = add_version(artifacts, bundle)
    if added.migrated:
        console.print(f"the legacy artifacts/model bundle is now version {added.migrated}, "
                      "the champion")
    console.print(f"version {added.version} {'was already' if added.existed else 'added'} "
                  f"in {added.directory}")
    if added.champion:
        console.print(f"{added.version} is the champion (the project had none)")
    elif serve:
        set_pointer(artifacts, CHAMPION, added.version)
        console.print(f"{added.version} is the champion (the demo serves what it trains)")
    else:
        console.print(f"champion unchanged; `creditwatch model promote {added.version}` "
                      "makes it answer")


def print_training_report(metrics: dict[str, float], threshold: float, version: str) -> None:
    table = Table(title=f"model {version}", show_header=True)
    table.add_column("metric")
    table.add_column("value", justify="right")
    table.add_row("decision threshold", f"{threshold:.4f}")
    for key in ("best_iteration", "valid_auc", "holdout_auc", "holdout_cost_at_threshold",
                "holdout_cost_at_0_5", "holdout_approval_rate", "oracle_auc", "auc_vs_oracle",
                "oracle_best_cost", "cost_vs_oracle"):
        if key in metrics:
            value = metrics[key]
            table.add_row(key, f"{value:,.4f}" if isinstance(value, float) else f"{value:,}")
    console.print(table)


def print_fairness_report(fairness: dict[str, Any]) -> None:
    """What the bundle records about protected attributes (see ``model.protected``)."""
    if fairness.get("excluded_fields"):
        console.print(f"excluded: {', '.join(fairness['excluded_fields'])} -> features "
                      f"{', '.join(fairness['excluded_features'])}")
    table = Table(title="protected attributes", show_header=True)
    for column in ("field", "used directly", "used through derived features", "proxy AUC"):
        table.add_column(column)
    proxies = fairness.get("proxy_auc", {})
    for field, use in fairness.get("protected", {}).items():
        proxy = proxies.get("AGE_BAND" if field == "DAYS_BIRTH" else field)
        table.add_row(field, "yes" if use["direct"] else "no", ", ".join(use["derived"]) or "-",
                      "-" if proxy is None else f"{proxy:.3f}")
    console.print(table)
    comparison = fairness.get("comparison")
    if comparison:
        table = Table(title="holdout with and without the protected attributes")
        for column in ("model", "AUC", "cost", "cost / application", "approval rate"):
            table.add_column(column, justify="right")
        for key, row in comparison.items():
            table.add_row(key.replace("_", " "), f"{row['auc']:.4f}", f"{row['cost']:,.0f}",
                          f"{row['cost_per_application']:.4f}", f"{row['approval_rate']:.1%}")
        console.print(table)


def score(
    data: Path = typer.Option(..., "--data", "-d", dir_okay=False,
                              help="Applications to score (.csv or .parquet)."),
    out: Path | None = typer.Option(None, "--out", "-o",
                                    help="Output file; default <data>.scores.parquet beside the input."),
    model: Path | None = typer.Option(None, "--model", help=(
        "Bundle folder; default the champion's (artifacts/models/<version>), else "
        "artifacts/model.")),
) -> None:
    """Score every application of a file and write one row of results per application."""
    _score(data, out, model)


@guarded
def _score(data: Path, out: Path | None, model: Path | None) -> None:
    import pandas as pd

    from creditwatch.files import count_rows, iter_application_chunks, write_applications
    from creditwatch.scoring import Scorer
    from creditwatch.scoring.scorer import APPROVED

    total = count_rows(data)  # a missing file is named before a missing model
    scorer = Scorer.load(model)
    parts: list[pd.DataFrame] = []
    with progress(f"scoring {data.name}", total) as bar:
        for chunk in iter_application_chunks(data):  # bounded memory; nothing written on error
            scores = scorer.score(chunk)
            part = scores.to_frame(chunk.index)
            if "SK_ID_CURR" in chunk.columns:
                part.insert(0, "SK_ID_CURR", chunk["SK_ID_CURR"].to_numpy())
            parts.append(part)
            bar.advance(len(chunk))
    result = pd.concat(parts) if parts else pd.DataFrame()
    out = out or data.with_name(data.name.split(".")[0] + ".scores.parquet")
    write_applications(result, out)
    approved = float((result["decision"] == APPROVED).mean()) if len(result) else 0.0
    console.print(f"scored {len(result):,} applications with model {scorer.version}: "
                  f"{approved:.1%} approved, threshold {scorer.threshold:.4f} -> {out}")


def register(app: typer.Typer) -> None:
    app.command("train")(train)
    app.command("score")(score)
