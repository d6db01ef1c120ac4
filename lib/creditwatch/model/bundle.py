"""The model artifact bundle: a folder with no pickle in it.

    model.txt            LightGBM's own text format
    bundle.json          features, category maps, threshold, costs, metrics, importances,
                         expected fields, version hash, creation time; the probability
                         calibrator (plain numbers) and the reference performance (held-out
                         AUC, default rate, approval rate, a sample of held-out scores), both
                         absent from bundles trained before they existed; under
                         ``extra.fairness`` the excluded fields and features, which
                         protected fields the trees read (directly or through derived
                         features) and, when asked, AUC and cost with and without them
                         and the proxy AUCs (see ``model.protected``)
    reference.parquet    the raw reference sample drift detection compares against
    reference_stats.json per-field statistics of the training data

The version is a hash of model.txt and the decision metadata, so two bundles with the same
version make the same decisions.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import lightgbm as lgb
import pandas as pd

from creditwatch.errors import ModelNotFoundError
from creditwatch.features import FeaturePipeline
from creditwatch.model.calibrator import Calibrator

FORMAT_VERSION = 1


@dataclass
class ModelBundle:
    """Everything needed to score and to watch one trained model."""

    booster: lgb.Booster
    pipeline: FeaturePipeline
    threshold: float
    cost_fn: float
    cost_fp: float
    metrics: dict[str, Any]
    importances: dict[str, float]  # gain importance per model feature, sums to 1
    expected_fields: list[str]  # fields present in most training rows (data quality)
    reference: pd.DataFrame
    reference_stats: dict[str, Any]
    created_at: str
    version: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    calibrator: Calibrator | None = None  # raw probability -> P(default), for estimates
    performance_reference: dict[str, Any] | None = None  # held-out figures, see train.py

    def __post_init__(self) -> None:
        if not self.version:
            self.version = self._hash()

    @property
    def feature_names(self) -> list[str]:
        return self.pipeline.feature_names

    def top_features(self, k: int = 20) -> list[str]:
        """The k most important model features, most important first."""
        ranked = sorted(self.importances.items(), key=lambda kv: (-kv[1], kv[0]))
        return [name for name, _ in ranked[:k]]

    def _hash(self) -> str:
        digest = hashlib.sha256(self.booster.model_to_string().encode())
        digest.update(json.dumps(self._decision_meta(), sort_keys=True).encode())
        return digest.hexdigest()[:12]

    def _decision_meta(self) -> dict[str, Any]:
        return {
            "threshold": float(self.threshold),
            "cost_fn": float(self.cost_fn),
            "cost_fp": float(self.cost_fp),
            "category_maps": self.pipeline.category_maps,
            "feature_names": self.feature_names,
        }

    def describe(self) -> dict[str, Any]:
        """The public card of the model (what GET /model returns)."""
        return {
            "version": self.version,
            "created_at": self.created_at,
            "threshold": self.threshold,
            "costs": {"false_negative": self.cost_fn, "false_positive": self.cost_fp},
            "metrics": self.metrics,
            "n_trees": self.booster.num_trees(),
            "features": self.feature_names,
            "importances": dict(sorted(self.importances.items(), key=lambda kv: -kv[1])),
            "fairness": self.extra.get("fairness"),
        }


def save_bundle(bundle: ModelBundle, directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    bundle.booster.save_model(str(directory / "model.txt"))
    meta = {
        "format_version": FORMAT_VERSION,
        "version": bundle.version,
        "created_at": bundle.created_at,
        **bundle._decision_meta(),
        "categorical_features": bundle.pipeline.categorical_features,
        "metrics": bundle.metrics,
        "importances": bundle.importances,
        "expected_fields": bundle.expected_fields,
        "extra": bundle.extra,
    }
    if bundle.calibrator is not None:
        meta["calibrator"] = bundle.calibrator.to_dict()
    if bundle.performance_reference is not None:
        meta["reference_performance"] = bundle.performance_reference
    (directory / "bundle.json").write_text(json.dumps(meta, indent=2, default=float))
    bundle.reference.to_parquet(directory / "reference.parquet", index=False)
    (directory / "reference_stats.json").write_text(
        json.dumps(bundle.reference_stats, indent=1, default=float)
    )
    return directory


def load_bundle(directory: Path | str) -> ModelBundle:
    """Load a bundle folder; ``ModelNotFoundError`` says what to run when it is absent."""
    directory = Path(directory)
    meta_path = directory / "bundle.json"
    if not meta_path.exists():
        raise ModelNotFoundError(
            f"no model bundle in {directory}: run `creditwatch train` (or `make demo`) first"
        )
    meta = json.loads(meta_path.read_text())
    if meta.get("format_version") != FORMAT_VERSION:
        raise ModelNotFoundError(f"bundle format {meta.get('format_version')} is not supported")
    booster = lgb.Booster(model_file=str(directory / "model.txt"))
    bundle = ModelBundle(
        booster=booster,
        pipeline=FeaturePipeline(meta["category_maps"]),
        threshold=float(meta["threshold"]),
        cost_fn=float(meta["cost_fn"]),
        cost_fp=float(meta["cost_fp"]),
        metrics=meta["metrics"],
        importances=meta["importances"],
        expected_fields=meta["expected_fields"],
        reference=pd.read_parquet(directory / "reference.parquet"),
        reference_stats=json.loads((directory / "reference_stats.json").read_text()),
        created_at=meta["created_at"],
        version=meta["version"],
        extra=meta.get("extra", {}),
        calibrator=Calibrator.from_dict(meta["calibrator"]) if "calibrator" in meta else None,
        performance_reference=meta.get("reference_performance"),
    )
    if bundle._hash() != bundle.version:
        raise ModelNotFoundError(f"bundle in {directory} does not match its version hash")
    return bundle
