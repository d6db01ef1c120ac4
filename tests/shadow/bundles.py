"""Challenger bundles for the shadow tests: a real one, one with its own feature pipeline,
and two broken ones (a corrupted model file; a model whose scoring raises)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import lightgbm as lgb
import numpy as np

from creditwatch.model.bundle import ModelBundle, save_bundle
from creditwatch.registry.pointers import CHALLENGER, set_pointer, version_dir


def install(artifacts: Path, bundle: ModelBundle, *, challenge: bool = True) -> str:
    """Save ``bundle`` as a registry version under ``artifacts``; point the challenger at it."""
    save_bundle(bundle, version_dir(artifacts, bundle.version))
    if challenge:
        set_pointer(artifacts, CHALLENGER, bundle.version)
    return bundle.version


def own_pipeline(bundle: ModelBundle) -> ModelBundle:
    """``bundle`` with the category order of one field reversed: same trees, another
    encoder (the shadow must encode the raw rows again for it)."""
    maps = {k: list(v) for k, v in bundle.pipeline.category_maps.items()}
    field = next(k for k, v in maps.items() if len(v) > 2)
    maps[field] = maps[field][::-1]
    pipeline = type(bundle.pipeline)(maps)
    return dataclasses.replace(bundle, pipeline=pipeline, version="")


def raising(bundle: ModelBundle) -> ModelBundle:
    """A bundle that loads but whose scoring raises: its trees read 3 features, the
    pipeline gives the usual ~130 (LightGBM refuses the matrix)."""
    rng = np.random.default_rng(0)
    x = rng.random((300, 3))
    booster = lgb.train({"objective": "binary", "verbose": -1, "min_data_in_leaf": 5},
                        lgb.Dataset(x, label=(x[:, 0] > 0.5).astype(int)), num_boost_round=3)
    return dataclasses.replace(bundle, booster=booster, version="")


def corrupt(artifacts: Path, bundle: ModelBundle) -> str:
    """Install ``bundle`` as the challenger, then garble its model.txt (the load fails)."""
    version = install(artifacts, bundle)
    path = version_dir(artifacts, version) / "model.txt"
    path.write_text(path.read_text()[:200] + "\nnot a tree\n")
    return version
