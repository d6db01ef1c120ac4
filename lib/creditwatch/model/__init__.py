"""The model: cost-optimal threshold, LightGBM training and the artifact bundle."""

from creditwatch.model.bundle import ModelBundle, load_bundle, save_bundle
from creditwatch.model.threshold import CostCurve, cost_at, optimal_threshold

__all__ = ["CostCurve", "ModelBundle", "cost_at", "load_bundle", "optimal_threshold", "save_bundle"]
