"""`creditwatch performance run|history`: the real CLI on a seeded store (both kinds), with
outcomes drawn from the generator's TRUE_PD."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from creditwatch.config import Settings
from creditwatch.model.bundle import ModelBundle
from creditwatch.scoring import Scorer
from creditwatch.store import Store, upgrade
from creditwatch.synthetic.shift import DriftSpec

from tests.plugins.postgres import STORES
from tests.support.cli import run_cli
from tests.support.seed import seed_store

T0 = datetime(2026, 2, 1, tzinfo=UTC)
DAY = timedelta(days=1)
SINCE, UNTIL = "2026-02-01", "2026-02-03"
REQUIRED = {"window_start": str, "window_end": str, "n": int, "n_labelled": int,
            "auc_realized": float, "auc_estimated": float, "auc_estimated_low": float,
            "auc_estimated_high": float, "concept_drift": bool, "immature": bool}


def run(args: list[str], root: Path, url: str | None) -> subprocess.CompletedProcess[str]:
    return run_cli(args, root, url)


@pytest.fixture(params=STORES)
def project(request: pytest.FixtureRequest, tmp_path: Path, bundle_dir: Path,
            bundle: ModelBundle) -> Iterator[tuple[Path, str | None, Store]]:
    """A project root with the session's bundle and a store of each kind holding two days
    of predictions: 90 % labelled the first day, 10 % the second (the CLI's store: the
    embedded SQLite file, or DATABASE_URL)."""
    shutil.copytree(bundle_dir, tmp_path / "artifacts" / "model")
    if request.param == "sqlite":
        url, store = None, Store(f"sqlite:///{tmp_path / 'data' / 'creditwatch.db'}")
    else:
        url = str(request.getfixturevalue("pg_fresh_url"))
        upgrade(url)
        store = Store(url)
    scorer = Scorer(bundle, Settings(paths={"root": tmp_path}, store={"url": None}))
    seed_store(store, scorer, 1500, start=T0, end=T0 + DAY, seed=5, labelled=0.9,
               error_rate=0.0, top_k=0)
    seed_store(store, scorer, 1500, start=T0 + DAY, end=T0 + 2 * DAY, seed=6, labelled=0.1,
               error_rate=0.0, top_k=0)
    yield tmp_path, url, store
    store.close()


def test_history_json_prints_one_object_per_window_and_stores_them(
        project: tuple[Path, str | None, Store]) -> None:
    """`history --every 1d --json` prints one JSON object per daily window with the issue's
    keys and types, stores one report per window, marks the half-labelled day immature; no
    alert fires on clean traffic (exit code 0)."""
    root, url, store = project
    out = run(["performance", "history", "--every", "1d", "--since", SINCE, "--until", UNTIL,
               "--json"], root, url)
    assert out.returncode == 0, out.stdout + out.stderr
    rows = [json.loads(line) for line in out.stdout.splitlines() if line.strip()]
    assert len(rows) == 2
    for row in rows:
        for key, kind in REQUIRED.items():
            assert isinstance(row[key], kind), (key, row[key])
        assert row["auc_estimated_low"] <= row["auc_estimated"] <= row["auc_estimated_high"]
        assert row["alerts"] == []
    assert [r["immature"] for r in rows] == [False, True]
    assert [r["n"] for r in rows] == [1500, 1500]
    assert rows[0]["window_start"].startswith("2026-02-01T00:00:00")
    stored = store.read_performance_reports()
    assert len(stored) == 2
    assert stored["n_labelled"].tolist() == [r["n_labelled"] for r in rows]
    assert "2 windows" in out.stderr  # the progress bar


def test_run_prints_a_table_and_exits_2_on_concept_drift(
        project: tuple[Path, str | None, Store], bundle: ModelBundle) -> None:
    """A fully labelled day of concept-drifted traffic (the link changed, the inputs did
    not) fires the concept-drift alert: `run` prints it and exits 2, as `drift run` does."""
    root, url, store = project
    scorer = Scorer(bundle, Settings(paths={"root": root}, store={"url": None}))
    seed_store(store, scorer, 3000, start=T0 + 2 * DAY, end=T0 + 3 * DAY, seed=7,
               labelled=1.0, error_rate=0.0, top_k=0,
               drift=DriftSpec("concept", 1.0))
    out = run(["performance", "run", "--since", "2026-02-03", "--until", "2026-02-04"], root, url)
    assert out.returncode == 2, out.stdout + out.stderr
    assert "concept_drift" in out.stdout and "alert" in out.stdout
    assert "Traceback" not in out.stderr
    stored = store.read_performance_reports()
    assert stored["concept_drift"].astype(bool).tolist() == [True]


def test_bad_window_and_missing_model_are_one_line_errors(tmp_path: Path) -> None:
    """A bad --every or a project without a model bundle: one line on stderr, exit code 2,
    no traceback, nothing stored."""
    out = run(["performance", "history", "--every", "0d"], tmp_path, None)
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert "error" in out.stderr
    out = run(["performance", "run", "--days", "1"], tmp_path, None)
    assert out.returncode == 2 and "creditwatch train" in out.stderr
    assert "Traceback" not in out.stderr
