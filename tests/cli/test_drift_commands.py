"""`creditwatch drift run|history` on a store that has no training reference yet."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from creditwatch.cli.main import app
from creditwatch.config import Settings, get_settings
from creditwatch.model.bundle import ModelBundle
from creditwatch.scoring import Scorer
from creditwatch.store import Store

from tests.support.seed import seed_store

runner = CliRunner()


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    """A project folder whose embedded store holds a day of predictions and no reference."""
    monkeypatch.setenv("CREDITWATCH_ROOT", str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    get_settings.cache_clear()
    yield Settings(paths={"root": tmp_path})
    get_settings.cache_clear()


def _seed(settings: Settings, bundle: ModelBundle) -> None:
    now = datetime.now(UTC)
    with Store.from_settings(settings) as store:
        seed_store(store, Scorer(bundle, settings), 300, start=now - timedelta(hours=20),
                   end=now - timedelta(hours=1), error_rate=0)
        assert not len(store.reference_versions())


@pytest.mark.parametrize("command", [["drift", "run", "--days", "1"],
                                     ["drift", "history", "--every", "12h", "--days", "1"]])
def test_the_serving_bundles_reference_is_loaded_and_announced(
        project: Settings, bundle_dir: Path, bundle: ModelBundle, command: list[str]) -> None:
    """With no reference in the store, drift run/history load the serving bundle's (once),
    say so, and compare against it; the next run finds it and says nothing about it."""
    shutil.copytree(bundle_dir, project.paths.bundle_dir)
    _seed(project, bundle)
    first = runner.invoke(app, command)
    assert first.exit_code in (0, 2), first.output
    assert f"loaded model {bundle.version}'s from the serving bundle" in first.output
    with Store.from_settings(project) as store:
        assert list(store.reference_versions()["model_version"]) == [bundle.version]
        assert len(store.read_drift_reports()) >= 1
    again = runner.invoke(app, command)
    assert again.exit_code in (0, 2) and "serving bundle" not in again.output


def test_no_reference_and_no_bundle_is_a_one_line_error(project: Settings,
                                                        bundle: ModelBundle) -> None:
    """Without a reference in the store or a bundle to take it from, drift run stops with one
    line that says what to do, and stores nothing."""
    _seed(project, bundle)
    result = runner.invoke(app, ["drift", "run", "--days", "1"])
    lines = result.output.strip().splitlines()
    assert result.exit_code == 2 and len(lines) == 1, result.output
    assert "no serving bundle" in lines[0] and "creditwatch train" in lines[0]
    with Store.from_settings(project) as store:
        assert not len(store.read_drift_reports())
