"""The Explainer: one bundle's reasons engine, built once, used for any number of rows.

    explainer = Explainer.from_bundle(bundle)        # builds and warms up the engine
    phi = explainer.contributions(features)          # n x (features + 1), = pred_contrib
    reasons = explainer.reasons(features, encoded)   # list (per row) of list[Reason]

``features`` is the model matrix (``pipeline.transform_encoded(encoded)``, what
``Scores.features`` holds) and ``encoded`` the raw ``Encoded`` rows (or their ``values``
matrix) the values shown with each reason are read from. Works the same on the few rows of a
coalesced API pass and on batches of thousands.
"""

from __future__ import annotations

from typing import Any

import lightgbm as lgb
import numpy as np

from creditwatch.explain.codes import REASON_CODES, ReasonCode
from creditwatch.explain.engine import TreeShap, lightgbm_contributions
from creditwatch.explain.reasons import DEFAULT_REASONS, Reason, ReasonGrouper, raw_values
from creditwatch.features import CategoryMaps, Encoded
from creditwatch.model.bundle import ModelBundle


class Explainer:
    """Exact TreeSHAP attributions of one booster, and the reasons they give."""

    def __init__(self, booster: lgb.Booster, feature_names: list[str], category_maps: CategoryMaps,
                 *, table: tuple[ReasonCode, ...] = REASON_CODES, reference: bool = False,
                 **engine_options: Any) -> None:
        """``reference=True`` takes the contributions from LightGBM's own ``pred_contrib``
        (slow, the oracle) instead of the engine."""
        self.booster = booster
        self.grouper = ReasonGrouper(feature_names, category_maps, table)
        self.engine = None if reference else TreeShap(booster, **engine_options)
        self.base_value = float(self.contributions(np.zeros((1, len(feature_names))))[0, -1])
        """The expected raw margin (log-odds) every explanation starts from."""

    @classmethod
    def from_bundle(cls, bundle: ModelBundle, **options: Any) -> Explainer:
        return cls(bundle.booster, bundle.feature_names, bundle.pipeline.category_maps, **options)

    def contributions(self, features: np.ndarray) -> np.ndarray:
        """n x (features + 1): each model feature's contribution to the log-odds, base value
        last; each row sums to the raw margin."""
        if self.engine is None:
            return lightgbm_contributions(self.booster, features)
        return self.engine.contributions(features)

    def reasons(self, features: np.ndarray, raw: Encoded | np.ndarray, k: int = DEFAULT_REASONS, *,
                contributions: np.ndarray | None = None) -> list[list[Reason]]:
        """At most ``k`` reasons per row (the features' contributions computed here unless
        given), largest contribution first, ties by code."""
        x = np.asarray(features, dtype=float)
        phi = self.contributions(x) if contributions is None else contributions
        return self.grouper.reasons(phi, x, raw_values(raw), k)

    def reasons_where(self, features: np.ndarray, raw: Encoded | np.ndarray, wanted: np.ndarray,
                      k: int = DEFAULT_REASONS) -> list[list[dict[str, Any]] | None]:
        """Per row, its reasons as answered and stored (``Reason.to_dict``) where ``wanted``,
        else None. The wanted rows are explained together, in one call of the engine (the
        refused rows of a coalesced API pass, of a batch)."""
        out: list[list[dict[str, Any]] | None] = [None] * len(wanted)
        rows = np.flatnonzero(wanted)
        if len(rows) == 0 or k <= 0:
            return out
        values = raw_values(raw)
        x = np.asarray(features, dtype=float)
        if len(rows) < len(wanted):
            x, values = x[rows], values[rows]
        for row, reasons in zip(rows.tolist(), self.reasons(x, values, k), strict=True):
            out[row] = [reason.to_dict() for reason in reasons]
        return out
