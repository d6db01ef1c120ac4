"""Training data from production: stored applications whose outcome is known and mature.

The rules, in the order they apply (``training_set``):

* **range**: the predictions whose ``application_time`` lies in ``[since, until)`` (an open
  side: from the first / up to the last); every model version's predictions count (an
  application is one whichever model scored it).
* **outcome**: a prediction's latest outcome (``Store.read_outcomes(latest=True)``: the last
  received counts, corrections included), as the performance and fairness figures read it.
* **mature**: the range is cut into aligned UTC days (the windows of
  ``performance history --every 1d``); a day is mature when at least
  ``performance.maturity_share`` of its predictions have an outcome. The labelled rows of an
  immature day are skipped and counted: early outcomes are not a random sample (early
  defaults come first), so training on them would teach the model a default rate that is
  too high.
* **inputs**: a prediction whose raw inputs the retention purge removed
  (``inputs_purged_at`` set) cannot be trained on: skipped and counted.
* **hold-out**: the most recent ``HOLDOUT_SHARE`` of the usable rows, by application time
  (then prediction id), are kept out of training: they are the labelled hold-out the new
  model is compared with the champion on (``retrain.compare``). Taking the most recent rows
  rather than a random draw judges both models on the traffic closest to what comes next.

Too few usable rows, or a part (training or hold-out) with a single class, is refused with a
``DataValidationError`` naming the counts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd

from creditwatch.errors import DataValidationError
from creditwatch.schema import TARGET_COLUMN
from creditwatch.store import Store
from creditwatch.windows import Window

HOLDOUT_SHARE = 0.2  # the most recent fifth of the usable rows
MIN_ROWS = 1_000  # usable (labelled, mature, with inputs) rows, hold-out included
MIN_CLASS = 10  # rows of each class the training part needs (its split is stratified)
READ_IDS = 10_000  # inputs read per query (SQLite caps the parameters of one statement)


@dataclass(frozen=True)
class StoreTrainingSet:
    """The usable rows (raw inputs and ``TARGET``, indexed by prediction id, oldest first),
    their application times, and what was counted on the way."""

    window: Window
    frame: pd.DataFrame
    times: pd.Series
    predictions: int  # in the range
    labelled: int  # with an outcome
    skipped_immature: int  # labelled, but on an immature day
    skipped_purged: int  # labelled and mature, but the inputs were purged
    immature_days: int
    maturity_share: float

    @property
    def n_holdout(self) -> int:
        return math.ceil(HOLDOUT_SHARE * len(self.frame))

    @property
    def train(self) -> pd.DataFrame:
        return self.frame.iloc[: len(self.frame) - self.n_holdout]

    @property
    def holdout(self) -> pd.DataFrame:
        return self.frame.iloc[len(self.frame) - self.n_holdout:]

    def describe(self) -> dict[str, Any]:
        """What ``bundle.extra["training_data"]`` records (plain JSON)."""
        train, hold = self.train, self.holdout
        hold_times = self.times.iloc[len(train):]
        return {
            "source": "store",
            "since": _iso(self.window.start), "until": _iso(self.window.end),
            "rows": len(train), "defaults": int(train[TARGET_COLUMN].sum()),
            "holdout_rows": len(hold), "holdout_defaults": int(hold[TARGET_COLUMN].sum()),
            "holdout_since": _iso(hold_times.iloc[0]) if len(hold_times) else None,
            "predictions": self.predictions, "labelled": self.labelled,
            "skipped_immature": self.skipped_immature, "skipped_purged": self.skipped_purged,
            "immature_days": self.immature_days, "maturity_share": self.maturity_share,
        }


def training_set(store: Store, window: Window, *, maturity_share: float,
                 min_rows: int = MIN_ROWS) -> StoreTrainingSet:
    """The usable rows of ``window`` (see the module docstring), checked."""
    start, end = window.start, window.end
    predictions = store.read_predictions(
        start, end, columns=["id", "application_time", "inputs_purged_at"])
    outcomes = store.read_outcomes(start, end, latest=True)
    rows = predictions.merge(outcomes[["prediction_id", "defaulted"]].rename(
        columns={"prediction_id": "id"}), on="id", how="left")
    day = pd.to_datetime(rows["application_time"], utc=True).dt.floor("D")
    labelled = rows["defaulted"].notna()
    share = labelled.groupby(day).mean()
    mature_day = share >= maturity_share
    mature = day.map(mature_day).to_numpy(dtype=bool)
    purged = rows["inputs_purged_at"].notna().to_numpy()
    usable = labelled.to_numpy() & mature & ~purged
    kept = rows[usable]
    inputs = _inputs(store, window, kept["id"].to_numpy(dtype=np.int64))
    frame = inputs.reindex(pd.Index(kept["id"].to_numpy(dtype=np.int64), name="prediction_id"))
    frame[TARGET_COLUMN] = kept["defaulted"].to_numpy(dtype=np.int64)
    result = StoreTrainingSet(
        window=window, frame=frame,
        times=pd.Series(pd.to_datetime(kept["application_time"], utc=True).to_numpy(),
                        index=frame.index),
        predictions=len(rows), labelled=int(labelled.sum()),
        skipped_immature=int((labelled.to_numpy() & ~mature).sum()),
        skipped_purged=int((labelled.to_numpy() & mature & purged).sum()),
        immature_days=int((~mature_day).sum()), maturity_share=maturity_share)
    check(result, min_rows)
    return result


def _inputs(store: Store, window: Window, ids: np.ndarray) -> pd.DataFrame:
    parts = [store.read_inputs(window.start, window.end, ids=ids[i:i + READ_IDS].tolist())
             for i in range(0, len(ids), READ_IDS)]
    return pd.concat(parts) if parts else store.read_inputs(window.start, window.end, ids=[])


def check(data: StoreTrainingSet, min_rows: int) -> None:
    """``DataValidationError`` when the set cannot train and judge a model."""
    n = len(data.frame)
    counts = (f"{data.predictions:,} predictions in {data.window.describe()}, "
              f"{data.labelled:,} with an outcome, {data.skipped_immature:,} of them on "
              f"immature days (labelled share below {data.maturity_share:g}), "
              f"{data.skipped_purged:,} with purged inputs")
    if n < min_rows:
        raise DataValidationError(f"too few labelled applications to retrain: {n:,} usable, "
                                  f"at least {min_rows:,} needed ({counts})")
    for part, frame, least in (("training", data.train, MIN_CLASS), ("hold-out", data.holdout, 1)):
        target = frame[TARGET_COLUMN]
        for value, name in ((1, "defaults"), (0, "repaid loans")):
            if int((target == value).sum()) < least:
                raise DataValidationError(
                    f"the {part} rows hold {int((target == value).sum()):,} {name} (at least "
                    f"{least} needed): both classes are needed to retrain ({counts})")


def _iso(moment: datetime | pd.Timestamp | None) -> str | None:
    return None if moment is None else pd.Timestamp(moment).isoformat()
