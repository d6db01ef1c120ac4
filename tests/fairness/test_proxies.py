"""Proxies: the out-of-fold AUC of predicting a protected attribute from model features."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from creditwatch.fairness.proxies import proxy_auc


def test_a_feature_that_copies_the_attribute_is_a_perfect_proxy() -> None:
    """A column equal to the gender (plus noise columns) gives AUC about 1; noise alone
    about 0.5; a single group has nothing to predict (NaN)."""
    rng = np.random.default_rng(0)
    groups = np.where(rng.random(3_000) < 0.4, "M", "F").astype(object)
    noise = rng.normal(size=(3_000, 4))
    copy = np.column_stack([noise, (groups == "M").astype(float)])
    assert proxy_auc(copy, groups, num_threads=1) > 0.99
    assert 0.4 < proxy_auc(noise, groups, num_threads=1) < 0.6
    assert np.isnan(proxy_auc(noise, np.full(3_000, "F", dtype=object)))


def test_age_bands_are_scored_one_vs_rest() -> None:
    """Several bands: macro one-vs-rest AUC, high when a feature carries the age."""
    rng = np.random.default_rng(1)
    bands = rng.choice(np.array(["<25", "25-34", "35-49"], dtype=object), 3_000)
    signal = np.searchsorted(["25-34", "35-49", "<25"], bands) + rng.normal(0, 0.3, 3_000)
    assert proxy_auc(np.column_stack([signal, rng.normal(size=3_000)]), bands,
                     num_threads=1) > 0.9


def test_proxies_command(tmp_path: Path, bundle_dir: Path, train_frame: pd.DataFrame) -> None:
    """`creditwatch fairness proxies` prints one AUC per protected attribute for a file."""
    data = tmp_path / "apps.parquet"
    train_frame.head(2_000).to_parquet(data)
    env = {**os.environ, "CREDITWATCH_ROOT": str(tmp_path)}
    out = subprocess.run([sys.executable, "-m", "creditwatch.cli.main", "fairness", "proxies",
                          "--data", str(data), "--model", str(bundle_dir)], env=env,
                         capture_output=True, text=True, timeout=900)
    assert out.returncode == 0, out.stderr
    assert "CODE_GENDER" in out.stdout and "AGE_BAND" in out.stdout
