"""`creditwatch demo` on real-format Kaggle files in data/raw/ (made from the fixtures)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from creditwatch.cli.demo_real import TEST_FILE, TRAIN_FILE, load_real
from creditwatch.config import Settings
from creditwatch.schema import TRUE_PD_COLUMN
from creditwatch.store import Store
from creditwatch.synthetic.generator import generate

from tests.plugins.paths import FIXTURES


def kaggle_file(path: Path, fixture: str, n: int, seed: int) -> pd.DataFrame:
    """The fixture's real rows, then ``n`` generated ones, in the fixture's column order
    (TARGET only if the fixture has it), written as the Kaggle CSV."""
    real = pd.read_csv(FIXTURES / fixture)
    made = generate(n, seed, id_start=400_000 + 100_000 * seed).drop(columns=[TRUE_PD_COLUMN])
    frame = pd.concat([real, made[real.columns]], ignore_index=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False)
    return frame


def run(args: list[str], root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CREDITWATCH_ROOT": str(root), "COLUMNS": "250"}
    env.pop("DATABASE_URL", None)
    return subprocess.run([sys.executable, "-m", "creditwatch.cli.main", *args], env=env,
                          capture_output=True, text=True, timeout=1200, cwd=root)


@pytest.mark.slow  # the whole job but the report (test_demo runs the demo's report step)
def test_demo_picks_the_real_files_and_replays_the_test_file(tmp_path: Path) -> None:
    """With application_train.csv and application_test.csv in data/raw/, `creditwatch demo`
    trains on the train file, replays every test row (its SK_ID_CURR kept) over the given
    days, then runs the drift history and the alert check; --no-report skips the report
    (no notebook run, no reports/index.html)."""
    raw = tmp_path / "data" / "raw"
    kaggle_file(raw / TRAIN_FILE, "application_train_sample.csv", 4_000, 1)
    test = kaggle_file(raw / TEST_FILE, "application_test_sample.csv", 295, 2)
    out = run(["demo", "--days", "3", "--no-dashboard", "--no-report"], tmp_path)
    assert out.returncode == 0, (out.stdout + out.stderr)[-4000:]
    assert "1. real Home Credit applications" in out.stdout
    assert "replayed over 3 days" in out.stdout and "done: 300 of 300 sent" in out.stdout
    assert "7. alert check" in out.stdout and "synthetic data:" not in out.stdout
    assert "8. monitoring report skipped (--no-report)" in out.stdout
    assert not (tmp_path / "reports" / "index.html").exists()
    assert not (tmp_path / "reports" / "runs").exists()
    with Store.from_settings(Settings(paths={"root": tmp_path})) as store:
        predictions = store.read_predictions(columns=["client_id", "application_time"])
        reports = store.read_drift_reports()
    assert sorted(predictions["client_id"]) == sorted(test["SK_ID_CURR"])
    assert predictions["application_time"].dt.floor("D").nunique() == 3
    assert len(reports) == 4  # 3 days and the last day again (no notebook ran)


def test_without_a_test_file_a_held_out_tenth_of_train_is_replayed(tmp_path: Path) -> None:
    """Without application_test.csv, a seeded tenth of the train file is held out: written
    beside the data, with TARGET, and left out of what the model is trained on."""
    frame = kaggle_file(tmp_path / "data" / "raw" / TRAIN_FILE, "application_train_sample.csv",
                        988, 1)
    data = load_real(Settings(paths={"root": tmp_path}), seed=4)
    held = pd.read_parquet(data.production)
    assert data.labelled and "TARGET" in held.columns
    assert len(held) + len(data.train) == len(frame) == 1_000
    assert 50 <= len(held) <= 150  # a tenth, give or take the draw (binomial sd 9.5)
    assert set(held["SK_ID_CURR"]).isdisjoint(data.train["SK_ID_CURR"])
    assert set(held["SK_ID_CURR"]) | set(data.train["SK_ID_CURR"]) == set(frame["SK_ID_CURR"])


def test_real_without_the_files_is_one_line_and_exit_2(tmp_path: Path) -> None:
    """`demo --real` with no data/raw/application_train.csv names the file it needs."""
    out = run(["demo", "--real", "--no-dashboard"], tmp_path)
    assert out.returncode == 2, out.stdout + out.stderr
    assert "application_train.csv: no such file" in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1 and "Traceback" not in out.stderr
