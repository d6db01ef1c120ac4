"""``creditwatch demo``: the main job end to end on the embedded default store."""

from __future__ import annotations

import typer
from rich.table import Table

from creditwatch.cli.common import console, guarded, progress
from creditwatch.cli.model import print_training_report
from creditwatch.config import get_settings


def demo(
    rows: int = typer.Option(100_000, "--rows", help="Synthetic training applications."),
    score_rows: int = typer.Option(1_000, "--score-rows", help="New applications to score."),
    seed: int = typer.Option(42, "--seed"),
) -> None:
    """Generate data, train the model, score new applications and print a summary."""
    _demo(rows, score_rows, seed)


@guarded
def _demo(rows: int, score_rows: int, seed: int) -> None:
    from creditwatch.data.loader import write_applications
    from creditwatch.data.synth import generate
    from creditwatch.model.bundle import save_bundle
    from creditwatch.model.train import TrainConfig, train_model
    from creditwatch.scoring import Scorer

    settings = get_settings()
    console.rule("1. synthetic Home Credit applications")
    train_path = settings.data / "synthetic" / "train.parquet"
    with console.status(f"generating {rows:,} training applications"):
        frame = generate(rows, seed)
        write_applications(frame, train_path)
    console.print(f"{len(frame):,} rows -> {train_path} (default rate {frame['TARGET'].mean():.2%})")

    console.rule("2. cost-optimal LightGBM model")
    cfg = TrainConfig(cost_fn=settings.cost_fn, cost_fp=settings.cost_fp, seed=seed)
    with progress("training (early stopping)", cfg.max_rounds) as update:
        bundle = train_model(frame, cfg, on_round=lambda i, _n: update(i))
    save_bundle(bundle, settings.bundle_dir)
    print_training_report(bundle.metrics, bundle.threshold, bundle.version)
    console.print(f"bundle -> {settings.bundle_dir}")

    console.rule("3. scoring new applications")
    scorer = Scorer(bundle, settings)
    new = generate(score_rows, seed + 1, id_start=500_000)
    scores = scorer.score(new)
    table = Table(title=f"{score_rows:,} new applications")
    for col in ("decision", "count", "share", "mean probability"):
        table.add_column(col, justify="right")
    result = scores.to_frame()
    for decision, group in result.groupby("decision"):
        table.add_row(str(decision), f"{len(group):,}", f"{len(group) / len(result):.1%}",
                      f"{group['probability'].mean():.3f}")
    console.print(table)
    levels = result["confidence"].value_counts().to_dict()
    console.print(f"confidence: {levels}; mean data quality {result['data_quality_score'].mean():.3f}")
    console.print(f"scored in {scores.preprocessing_ms + scores.inference_ms:.1f} ms "
                  f"({scores.preprocessing_ms:.1f} ms features, {scores.inference_ms:.1f} ms trees)")


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)
