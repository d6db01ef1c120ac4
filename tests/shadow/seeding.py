"""A store holding champion predictions, their challenger shadow scores and some outcomes."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd

from creditwatch.store import Store

GENDERS = np.array(["F", "M", "XNA"], dtype=object)
INCOME = np.array(["Working", "Pensioner", "Commercial associate"], dtype=object)


def seed_shadow(store: Store, champion: str, challenger: str, *, start: datetime,
                days: int = 3, per_day: int = 150, labelled_days: int = 2,
                champion_threshold: float = 0.3, challenger_threshold: float = 0.35,
                seed: int = 1) -> pd.DataFrame:
    """``per_day`` predictions a day from ``start`` (received and applied at the same
    time), each shadowed by ``challenger`` with a correlated score; outcomes (Bernoulli of
    the champion's score) for the first ``labelled_days`` days. Returns the truth: one row
    per prediction with both scores and thresholds, the outcome (NaN: none) and the
    protected fields."""
    rng = np.random.default_rng(seed)
    n = days * per_day
    at = [start + timedelta(days=i // per_day, seconds=int(s))
          for i, s in enumerate(rng.uniform(0, 86_000, n))]
    p = rng.beta(2, 5, n)
    q = np.clip(p + rng.normal(0, 0.08, n), 0.001, 0.999)
    truth = pd.DataFrame({
        "request_id": [f"s{seed}-{i:05d}" for i in range(n)], "at": at,
        "p_champion": p, "t_champion": champion_threshold,
        "p_challenger": q, "t_challenger": challenger_threshold,
        "CODE_GENDER": rng.choice(GENDERS, n, p=[0.55, 0.43, 0.02]),
        "NAME_INCOME_TYPE": rng.choice(INCOME, n),
        "DAYS_BIRTH": -rng.uniform(20, 70, n) * 365.25})
    labelled = np.array([(t - start).days < labelled_days for t in at])
    truth["defaulted"] = np.where(labelled, (rng.random(n) < p).astype(float), np.nan)
    predictions, shadow, outcomes = [], [], []
    for row in truth.itertuples():
        inputs: dict[str, Any] = {"AMT_CREDIT": 100_000.0, "CODE_GENDER": row.CODE_GENDER,
                                  "NAME_INCOME_TYPE": row.NAME_INCOME_TYPE,
                                  "DAYS_BIRTH": row.DAYS_BIRTH}
        predictions.append({
            "request_id": row.request_id, "received_at": row.at, "application_time": row.at,
            "endpoint": "/predict", "model_version": champion, "probability": row.p_champion,
            "decision": "REFUSED" if row.p_champion >= row.t_champion else "APPROVED",
            "threshold": row.t_champion, "inputs": inputs})
        shadow.append({
            "request_id": row.request_id, "model_version": challenger, "received_at": row.at,
            "probability": row.p_challenger,
            "decision": "REFUSED" if row.p_challenger >= row.t_challenger else "APPROVED",
            "threshold": row.t_challenger, "scored_at": row.at + timedelta(seconds=1)})
        if row.defaulted == row.defaulted:
            outcomes.append({"event_id": f"o-{row.request_id}", "key": "request_id",
                             "value": row.request_id, "defaulted": int(row.defaulted),
                             "observed_at": row.at + timedelta(days=1),
                             "received_at": row.at + timedelta(days=1), "source": "test"})
    store.write_batch(predictions=predictions, shadow=shadow)
    store.write_outcomes(outcomes)
    return truth
