"""Protected attributes at training: excluding fields, and what the model uses.

Excluding a field removes it *and every derived feature built from it* (read off the
formulas by ``features.lineage``: excluding ``DAYS_BIRTH`` also removes ``AGE_YEARS`` and
``EMPLOYED_AGE_RATIO``). The excluded features keep their column in the model matrix, so
the bundle's pipeline, the scorer and the explanations are unchanged, but they are blank
(NaN) in every training row: a constant column offers LightGBM no split, so no tree reads
it and the value an application gives there cannot change its score.

Use, read off the trees: a model uses a protected field *directly* when a split reads the
raw feature, and *through derived features* when a split reads a feature computed from it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import lightgbm as lgb
import numpy as np

from creditwatch import schema
from creditwatch.errors import DataValidationError
from creditwatch.features.lineage import feature_sources


def check_fields(fields: Iterable[str], what: str) -> tuple[str, ...]:
    """The fields, checked to be schema fields (a clear error naming the unknown ones)."""
    fields = tuple(dict.fromkeys(f.strip() for f in fields if f.strip()))
    unknown = [f for f in fields if f not in schema.FIELD_BY_NAME]
    if unknown:
        raise DataValidationError(f"{what}: not fields of the application schema: "
                                  f"{', '.join(unknown)}")
    return fields


def features_from(fields: Iterable[str], feature_names: Sequence[str]) -> list[str]:
    """The model features computed from any of ``fields`` (raw and derived), in model order."""
    wanted = set(fields)
    sources = feature_sources()
    return [name for name in feature_names if wanted & set(sources.get(name, (name,)))]


def blank(matrix: np.ndarray, feature_names: Sequence[str], features: Iterable[str]) -> np.ndarray:
    """``matrix`` with the columns of ``features`` set to NaN (in place; returned)."""
    index = {name: i for i, name in enumerate(feature_names)}
    for name in features:
        matrix[:, index[name]] = np.nan
    return matrix


def protected_usage(booster: lgb.Booster, feature_names: Sequence[str],
                    protected: Sequence[str]) -> dict[str, dict[str, Any]]:
    """Per protected field: ``direct`` (a split reads the field itself), ``derived`` (the
    derived features built from it that a split reads) and ``used`` (either)."""
    splits = booster.feature_importance(importance_type="split")
    read = {name for name, count in zip(feature_names, splits, strict=True) if count > 0}
    out: dict[str, dict[str, Any]] = {}
    for field in protected:
        built = [f for f in features_from([field], feature_names) if f != field and f in read]
        direct = field in read
        out[field] = {"direct": direct, "derived": built, "used": direct or bool(built)}
    return out
