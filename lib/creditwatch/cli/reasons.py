"""``creditwatch reasons``: the reason mix of a window's refusals against the reference."""

from __future__ import annotations

from datetime import timedelta

import typer
from rich.table import Table

from creditwatch.cli import options
from creditwatch.cli.common import console, guarded
from creditwatch.config import get_settings

DEFAULT_WINDOW = timedelta(days=7)


def reasons(
    days: options.Days = None,
    hours: options.Hours = None,
    since: options.Since = None,
    until: options.Until = None,
) -> None:
    """Which reasons drive refusals in a window of application_time (default: the last 7
    days), against the training reference: per code, the share of refused applications
    given it, the reference share, and the difference (reason drift)."""
    _reasons(days, hours, since, until)


@guarded
def _reasons(days: float | None, hours: float | None, since: str | None,
             until: str | None) -> None:
    from creditwatch.explain import DEFAULT_REASONS
    from creditwatch.explain.drift import reason_mix
    from creditwatch.model.bundle import load_bundle  # heavy (LightGBM): only when needed
    from creditwatch.store import Store

    settings = get_settings()
    window = options.window(days, hours, since, until, default=DEFAULT_WINDOW)
    bundle = load_bundle(settings.paths.bundle_dir)
    k = settings.api.reasons_max
    with Store.from_settings(settings) as store, console.status("explaining the reference"):
        mix, n = reason_mix(store, bundle, *window.bounds, k or DEFAULT_REASONS)
    console.print(f"window {window.start:%Y-%m-%d %H:%M} → {window.end:%Y-%m-%d %H:%M} UTC, "
                  f"model {bundle.version}: {n:,} refusals with reasons")
    table = Table("code", "reason", "share this window", "share in reference", "difference")
    for code, text, share, ref, diff in mix[["code", "text", "share", "reference_share",
                                             "difference"]].itertuples(index=False):
        table.add_row(str(code), str(text), f"{share:.1%}", f"{ref:.1%}", f"{diff:+.1%}")
    console.print(table)


def register(app: typer.Typer) -> None:
    app.command("reasons")(reasons)
