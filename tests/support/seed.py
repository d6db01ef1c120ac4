"""Scored synthetic traffic written straight to a store, for tests, benchmarks and demos.

The applications come from the synthetic generator and are scored by a real ``Scorer``, so
probabilities, decisions, confidence levels, data quality and the top feature values are
what the API would have stored; only the timings are drawn (log-normal, like measured
latencies) and the request times spread evenly over ``[start, end)``. A share of requests
becomes anomalies (HTTP 422 with field errors, as the API records a rejected request).
With ``labelled`` > 0, that share of the predictions gets an outcome drawn from its
application's ``TRUE_PD`` (the generator's truth), observed ``outcome_delay`` later.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd

from creditwatch.analytics.tables import SEGMENTS
from creditwatch.explain import Explainer
from creditwatch.schema import FIELD_NAMES, ID_COLUMN
from creditwatch.scoring import Scorer
from creditwatch.scoring.records import prediction_records, refusal_reasons
from creditwatch.store import Store
from creditwatch.synthetic.generator import generate
from creditwatch.synthetic.shift import DriftSpec

# "compact" inputs keep only what the analytics read (1M full inputs are ~3.5 GB of JSON).
COMPACT_FIELDS = (ID_COLUMN, "AMT_CREDIT", "AMT_INCOME_TOTAL", *SEGMENTS.values())


@dataclass
class SeedResult:
    predictions: int = 0
    anomalies: int = 0
    outcomes: int = 0


def outcome_records(frame: pd.DataFrame, times: list[datetime], *, rng: np.random.Generator,
                    prefix: str, share: float, delay: timedelta) -> list[dict[str, Any]]:
    """Outcomes of a random ``share`` of the rows of ``frame`` (keyed by the request ids
    ``scored_records`` gives them), each a Bernoulli draw of the row's ``TRUE_PD``."""
    pd_true = frame["TRUE_PD"].to_numpy(dtype=np.float64)
    chosen = np.flatnonzero(rng.random(len(frame)) < share)
    defaulted = rng.random(len(frame)) < pd_true
    return [{"event_id": f"{prefix}-o{i}", "key": "request_id", "value": f"{prefix}-{i}",
             "defaulted": int(defaulted[i]), "observed_at": times[i] + delay,
             "received_at": times[i] + delay, "source": "seed"} for i in chosen]


def scored_records(scorer: Scorer, frame: pd.DataFrame, times: list[datetime], *,
                   rng: np.random.Generator, prefix: str, top_k: int = 20,
                   compact: bool | Sequence[str] = False, reasons: bool = True
                   ) -> list[dict[str, Any]]:
    """Prediction records for ``frame`` (synthetic applications) stamped at ``times``, with
    the reasons of the refused ones (unless ``reasons`` is False). ``compact`` keeps only
    ``COMPACT_FIELDS`` of the inputs (True) or these fields besides them (a sequence)."""
    encoded = scorer.pipeline.encode(frame)
    scores = scorer.score_encoded(encoded)
    n = len(frame)
    pre = rng.lognormal(np.log(0.4), 0.35, n)
    inf = rng.lognormal(np.log(0.9), 0.30, n)
    total = pre + inf + rng.lognormal(np.log(2.5), 0.6, n)
    top = scorer.bundle.top_features(top_k) if top_k else []
    index = [scorer.bundle.feature_names.index(name) for name in top]
    fields = (ID_COLUMN, *FIELD_NAMES) if compact is False else COMPACT_FIELDS + (
        () if compact is True else tuple(f for f in compact if f not in COMPACT_FIELDS))
    inputs = frame[[c for c in fields if c in frame.columns]].to_dict("records")
    rows = [{k: v for k, v in row.items() if not (isinstance(v, float) and v != v)}
            for row in inputs]
    return prediction_records(
        scores, scores.records(), rows, request_ids=[f"{prefix}-{i}" for i in range(n)],
        received_at=times, application_times=times, endpoint="/predict",
        top_names=top, top_index=index, preprocessing_ms=pre, inference_ms=inf,
        total_ms=total,
        reasons=refusal_reasons(explainer_for(scorer), scores, encoded) if reasons else None)


_EXPLAINERS: dict[int, Explainer] = {}


def explainer_for(scorer: Scorer) -> Explainer:
    """The reasons engine of the scorer's bundle, built once per bundle."""
    bundle = scorer.bundle
    if id(bundle) not in _EXPLAINERS:
        _EXPLAINERS[id(bundle)] = Explainer.from_bundle(bundle)
    return _EXPLAINERS[id(bundle)]


def anomaly_records(times: list[datetime], *, prefix: str) -> list[dict[str, Any]]:
    """Rejected requests (422) with a field error each, alternating between two kinds."""
    errors = ({"field": "AMT_CREDIT", "kind": "wrong_type", "message": "must be a number"},
              {"field": "CODE_GENDER", "kind": "unknown_category",
               "message": "must be one of ['F', 'M', 'XNA']"})
    return [{"occurred_at": t, "request_id": f"{prefix}-bad-{i}", "endpoint": "/predict",
             "kind": "validation", "http_status": 422, "errors": [errors[i % 2]],
             "payload_excerpt": None} for i, t in enumerate(times)]


def seed_store(store: Store, scorer: Scorer, n: int, *, start: datetime, end: datetime,
               seed: int = 0, drift: DriftSpec | None = None, error_rate: float = 0.02,
               batch: int = 5_000, top_k: int = 20, compact: bool | Sequence[str] = False,
               prefix: str | None = None, labelled: float = 0.0,
               outcome_delay: timedelta = timedelta(days=1), reasons: bool = True) -> SeedResult:
    """Write ``n`` scored predictions spread over ``[start, end)`` (and about
    ``error_rate * n`` anomalies) in batches; returns how many rows were written.
    ``reasons=False`` stores no refusal reasons (their explainer is most of the cost of a
    large seed that nothing reads them from)."""
    rng = np.random.default_rng(seed)
    span = (end - start).total_seconds()
    prefix = prefix or f"seed{seed}"
    result = SeedResult()
    for first in range(0, n, batch):
        size = min(batch, n - first)
        frame = generate(size, seed * 1_000_003 + first, drift, id_start=100_002 + first)
        offsets = (first + np.arange(size) + rng.random(size)) * span / n
        times = [start + timedelta(seconds=float(s)) for s in offsets]
        records = scored_records(scorer, frame, times, rng=rng, prefix=f"{prefix}-{first}",
                                 top_k=top_k, compact=compact, reasons=reasons)
        bad = np.flatnonzero(rng.random(size) < error_rate)
        anomalies = anomaly_records([times[i] for i in bad], prefix=f"{prefix}-{first}")
        outcomes = outcome_records(frame, times, rng=rng, prefix=f"{prefix}-{first}",
                                   share=labelled, delay=outcome_delay) if labelled else []
        counts = store.write_batch(predictions=records, anomalies=anomalies, outcomes=outcomes)
        result.predictions += counts.predictions
        result.anomalies += counts.anomalies
        result.outcomes += len(outcomes)
    return result
