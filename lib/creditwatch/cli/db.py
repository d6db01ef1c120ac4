"""``creditwatch db upgrade|current`` and ``creditwatch reference load``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import typer
from sqlalchemy.exc import OperationalError

from creditwatch.cli.common import console, guarded
from creditwatch.config import get_settings
from creditwatch.errors import StoreUnavailableError
from creditwatch.store import Store, head_revision
from creditwatch.store.engine import sqlite_path

db_app = typer.Typer(help="Manage the prediction store's schema.", no_args_is_help=True)
reference_app = typer.Typer(help="The training reference drift is measured against.",
                            no_args_is_help=True)

URL_HELP = "Store URL; default DATABASE_URL, else the embedded SQLite file under data/."


@contextmanager
def _store(url: str | None, *, auto_migrate: bool = False) -> Iterator[Store]:
    settings = get_settings()
    store = Store(url or settings.store_url, connect_timeout=settings.store.connect_timeout,
                  auto_migrate=auto_migrate)
    try:
        yield store
    except OperationalError as exc:
        raise StoreUnavailableError(f"store {store.url} is unreachable: {exc.orig}") from exc
    finally:
        store.close()


@db_app.command("upgrade")
def upgrade(url: str | None = typer.Option(None, "--url", help=URL_HELP)) -> None:
    """Create or migrate the store's tables to the newest schema (a no-op when current)."""
    _upgrade(url)


@guarded
def _upgrade(url: str | None) -> None:
    with _store(url) as store:
        before = store.revision()
        after = store.upgrade()
        change = "already at" if before == after else f"{before or 'empty'} →"
        console.print(f"{store.url}: {change} {after}", soft_wrap=True)


@db_app.command("current")
def current(url: str | None = typer.Option(None, "--url", help=URL_HELP)) -> None:
    """Show the store's schema revision and the newest one; exit 1 when behind."""
    _current(url)


@guarded
def _current(url: str | None) -> None:
    target = url or get_settings().store_url
    path = sqlite_path(target)
    if path is not None and not path.exists():  # looking must not create an empty file
        console.print(f"no store yet at {path} (it is created on first use)", soft_wrap=True)
        raise typer.Exit(1)
    with _store(target) as store:
        revision, head = store.revision(), head_revision()
        state = "up to date" if revision == head else "needs `creditwatch db upgrade`"
        console.print(f"{store.url}: revision {revision or 'none'} (head {head}) - {state}",
                      soft_wrap=True)
    if revision != head:
        raise typer.Exit(1)


@reference_app.command("load")
def load(
    model: Path | None = typer.Option(None, "--model",
                                      help="Bundle folder; default artifacts/model."),
    url: str | None = typer.Option(None, "--url", help=URL_HELP),
    replace: bool = typer.Option(False, "--replace", help="Reload when already stored."),
) -> None:
    """Store the model bundle's reference sample and statistics (once per model version)."""
    _load(model, url, replace)


@guarded
def _load(model: Path | None, url: str | None, replace: bool) -> None:
    from creditwatch.model.bundle import load_bundle  # heavy (LightGBM): only when needed
    from creditwatch.store import load_reference

    bundle = load_bundle(model or get_settings().paths.bundle_dir)
    # Like every user of the store: an empty embedded store is created, any other store must
    # already be at the current schema (`creditwatch db upgrade`).
    with _store(url, auto_migrate=True) as store:
        store.check_schema()
        written = load_reference(store, bundle.version, bundle.reference, bundle.reference_stats,
                                 replace=replace)
        rows, cols = bundle.reference.shape
        verb = "loaded" if written else "already stored, unchanged (use --replace to reload)"
        console.print(f"reference of model {bundle.version} ({rows:,} rows × {cols} columns) "
                      f"{verb} in {store.url}", soft_wrap=True)


def register(app: typer.Typer) -> None:
    app.add_typer(db_app, name="db")
    app.add_typer(reference_app, name="reference")
