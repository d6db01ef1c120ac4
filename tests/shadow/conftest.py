"""A challenger bundle trained once per session, on other data and another seed."""

from __future__ import annotations

import pytest

from creditwatch.config import Settings
from creditwatch.model.bundle import ModelBundle
from creditwatch.model.train import TrainConfig, train_model
from creditwatch.synthetic.generator import generate


@pytest.fixture(scope="session")
def challenger_bundle() -> ModelBundle:
    """A real challenger: 8k synthetic rows of another seed, other trees, its own threshold."""
    settings = Settings()
    cfg = TrainConfig(cost_fn=settings.model.cost_fn, cost_fp=settings.model.cost_fp, seed=9,
                      reference_rows=2_000, num_leaves=15)
    return train_model(generate(8_000, 23), cfg)
