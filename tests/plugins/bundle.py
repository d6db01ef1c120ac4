"""A small trained model bundle, built once per test session from synthetic data."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from creditwatch.config import Settings
from creditwatch.model.bundle import ModelBundle, load_bundle, save_bundle
from creditwatch.model.train import TrainConfig, train_model
from creditwatch.synthetic.generator import generate


@pytest.fixture(scope="session")
def train_frame() -> pd.DataFrame:
    return generate(20_000, 11)


@pytest.fixture(scope="session")
def bundle_dir(tmp_path_factory: pytest.TempPathFactory, train_frame: pd.DataFrame) -> Path:
    """A bundle trained on 20k synthetic rows, saved to disk (as `creditwatch train` does)."""
    settings = Settings(paths={"root": tmp_path_factory.mktemp("root")})
    cfg = TrainConfig(cost_fn=settings.model.cost_fn, cost_fp=settings.model.cost_fp, seed=3,
                      reference_rows=5_000)
    bundle = train_model(train_frame, cfg)
    return save_bundle(bundle, tmp_path_factory.mktemp("bundle"))


@pytest.fixture(scope="session")
def bundle(bundle_dir: Path) -> ModelBundle:
    return load_bundle(bundle_dir)


@pytest.fixture(scope="session")
def oracle_bundle(tmp_path_factory: pytest.TempPathFactory) -> ModelBundle:
    """A bundle trained on 100k clean synthetic rows (15k validation rows for the calibrator),
    for the performance oracle tests: small bundles calibrate on too few rows to measure the
    estimator rather than their own noise."""
    settings = Settings(paths={"root": tmp_path_factory.mktemp("oracle-root")})
    cfg = TrainConfig(cost_fn=settings.model.cost_fn, cost_fp=settings.model.cost_fp, seed=3,
                      reference_rows=20_000)
    return train_model(generate(100_000, 17), cfg)


@pytest.fixture(scope="session")
def other_bundle(bundle: ModelBundle) -> ModelBundle:
    """A second version of the session model with the same input: its trees with a decision
    threshold 0.02 higher (as retraining with other costs would choose), so its version hash
    and some decisions differ; built in no time, where training another costs a minute on a
    loaded machine."""
    return replace(bundle, threshold=round(bundle.threshold + 0.02, 6), version="",
                   extra=dict(bundle.extra))


@pytest.fixture(scope="session")
def challenger_bundle() -> ModelBundle:
    """A challenger for the shadow: 8k synthetic rows of another seed, other trees (15
    leaves), its own threshold."""
    settings = Settings()
    cfg = TrainConfig(cost_fn=settings.model.cost_fn, cost_fp=settings.model.cost_fp, seed=9,
                      reference_rows=2_000, num_leaves=15)
    return train_model(generate(8_000, 23), cfg)
