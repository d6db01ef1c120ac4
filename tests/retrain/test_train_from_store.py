"""`creditwatch train --from-store`: the real CLI (a subprocess) on a seeded store of each
kind, its training set and hold-out checked against the rules recomputed here from the
store's rows, and its comparison report against sklearn and hand computation."""

from __future__ import annotations

import json
import math
import shutil
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score
from sqlalchemy import text

from creditwatch.config import Settings
from creditwatch.fairness.groups import age_bands
from creditwatch.model.bundle import ModelBundle, load_bundle
from creditwatch.registry import CHAMPION, pointed, version_dir
from creditwatch.scoring import Scorer
from creditwatch.store import Store, upgrade

from tests.plugins.postgres import STORES
from tests.support.cli import run_cli
from tests.support.seed import seed_store

T0 = datetime(2026, 2, 1, tzinfo=UTC)
DAY = timedelta(days=1)
SINCE, UNTIL = "2026-02-01", "2026-02-04"
MATURITY, HOLDOUT_SHARE = 0.8, 0.2  # the default performance.maturity_share; the split rule
PD_EDGES = (0.02, 0.05, 0.10, 0.20, 0.35)  # the default performance.pd_bands


def run(args: list[str], root: Path, url: str | None) -> subprocess.CompletedProcess[str]:
    return run_cli(args, root, url, timeout=900)


def open_project(request: pytest.FixtureRequest, root: Path,
                 bundle_dir: Path) -> tuple[str | None, Store]:
    """The session's bundle as the champion, and an empty store of the parametrised kind
    (the CLI's: the embedded SQLite file, or DATABASE_URL)."""
    shutil.copytree(bundle_dir, root / "artifacts" / "model")
    if request.param == "sqlite":
        return None, Store(f"sqlite:///{root / 'data' / 'creditwatch.db'}")
    url = str(request.getfixturevalue("pg_fresh_url"))
    upgrade(url)
    return url, Store(url)


@pytest.fixture(params=STORES)
def project(request: pytest.FixtureRequest, tmp_path: Path, bundle_dir: Path,
            bundle: ModelBundle) -> Iterator[tuple[Path, str | None, Store]]:
    """Four days of stored predictions: the day before --since (mature, out of range), two
    mature days (90 % labelled), one immature day (30 % labelled); the first hour's inputs
    purged; 60 outcomes of the second day corrected (the latest must count)."""
    url, store = open_project(request, tmp_path, bundle_dir)
    scorer = Scorer(bundle, Settings(paths={"root": tmp_path}, store={"url": None}))
    for day, n, share in ((-1, 300, 0.9), (0, 1200, 0.9), (1, 1200, 0.9), (2, 1000, 0.3)):
        seed_store(store, scorer, n, start=T0 + day * DAY, end=T0 + (day + 1) * DAY,
                   seed=20 + day, labelled=share, error_rate=0.0, top_k=0)
    store.purge_inputs(T0 + timedelta(hours=1))
    day2 = store.read_outcomes(T0 + DAY, T0 + 2 * DAY).head(60)
    store.write_batch(outcomes=[
        {"event_id": f"fix-{i}", "key": "prediction_id", "value": int(row.prediction_id),
         "defaulted": 1 - int(row.defaulted), "observed_at": T0 + 3 * DAY,
         "received_at": T0 + 3 * DAY, "source": "test"} for i, row in enumerate(day2.itertuples())])
    yield tmp_path, url, store
    store.close()


def expected_rows(store: Store) -> tuple[pd.DataFrame, dict[str, int]]:
    """The usable rows of [SINCE, UNTIL) by the documented rules, recomputed from the raw
    tables: latest outcome by highest outcome id, daily maturity, purged inputs skipped;
    oldest first, with the raw inputs decoded here."""
    start, end = T0, T0 + 3 * DAY
    with store.engine.connect() as conn:
        raw = conn.execute(text("SELECT id, inputs FROM predictions")).all()
        history = conn.execute(text(
            "SELECT id, prediction_id, defaulted FROM outcomes ORDER BY id")).all()
    inputs = {int(i): (json.loads(v) if isinstance(v, str) else v) for i, v in raw}
    latest: dict[int, int] = {}
    for _oid, pid, value in history:
        latest[int(pid)] = int(value)
    p = store.read_predictions(columns=["id", "application_time", "inputs_purged_at"])
    p = p[(p["application_time"] >= start) & (p["application_time"] < end)].copy()
    p["y"] = p["id"].map(latest)
    p["day"] = p["application_time"].dt.floor("D")
    share = p.groupby("day")["y"].apply(lambda s: s.notna().mean())
    p["mature"] = p["day"].map(share >= MATURITY)
    labelled = p["y"].notna()
    usable = p[labelled & p["mature"] & p["inputs_purged_at"].isna()].sort_values(
        ["application_time", "id"])
    usable = usable.assign(inputs=[inputs[int(i)] for i in usable["id"]])
    counts = {"predictions": len(p), "labelled": int(labelled.sum()),
              "skipped_immature": int((labelled & ~p["mature"]).sum()),
              "skipped_purged": int((labelled & p["mature"] & p["inputs_purged_at"].notna()).sum())}
    return usable.reset_index(drop=True), counts


def probabilities(bundle: ModelBundle, rows: list[dict[str, Any]]) -> np.ndarray:
    return np.asarray(bundle.booster.predict(bundle.pipeline.transform(rows)), dtype=float)


def check_model(figures: dict[str, Any], bundle: ModelBundle, hold: pd.DataFrame) -> None:
    """A model's reported hold-out figures against sklearn and hand computation."""
    y = hold["y"].to_numpy(dtype=int)
    p = probabilities(bundle, list(hold["inputs"]))
    t = bundle.threshold
    assert figures["version"] == bundle.version and figures["threshold"] == pytest.approx(t)
    assert figures["auc"] == pytest.approx(roc_auc_score(y, p), abs=1e-9)
    cost = bundle.cost_fn * np.sum((y == 1) & (p < t)) + bundle.cost_fp * np.sum((y == 0) & (p >= t))
    assert figures["cost"] == pytest.approx(cost)
    assert figures["approval_rate"] == pytest.approx(np.mean(p < t))
    band = np.searchsorted(PD_EDGES, p, side="right")
    for i, row in enumerate(figures["realized"]["calibration"]):
        assert row["n"] == int(np.sum(band == i))
        assert row["expected"] == pytest.approx(float(p[band == i].sum()), abs=1e-9)
        assert row["observed"] == int(y[band == i].sum())
    gender = hold["inputs"].map(lambda r: r.get("CODE_GENDER")).fillna("missing").to_numpy()
    age = age_bands(hold["inputs"].map(lambda r: r.get("DAYS_BIRTH", np.nan)).to_numpy(float),
                    (25.0, 35.0, 50.0, 65.0))
    for attribute, groups in (("CODE_GENDER", gender), ("AGE_BAND", age)):
        reported = {g["group"]: g for g in figures["groups"][attribute]}
        assert set(reported) == set(groups)
        for group, row in reported.items():
            mine = groups == group
            assert row["n"] == int(mine.sum())
            assert row["approval_rate"] == pytest.approx(np.mean(p[mine] < t))
            bad = mine & (y == 1)
            if bad.any():
                assert row["tpr"] == pytest.approx(np.mean(p[bad] >= t))


def test_from_store_trains_on_mature_labelled_rows_and_compares_on_the_recent_holdout(
        project: tuple[Path, str | None, Store], bundle: ModelBundle) -> None:
    """train --from-store --since --until trains on the range's labelled applications of
    mature days with inputs (the latest outcome counting), all but the most recent fifth;
    the bundle, added to the registry as a version (the champion unchanged), records that
    data; the report compares champion and challenger on that
    fifth with the figures sklearn and hand computation give; the table is printed."""
    root, url, store = project
    out = run(["train", "--from-store", "--since", SINCE, "--until", UNTIL,
               "--no-fairness-report"], root, url)
    assert out.returncode == 0, out.stdout + out.stderr
    usable, counts = expected_rows(store)
    n_hold = math.ceil(HOLDOUT_SHARE * len(usable))
    train, hold = usable.iloc[:-n_hold], usable.iloc[-n_hold:]
    reports = sorted((root / "reports" / "retrain").glob("*.json"))
    assert len(reports) == 1 and reports[0].with_suffix(".md").exists()
    report = json.loads(reports[0].read_text())
    artifacts = root / "artifacts"
    challenger = load_bundle(version_dir(artifacts, report["models"][-1]["version"]))
    assert challenger.version != bundle.version
    assert pointed(artifacts, CHAMPION) == bundle.version  # added as a version, not promoted
    data = challenger.extra["training_data"]
    assert data["source"] == "store"
    assert data["since"].startswith("2026-02-01T00:00:00") and data["until"].startswith(
        "2026-02-04T00:00:00")
    assert (data["rows"], data["defaults"]) == (len(train), int(train["y"].sum()))
    assert (data["holdout_rows"], data["holdout_defaults"]) == (len(hold), int(hold["y"].sum()))
    assert {k: data[k] for k in counts} == counts
    assert counts["skipped_immature"] > 200 and counts["skipped_purged"] > 20
    assert challenger.metrics["n_train"] + challenger.metrics["n_valid"] + \
        challenger.metrics["n_holdout"] == len(train)
    assert report["holdout"]["rows"] == len(hold)
    assert report["holdout"]["defaults"] == int(hold["y"].sum())
    champion, new = report["models"]
    assert (champion["role"], new["role"]) == ("champion", "challenger")
    check_model(champion, bundle, hold)
    check_model(new, challenger, hold)
    assert "hold-out" in out.stdout and "champion" in out.stdout and new["version"] in out.stdout
    assert "AGE_BAND" in reports[0].with_suffix(".md").read_text()
