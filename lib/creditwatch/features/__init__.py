"""Feature pipeline: raw application rows -> the model's numeric matrix.

Two steps, both vectorised over rows so one application and a 100k-row file take the same
code path:

1. :mod:`.encode` turns raw values (a DataFrame, a list of dicts or one dict) into a float
   matrix in schema order, categories as stable integer codes, and notes what was missing,
   out of range or an unknown category.
2. :mod:`.derive` adds the domain features (sentinel flag, ratios, EXT_SOURCE aggregates).
"""

from creditwatch.features.derive import DERIVED_FEATURES, derive, derive_row
from creditwatch.features.encode import CategoryMaps, Encoded, Encoder
from creditwatch.features.pipeline import FeaturePipeline

__all__ = ["DERIVED_FEATURES", "CategoryMaps", "Encoded", "Encoder", "FeaturePipeline", "derive",
           "derive_row"]
