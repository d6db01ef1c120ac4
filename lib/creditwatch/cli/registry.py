"""``creditwatch model list | show | promote | retire | challenge | migrate``: the registry
of model versions (``creditwatch.registry``). A running API follows the champion pointer by
itself (within ``api.model_poll_s``): no restart after a promotion."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.table import Table

from creditwatch.cli.common import console, guarded
from creditwatch.config import get_settings

Json = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]
Version = Annotated[str, typer.Argument(metavar="VERSION", help=(
    "A model version (its hash, as `creditwatch model list` shows it)."))]

model_app = typer.Typer(help="Model versions: list, promote, retire, the challenger in shadow.",
                        no_args_is_help=True)
_METRICS = (("holdout_auc", "AUC", "{:.4f}"), ("holdout_cost_at_threshold", "cost", "{:,.0f}"))


@model_app.command("list")
def list_(json_out: Json = False) -> None:
    """Every version, newest first: role, date, threshold, held-out AUC and cost, training
    data and the protected attributes its trees read (`show` or --json for the rest)."""
    _list(json_out)


@guarded
def _list(json_out: bool) -> None:
    from creditwatch.registry.catalog import describe_source, list_versions

    cards = list_versions(get_settings().paths.artifacts)
    if json_out:
        console.print_json(json.dumps(cards, default=str))
        return
    if not cards:
        console.print("no model versions yet: run `creditwatch train` (or `creditwatch model "
                      "migrate` for an existing artifacts/model)")
        return
    table = Table(title="model versions")
    for column in ("version", "role", "created", "threshold", *(m[1] for m in _METRICS),
                   "trained on", "protected used"):
        table.add_column(column)
    for c in cards:
        metrics = c.get("metrics", {})
        table.add_row(c["version"], c["role"] or "-", str(c.get("created_at", "?"))[:10],
                      _fmt(c.get("threshold"), "{:.4f}"),
                      *(_fmt(metrics.get(key), f) for key, _, f in _METRICS),
                      describe_source(c.get("training_data"), digest=False),
                      ", ".join(c.get("protected_used", [])) or "none")
    console.print(table)


def _fmt(value: Any, spec: str) -> str:
    return "-" if value is None else spec.format(value)


@model_app.command("show")
def show(version: Version, json_out: Json = False) -> None:
    """One version's card: role, metrics, training data, protected attributes, folder."""
    _show(version, json_out)


@guarded
def _show(version: str, json_out: bool) -> None:
    from creditwatch.registry.catalog import card, describe_source

    c = card(get_settings().paths.artifacts, version)
    if json_out:
        console.print_json(json.dumps(c, default=str))
        return
    console.print(f"model {c['version']} ({c['role'] or 'no role'}), created "
                  f"{c.get('created_at')}, threshold {_fmt(c.get('threshold'), '{:.4f}')}")
    console.print(f"trained on: {describe_source(c.get('training_data'))}")
    console.print(f"protected attributes used: {', '.join(c.get('protected_used', [])) or 'none'}"
                  f"; excluded: {', '.join(c.get('excluded_fields', [])) or 'none'}")
    table = Table(title="held-out metrics")
    table.add_column("metric")
    table.add_column("value", justify="right")
    for key, value in c.get("metrics", {}).items():
        table.add_row(key, f"{value:,.4f}" if isinstance(value, float) else str(value))
    console.print(table)
    console.print(f"folder: {c['path']}")


@model_app.command("promote")
def promote(version: Version) -> None:
    """Make VERSION the champion (the model the API answers with). Refused when it does not
    load or reads a different input than the current champion."""
    _promote(version)


@guarded
def _promote(version: str) -> None:
    from creditwatch.registry.promote import promote as move

    change = move(get_settings().paths.artifacts, version)
    if change.before == change.after:
        console.print(f"{version} is already the champion")
        return
    console.print(f"champion: {change.before or 'none'} -> {change.after}; running APIs "
                  "follow within api.model_poll_s")
    if change.challenger_cleared:
        console.print(f"{version} was the challenger: no challenger now")


@model_app.command("retire")
def retire(version: Version) -> None:
    """Retire VERSION: no longer eligible as champion or challenger (its bundle is kept for
    audits). Refused for the champion."""
    _retire(version)


@guarded
def _retire(version: str) -> None:
    from creditwatch.registry.promote import retire as mark

    cleared = mark(get_settings().paths.artifacts, version)
    console.print(f"{version} retired" + ("; it was the challenger: no challenger now"
                                          if cleared else ""))


@model_app.command("challenge")
def challenge(
    version: Annotated[str | None, typer.Argument(metavar="[VERSION]", help=(
        "The version to score in shadow."), show_default=False)] = None,
    off: Annotated[bool, typer.Option("--off", help="No challenger.")] = False,
) -> None:
    """Make VERSION the challenger (scored in shadow beside the champion), or --off. The same
    checks as a promotion."""
    _challenge(version, off)


@guarded
def _challenge(version: str | None, off: bool) -> None:
    from creditwatch.errors import ConfigurationError
    from creditwatch.registry.promote import challenge as point

    if off == (version is not None):
        raise ConfigurationError("give a VERSION or --off (not both)")
    change = point(get_settings().paths.artifacts, version)
    console.print(f"challenger: {change.before or 'none'} -> {change.after or 'none'}")


@model_app.command("migrate")
def migrate(move: Annotated[bool, typer.Option("--move", help=(
        "Remove artifacts/model once copied (default: keep it)."))] = False) -> None:
    """Bring a legacy artifacts/model bundle into the registry as a version; it becomes the
    champion when there is none. Running it again changes nothing."""
    _migrate(move)


@guarded
def _migrate(move: bool) -> None:
    from creditwatch.registry.migrate import migrate as bring

    done = bring(get_settings().paths.artifacts, move=move)
    console.print(f"version {done.version} {'already in' if done.existed else 'copied to'} "
                  f"{done.directory}" + ("; champion now" if done.champion else "")
                  + ("; artifacts/model removed" if done.moved else ""))


def register(app: typer.Typer) -> None:
    app.add_typer(model_app, name="model")
