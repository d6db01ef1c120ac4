"""The Scorer: one bundle loaded once, any number of raw applications scored.

Decision, confidence and the threshold all come from the bundle and Settings: an
application is REFUSED when its probability of default is >= the bundle's threshold.
Confidence is the distance from the threshold as a share of the room on that side of it
(see ``Settings.model.confidence_medium`` / ``confidence_high``).
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from creditwatch import schema
from creditwatch.arith import FloatOps, NumpyOps
from creditwatch.config import Settings, get_settings
from creditwatch.features import Encoded
from creditwatch.model.bundle import ModelBundle, load_bundle
from creditwatch.scoring.predictor import Predictor
from creditwatch.scoring.quality import Quality, assess

APPROVED, REFUSED = "APPROVED", "REFUSED"
CONFIDENCE_LEVELS = np.array(["LOW", "MEDIUM", "HIGH"])
Applications = pd.DataFrame | Mapping[str, Any] | Sequence[Mapping[str, Any]]


@dataclass(slots=True)
class Scores:
    """Vectorised results for n applications; ``record(i)`` gives one as a dict."""

    probability: np.ndarray
    refused: np.ndarray
    confidence: np.ndarray
    quality: Quality
    features: np.ndarray
    threshold: float
    model_version: str
    preprocessing_ms: float
    inference_ms: float

    def __len__(self) -> int:
        return len(self.probability)

    @property
    def decisions(self) -> np.ndarray:
        return np.where(self.refused, REFUSED, APPROVED)

    def record(self, i: int) -> dict[str, Any]:
        q = self.quality
        return self._result(float(self.probability[i]), bool(self.refused[i]),
                            str(self.confidence[i]), float(q.score[i]), q.fields(q.missing, i),
                            q.fields(q.out_of_range, i), q.fields(q.unknown, i))

    def records(self) -> list[dict[str, Any]]:
        """``record(i)`` for every row, built column-wise (the API's batch path)."""
        q = self.quality
        return [self._result(*row) for row in zip(
            self.probability.tolist(), self.refused.tolist(), self.confidence.tolist(),
            q.score.tolist(), q.fields_by_row(q.missing), q.fields_by_row(q.out_of_range),
            q.fields_by_row(q.unknown), strict=True)]

    def _result(self, probability: float, refused: bool, confidence: str, score: float,
                missing: list[str], outside: list[str], unknown: list[str]) -> dict[str, Any]:
        return {
            "probability": probability,
            "decision": REFUSED if refused else APPROVED,
            "threshold": self.threshold,
            "confidence": confidence,
            "data_quality_score": score,
            "missing_fields": missing,
            "out_of_range_fields": outside,
            "unknown_category_fields": unknown,
            "model_version": self.model_version,
        }

    def to_frame(self, index: pd.Index | None = None) -> pd.DataFrame:
        q = self.quality
        return pd.DataFrame(
            {
                "probability": self.probability,
                "decision": self.decisions,
                "threshold": self.threshold,
                "confidence": self.confidence,
                "data_quality_score": q.score,
                "n_missing": q.missing.sum(axis=1),
                "n_out_of_range": q.out_of_range.sum(axis=1),
                "n_unknown_category": q.unknown.sum(axis=1),
                "model_version": self.model_version,
            },
            index=index,
        )


class Scorer:
    """Scores raw applications with a loaded bundle."""

    def __init__(self, bundle: ModelBundle, settings: Settings | None = None) -> None:
        settings = settings or get_settings()
        self.bundle = bundle
        self.pipeline = bundle.pipeline
        self.predictor = Predictor(bundle.booster)
        self.threshold = bundle.threshold
        self._medium = settings.model.confidence_medium
        self._high = settings.model.confidence_high
        self._expected = np.isin(np.array(schema.FIELD_NAMES), bundle.expected_fields)
        if settings.model.compiled_trees:
            from creditwatch.scoring.compiled import compile_booster

            self.predictor.use_compiled(compile_booster(bundle, settings))

    @classmethod
    def load(cls, directory: Path | str | None = None, settings: Settings | None = None) -> Scorer:
        settings = settings or get_settings()
        return cls(load_bundle(directory or settings.paths.bundle_dir), settings)

    @property
    def version(self) -> str:
        return self.bundle.version

    def confidence(self, p: np.ndarray) -> np.ndarray:
        if len(p) == 1:  # one application: float arithmetic beats six ufunc calls
            return CONFIDENCE_LEVELS[[self._level(float(p[0]), FloatOps)]]
        return CONFIDENCE_LEVELS[self._level(p, NumpyOps)]

    def _level(self, p: Any, xp: Any) -> Any:
        """0 (LOW), 1 (MEDIUM) or 2 (HIGH): distance from the threshold as a share of the
        room on that side of it; ``xp`` is numpy for arrays, plain Python for one float."""
        t = self.threshold
        room = xp.where(p >= t, 1.0 - t, t)
        distance = abs(p - t) / xp.where(room > 0, room, 1.0)
        return (distance >= self._medium) * 1 + (distance >= self._high)

    def score(self, applications: Applications) -> Scores:
        """Score a DataFrame, a list of dicts, or one dict."""
        start = time.perf_counter()
        encoded = self.pipeline.encode(applications)
        return self.score_encoded(encoded, started=start)

    def score_encoded(self, encoded: Encoded, *, started: float | None = None) -> Scores:
        """Score rows already encoded (the API validates and encodes in one pass)."""
        start = time.perf_counter() if started is None else started
        features = self.pipeline.transform_encoded(encoded)
        quality = assess(encoded, self._expected)
        mid = time.perf_counter()
        p = self.predictor.predict(features)
        end = time.perf_counter()
        return Scores(
            probability=p,
            refused=p >= self.threshold,
            confidence=self.confidence(p),
            quality=quality,
            features=features,
            threshold=self.threshold,
            model_version=self.version,
            preprocessing_ms=(mid - start) * 1e3,
            inference_ms=(end - mid) * 1e3,
        )

    def score_one(self, application: Mapping[str, Any]) -> dict[str, Any]:
        """Score one application and return its result as a dict."""
        scores = self.score(application)
        out = scores.record(0)
        out["preprocessing_ms"] = scores.preprocessing_ms
        out["inference_ms"] = scores.inference_ms
        return out
