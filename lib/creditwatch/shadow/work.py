"""What the request path hands the shadow, and how the worker scores a batch of it.

The request path only packs references (no copy, no encoding): the ids, the validated raw
rows, the encoded matrix the champion scored, and the champion's category maps. The worker
reuses the encoded matrix when the challenger's feature pipeline is the champion's (same
category maps: the encoder is then the same function of the rows), else encodes the raw
rows again with the challenger's own pipeline.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np

from creditwatch.features import Encoded
from creditwatch.scoring.scorer import APPROVED, REFUSED, Scorer


@dataclass(frozen=True, slots=True)
class Work:
    """One request's sampled predictions, as the champion saw them."""

    ids: Sequence[str]
    rows: Sequence[Any]  # the validated raw applications
    encoded: Encoded  # encoded with the champion's pipeline
    maps: Any  # the champion's category maps (identity says "same pipeline")
    received_at: datetime
    application_times: Sequence[datetime | None]
    keep: Sequence[int] | None  # the sampled positions; None: all of them

    def __len__(self) -> int:
        return len(self.ids) if self.keep is None else len(self.keep)


def _select(encoded: Encoded, keep: Sequence[int] | None) -> Encoded:
    if keep is None:
        return encoded
    return Encoded(encoded.values[keep], encoded.unknown[keep], encoded.wrong_type[keep])


def _encoded(work: Work, challenger: Scorer, same: bool) -> Encoded:
    if same:
        return _select(work.encoded, work.keep)
    rows = work.rows if work.keep is None else [work.rows[i] for i in work.keep]
    return challenger.pipeline.encoder.encode_records(rows)


def score_batch(challenger: Scorer, batch: Sequence[Work], same: Sequence[bool]
                ) -> list[dict[str, Any]]:
    """The ``shadow`` spool records (``store.shadow.ShadowRecord``) of ``batch``, scored by
    ``challenger`` in one pass; ``same[i]``: batch[i] was encoded by an equal pipeline."""
    parts = [_encoded(w, challenger, s) for w, s in zip(batch, same, strict=True)]
    encoded = parts[0] if len(parts) == 1 else Encoded(
        np.vstack([p.values for p in parts]), np.vstack([p.unknown for p in parts]),
        np.vstack([p.wrong_type for p in parts]))
    start = time.perf_counter()
    scores = challenger.score_encoded(encoded)
    per_row = (time.perf_counter() - start) * 1e3 / max(len(encoded), 1)
    scored_at = datetime.now(UTC)
    probability = scores.probability.tolist()
    refused = scores.refused.tolist()
    records: list[dict[str, Any]] = []
    for work in batch:
        positions = range(len(work.ids)) if work.keep is None else work.keep
        for i in positions:
            r = len(records)
            records.append({
                "request_id": work.ids[i], "model_version": scores.model_version,
                "received_at": work.received_at,
                "application_time": work.application_times[i] or work.received_at,
                "probability": probability[r], "decision": REFUSED if refused[r] else APPROVED,
                "threshold": scores.threshold, "scored_at": scored_at, "scoring_ms": per_row})
    return records
