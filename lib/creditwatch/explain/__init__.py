"""Reasons for a score: exact TreeSHAP attributions, grouped into reason codes."""

from creditwatch.explain.engine import TreeShap, lightgbm_contributions

__all__ = ["TreeShap", "lightgbm_contributions"]
