"""`creditwatch db upgrade|current` and `creditwatch reference load`, run as the CLI runs."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from creditwatch.cli import db
from creditwatch.model.bundle import ModelBundle
from creditwatch.store import Store, head_revision
from creditwatch.store.engine import sqlite_path

runner = CliRunner()


def _app() -> typer.Typer:
    app = typer.Typer()
    db.register(app)
    return app


def test_db_upgrade_then_current(empty_store_url: str) -> None:
    """`db current` flags an empty store, or an absent SQLite file without creating it
    (exit 1); `db upgrade` migrates it, a second upgrade reports it is already current, and
    `db current` then exits 0."""
    app = _app()
    behind = runner.invoke(app, ["db", "current", "--url", empty_store_url])
    assert behind.exit_code == 1
    path = sqlite_path(empty_store_url)
    if path is not None:
        assert "no store yet" in behind.output and not path.exists()
    else:
        assert "needs `creditwatch db upgrade`" in behind.output
    first = runner.invoke(app, ["db", "upgrade", "--url", empty_store_url])
    assert first.exit_code == 0, first.output
    assert f"empty → {head_revision()}" in first.output
    second = runner.invoke(app, ["db", "upgrade", "--url", empty_store_url])
    assert second.exit_code == 0 and "already at" in second.output
    current = runner.invoke(app, ["db", "current", "--url", empty_store_url])
    assert current.exit_code == 0 and "up to date" in current.output


def test_unreachable_store_is_a_one_line_error() -> None:
    """An unreachable server gives exit code 2 and a message, not a traceback."""
    result = runner.invoke(_app(), ["db", "upgrade", "--url",
                                    "postgresql+psycopg://postgres@127.0.0.1:1/none"])
    assert result.exit_code == 2
    assert "unreachable" in result.output and "Traceback" not in result.output


def test_reference_load_is_idempotent(bundle_dir: Path, bundle: ModelBundle,
                                      tmp_path: Path) -> None:
    """`reference load` stores the bundle's reference under its model version once; running
    it again leaves it unchanged, --replace reloads it."""
    url = f"sqlite:///{tmp_path / 'store.db'}"
    app = _app()
    args = ["reference", "load", "--model", str(bundle_dir), "--url", url]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    assert "loaded" in first.output and bundle.version in first.output
    again = runner.invoke(app, args)
    assert again.exit_code == 0 and "already stored" in again.output
    assert runner.invoke(app, [*args, "--replace"]).exit_code == 0
    with Store(url) as store:
        stored = store.read_reference()
        assert stored is not None and stored.model_version == bundle.version
        pd.testing.assert_frame_equal(stored.data, bundle.reference)
        assert len(store.reference_versions()) == 1


@pytest.mark.postgres
def test_reference_load_refuses_an_unmigrated_server_store(bundle_dir: Path,
                                                           pg_fresh_url: str) -> None:
    """On a PostgreSQL store that was never migrated, loading says to run `db upgrade`."""
    result = runner.invoke(_app(), ["reference", "load", "--model", str(bundle_dir),
                                    "--url", pg_fresh_url])
    assert result.exit_code == 2
    assert "creditwatch db upgrade" in result.output
