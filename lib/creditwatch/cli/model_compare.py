"""``creditwatch model compare``: the champion against the challenger in shadow, per window.

Registered on the ``model`` command group by ``register(model_app)`` (see ``cli.main``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import typer
from rich.table import Table

from creditwatch.cli import options
from creditwatch.cli.common import console, guarded
from creditwatch.config import get_settings

if TYPE_CHECKING:
    from creditwatch.shadow.compare import WindowComparison

DEFAULT_DAYS = 7


def compare(
    days: options.Days = None,
    every: options.Every = "1d",
    challenger: str | None = typer.Option(None, "--challenger", metavar="VERSION", help=(
        "Only this challenger version (default: every version that shadowed the range).")),
    as_json: bool = typer.Option(False, "--json", help="Print the results as JSON."),
) -> None:
    """Champion against challenger on the traffic the challenger scored in shadow, over the
    last N days (default 7) and per window of --every: decision agreement and flips, score
    correlation, approval change by protected group, estimated and realized performance."""
    _compare(days, every, challenger, as_json)


@guarded
def _compare(days: float | None, every: str, challenger: str | None, as_json: bool) -> None:
    from creditwatch.analytics import Analytics
    from creditwatch.shadow.compare import compare as run
    from creditwatch.shadow.models import Models
    from creditwatch.windows import Window

    days = DEFAULT_DAYS if days is None else days
    windows = options.history(every, days, None, None, None)
    total = Window(windows[0].bounds[0], windows[-1].bounds[1])  # what the windows cover
    settings = get_settings()
    models = Models(settings)
    with Analytics(settings) as a:
        overall = run(a, [total], settings, challenger=challenger, models=models)
        per_window = run(a, windows, settings, challenger=challenger, models=models)
    if as_json:
        console.print_json(json.dumps({"total": [r.to_dict() for r in overall],
                                       "windows": [r.to_dict() for r in per_window]}))
        return
    if not overall:
        console.print(f"no prediction was scored in shadow in the last {days:g} "
                      "days: is a challenger set (artifacts/models/challenger)?")
        return
    _print_windows("Overall", overall)
    _print_windows(f"Per {every} window", per_window)
    for r in overall:
        _print_groups(r)


def _f(value: float | None, spec: str = ".3f") -> str:
    return "-" if value is None or value != value else format(value, spec)


def _auc(figures: Mapping[str, Any] | None, role: str) -> str:
    found = (figures or {}).get(role)
    return _f(found["auc"]) if found else "-"


def _print_windows(title: str, results: Sequence[WindowComparison]) -> None:
    table = Table(title=title)
    for column in ("window (UTC)", "challenger", "n", "agree", "A→R", "R→A", "approval",
                   "pearson", "spearman", "est. AUC", "real. AUC", "labelled"):
        table.add_column(column, justify="right")
    for r in results:
        g = r.agreement
        table.add_row(f"{r.start:%Y-%m-%d %H:%M} → {r.end:%Y-%m-%d %H:%M}", r.challenger,
                      f"{g.n:,}", _f(g.agreement, ".1%"), f"{g.approve_to_refuse:,}",
                      f"{g.refuse_to_approve:,}",
                      f"{_f(g.approval_champion, '.1%')} → {_f(g.approval_challenger, '.1%')}",
                      _f(g.pearson), _f(g.spearman),
                      f"{_auc(r.estimated, 'champion')} / {_auc(r.estimated, 'challenger')}",
                      f"{_auc(r.realized, 'champion')} / {_auc(r.realized, 'challenger')}",
                      f"{r.n_labelled:,}")
    console.print(table)


def _print_groups(r: WindowComparison) -> None:
    table = Table(title=f"Approval by group, champion {r.champion} → challenger {r.challenger}")
    for column in ("attribute", "group", "n", "champion", "challenger", "change"):
        table.add_column(column, justify="right")
    for g in r.groups:
        table.add_row(g["attribute"], g["group"], f"{g['n']:,}",
                      _f(g["approval_champion"], ".1%"), _f(g["approval_challenger"], ".1%"),
                      _f(100 * g["change"], "+.1f") + " pt")
    console.print(table)


def register(model_app: typer.Typer) -> None:
    """Add ``compare`` to the ``model`` command group."""
    model_app.command("compare")(compare)
