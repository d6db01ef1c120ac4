"""The synth -> train -> score commands, end to end in a subprocess, as a user runs them."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd


def run(args: list[str], root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CREDITWATCH_ROOT": str(root)}
    env.pop("DATABASE_URL", None)
    return subprocess.run([sys.executable, "-m", "creditwatch.cli.main", *args], env=env,
                          capture_output=True, text=True, timeout=600)


def test_synth_train_score(tmp_path: Path) -> None:
    """synth writes a file, train adds a version to the registry (the champion: the project
    had none), records its training data (file, rows, sha256) and prints its metrics; score
    writes one result per application with the champion's threshold; `train --out` writes
    a bundle there and leaves the registry alone."""
    data = tmp_path / "data" / "apps.parquet"
    out = run(["synth", "--rows", "8000", "--seed", "5", "--out", str(data)], tmp_path)
    assert out.returncode == 0, out.stderr
    assert len(pd.read_parquet(data)) == 8000
    out = run(["train", "--data", str(data)], tmp_path)
    assert out.returncode == 0, out.stderr
    assert "holdout_auc" in out.stdout and "decision threshold" in out.stdout
    models = tmp_path / "artifacts" / "models"
    version = (models / "champion").read_text().strip()
    assert f"{version} is the champion (the project had none)" in out.stdout
    meta = json.loads((models / version / "bundle.json").read_text())
    assert meta["extra"]["training_data"] == {
        "source": "file", "path": str(data.resolve()), "rows": 8000,
        "sha256": hashlib.sha256(data.read_bytes()).hexdigest()}
    out = run(["train", "--data", str(data), "--seed", "9", "--no-fairness-report",
               "--out", str(tmp_path / "elsewhere")], tmp_path)
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "elsewhere" / "bundle.json").exists()
    assert sorted(p.name for p in models.iterdir()) == sorted(["champion", version])
    new = tmp_path / "data" / "new.csv"
    assert run(["synth", "--rows", "300", "--seed", "6", "--out", str(new)], tmp_path).returncode == 0
    scored = tmp_path / "scores.parquet"
    out = run(["score", "--data", str(new), "--out", str(scored)], tmp_path)
    assert out.returncode == 0, out.stderr
    result = pd.read_parquet(scored)
    assert len(result) == 300 and (result["threshold"] == meta["threshold"]).all()
    assert set(result["decision"]) <= {"APPROVED", "REFUSED"}


def test_user_errors_are_one_line_with_exit_code_2(tmp_path: Path) -> None:
    """Scoring without a model, or a bad drift setting, prints one line and exits 2."""
    data = tmp_path / "x.csv"
    assert run(["synth", "--rows", "10", "--out", str(data)], tmp_path).returncode == 0
    out = run(["score", "--data", str(data)], tmp_path)
    assert out.returncode == 2 and "creditwatch train" in out.stderr
    assert "Traceback" not in out.stderr
    out = run(["synth", "--rows", "10", "--drift", "wobbly:2", "--out", str(data)], tmp_path)
    assert out.returncode == 2 and "Traceback" not in out.stderr
