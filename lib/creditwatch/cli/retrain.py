"""The store side of ``creditwatch train --from-store``: the range, the champion, the
comparison report (the command itself is ``cli.model.train``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from rich.table import Table

from creditwatch.cli.common import console
from creditwatch.config import Settings
from creditwatch.windows import Window, parse_moment

if TYPE_CHECKING:
    from creditwatch.model.bundle import ModelBundle
    from creditwatch.model.train import TrainConfig
    from creditwatch.retrain import Retrained, StoreTrainingSet


def store_window(since: str | None, until: str | None, now: datetime | None = None) -> Window:
    """``[--since, --until)`` of application time: from the first stored application when
    --since is not given, up to now when --until is not."""
    now = now or datetime.now(UTC)
    return Window(None if since is None else parse_moment(since, now),
                  now if until is None else parse_moment(until, now))


def champion(settings: Settings) -> ModelBundle | None:
    """The serving model (``paths.bundle_dir``), or None (and a note) when there is none."""
    from creditwatch.errors import ModelNotFoundError
    from creditwatch.model.bundle import load_bundle

    try:
        return load_bundle(settings.paths.bundle_dir)
    except ModelNotFoundError as exc:
        console.print(f"no champion to compare with ({exc}): the report shows the new model "
                      "alone")
        return None


def stored_data(settings: Settings, window: Window) -> StoreTrainingSet:
    """The training set of ``window``, read with a spinner; refused when unusable."""
    from creditwatch.retrain import store_training_set
    from creditwatch.store import Store

    with Store.from_settings(settings) as store, console.status("reading stored applications"):
        return store_training_set(store, window, settings)


def retrain(settings: Settings, cfg: TrainConfig, data: StoreTrainingSet,
            on_round: Callable[[int, int], None]) -> Retrained:
    from creditwatch.retrain import retrain as train_and_compare

    current = champion(settings)  # loaded before the new bundle is saved
    return train_and_compare(data, cfg, settings, champion=current, on_round=on_round)


def report_comparison(retrained: Retrained, settings: Settings) -> None:
    """Write the report files and print the comparison table."""
    from creditwatch.retrain import write_report

    data = retrained.data.describe()
    console.print(f"trained on {data['rows']:,} stored applications ({data['defaults']:,} "
                  f"defaults); skipped {data['skipped_immature']:,} labelled on immature "
                  f"days and {data['skipped_purged']:,} with purged inputs")
    comparison = retrained.comparison
    table = Table(title=f"hold-out: the {comparison.holdout['rows']:,} most recent labelled "
                        f"applications ({comparison.holdout['defaults']:,} defaults)")
    for column in ("model", "version", "threshold", "AUC", "cost", "cost / application",
                   "approval rate", "miscalibrated bands"):
        table.add_column(column, justify="left" if column in ("model", "version") else "right")
    for model in comparison.models:
        s = model.summary()
        table.add_row(s["role"], s["version"], f"{s['threshold']:.4f}", f"{s['auc']:.4f}",
                      f"{s['cost']:,.0f}", f"{s['cost_per_application']:.4f}",
                      f"{s['approval_rate']:.1%}", str(s["miscalibrated_bands"]))
    console.print(table)
    json_path, md_path = write_report(comparison, data, settings.paths.reports)
    console.print(f"comparison report: {md_path} (every figure: {json_path})")
