"""Reasons for a score: exact TreeSHAP attributions of the served LightGBM model, grouped
into the reason codes of :mod:`.codes`. Start from :class:`Explainer`."""

from creditwatch.explain.codes import REASON_CODES, ReasonCode
from creditwatch.explain.engine import TreeShap, lightgbm_contributions
from creditwatch.explain.explainer import Explainer
from creditwatch.explain.reasons import DEFAULT_REASONS, Reason

__all__ = ["DEFAULT_REASONS", "REASON_CODES", "Explainer", "Reason", "ReasonCode", "TreeShap",
           "lightgbm_contributions"]
