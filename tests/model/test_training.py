"""Training: the bundle holds what it promises and costs flow from configuration."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from creditwatch.model.bundle import ModelBundle, load_bundle, save_bundle
from creditwatch.model.threshold import cost_at
from creditwatch.model.train import TrainConfig, train_model
from creditwatch.synthetic.generator import generate


def test_bundle_round_trip_without_pickle(bundle_dir: Path, bundle: ModelBundle) -> None:
    """A saved bundle reloads with the same version, threshold and predictions; no pickle."""
    files = sorted(p.name for p in bundle_dir.iterdir())
    assert files == ["bundle.json", "model.txt", "reference.parquet", "reference_stats.json"]
    meta = json.loads((bundle_dir / "bundle.json").read_text())
    for key in ("threshold", "cost_fn", "cost_fp", "metrics", "importances", "category_maps",
                "feature_names", "version", "expected_fields"):
        assert key in meta
    again = load_bundle(bundle_dir)
    assert again.version == bundle.version and again.threshold == bundle.threshold
    x = bundle.pipeline.transform(bundle.reference.head(50))
    np.testing.assert_array_equal(again.booster.predict(x), bundle.booster.predict(x))


def test_tampered_bundle_is_refused(bundle_dir: Path, tmp_path: Path, bundle: ModelBundle) -> None:
    """Editing the threshold in bundle.json without retraining breaks the version check."""
    copy = save_bundle(bundle, tmp_path / "copy")
    meta = json.loads((copy / "bundle.json").read_text())
    meta["threshold"] = 0.99
    (copy / "bundle.json").write_text(json.dumps(meta))
    with pytest.raises(Exception, match="version hash"):
        load_bundle(copy)


def test_metrics_and_reference_are_stored(bundle: ModelBundle) -> None:
    """The bundle records AUC, costs at 0.5 and at the threshold, importances and the reference."""
    m = bundle.metrics
    assert 0.5 < m["holdout_auc"] <= 1
    assert m["holdout_cost_at_threshold"] <= m["holdout_cost_at_0_5"]
    assert sum(bundle.importances.values()) == pytest.approx(1.0)
    assert len(bundle.top_features(20)) == 20
    assert len(bundle.reference) == 5_000
    assert bundle.reference_stats["fields"]["EXT_SOURCE_2"]["kind"] == "numeric"


def test_costs_come_from_configuration(train_frame) -> None:  # type: ignore[no-untyped-def]
    """Dearer missed defaulters give a lower threshold: the costs drive the decision."""
    cheap = train_model(train_frame, TrainConfig(cost_fn=2.0, cost_fp=1.0, max_rounds=60))
    dear = train_model(train_frame, TrainConfig(cost_fn=30.0, cost_fp=1.0, max_rounds=60))
    assert dear.threshold < cheap.threshold
    assert (dear.cost_fn, cheap.cost_fn) == (30.0, 2.0)


@pytest.mark.slow
def test_model_reaches_the_oracle_on_200k_rows() -> None:
    """On 200k rows the model reaches >= 97 % of the oracle AUC, and its cost at the chosen
    threshold is within 5 % of the oracle's best cost and below its cost at 0.5."""
    frame = generate(200_000, 2024)
    assert 0.75 <= roc_auc_score(frame["TARGET"], frame["TRUE_PD"]) <= 0.78
    bundle = train_model(frame, TrainConfig(cost_fn=10.0, cost_fp=1.0, seed=1))
    m = bundle.metrics
    assert m["auc_vs_oracle"] >= 0.97, m
    assert m["cost_vs_oracle"] <= 1.05, m
    assert m["holdout_cost_at_threshold"] < m["holdout_cost_at_0_5"]
    # the stored cost is a real count of errors at the stored threshold
    assert m["holdout_cost_at_threshold"] == pytest.approx(
        m["holdout_cost_per_application"] * m["n_holdout"])
    assert cost_at(np.array([1]), np.array([bundle.threshold]), bundle.threshold, 10, 1) == 0
