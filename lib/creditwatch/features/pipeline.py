"""The fitted feature pipeline: category maps + encoder + derived features."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from creditwatch import schema
from creditwatch.features.derive import DERIVED_FEATURES, derive, derive_row
from creditwatch.features.encode import CategoryMaps, Encoded, Encoder, fit_category_maps


class FeaturePipeline:
    """Turns raw applications into the model's feature matrix with a stable mapping."""

    def __init__(self, category_maps: CategoryMaps | None = None) -> None:
        self.encoder = Encoder(category_maps)

    @classmethod
    def fit(cls, frame: pd.DataFrame) -> FeaturePipeline:
        return cls(fit_category_maps(frame))

    @property
    def category_maps(self) -> CategoryMaps:
        return self.encoder.category_maps

    @property
    def feature_names(self) -> list[str]:
        return [*schema.FIELD_NAMES, *DERIVED_FEATURES]

    @property
    def categorical_features(self) -> list[str]:
        """String categoricals, given to LightGBM as categorical (codes, NaN = missing)."""
        return list(schema.STRING_FIELDS)

    def encode(self, data: pd.DataFrame | Mapping[str, Any] | Sequence[Mapping[str, Any]]) -> Encoded:
        return self.encoder.encode(data)

    def transform(self, data: pd.DataFrame | Mapping[str, Any] | Sequence[Mapping[str, Any]]) -> np.ndarray:
        return self.transform_encoded(self.encode(data))

    @staticmethod
    def transform_encoded(encoded: Encoded) -> np.ndarray:
        values = encoded.values
        if values.shape[0] == 1:  # one application: plain floats beat ~30 ufunc calls
            return np.array([derive_row(values[0].tolist())])
        return derive(values)

    def frame(self, data: pd.DataFrame) -> pd.DataFrame:
        """The feature matrix as a DataFrame (for inspection and notebooks)."""
        return pd.DataFrame(self.transform(data), columns=self.feature_names, index=data.index)
