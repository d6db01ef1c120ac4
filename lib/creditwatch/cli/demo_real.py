"""The demo's real-data steps (``creditwatch demo --real``): the Kaggle files in ``data/raw/``.

* ``application_train.csv`` is read and checked by the loader ``train`` uses; the model is
  trained on it and its reference loaded into the store;
* the production traffic is ``application_test.csv``, replayed through the API over
  ``days`` daily batches (``simulate --from-file``); without a test file, a seeded tenth of
  the train file is held out (written to ``data/real/holdout.parquet``, left out of the
  training) and replayed instead, its TARGET then sent back as outcomes.

The demo picks this path by itself when ``data/raw/application_train.csv`` exists.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from creditwatch.cli.common import console
from creditwatch.config import Settings
from creditwatch.errors import DataFileError
from creditwatch.registry.catalog import file_source

if TYPE_CHECKING:
    import pandas as pd

    from creditwatch.simulate import OutcomeOptions

TRAIN_FILE = "application_train.csv"
TEST_FILE = "application_test.csv"
HOLDOUT_SHARE = 0.1  # of the train file, replayed when there is no test file


def raw_dir(settings: Settings) -> Path:
    return settings.paths.data / "raw"


def real_files_present(settings: Settings) -> bool:
    return (raw_dir(settings) / TRAIN_FILE).is_file()


def switch_hint(settings: Settings) -> str:
    """How to run the demo on the real files instead of synthetic ones."""
    return (f"synthetic data: put the Kaggle {TRAIN_FILE} (and optionally {TEST_FILE}) in "
            f"{raw_dir(settings)}/ to run this demo on them (`creditwatch demo --real`, or "
            "`make demo`, which picks them up)")


@dataclass
class RealData:
    """What the real demo trains on and what it replays."""

    train: pd.DataFrame
    production: Path  # the file replayed as production traffic
    labelled: bool  # it has TARGET (a part of train held out): outcomes can be sent
    source: dict[str, Any]  # the model's training data (``extra.training_data``)


def load_real(settings: Settings, seed: int) -> RealData:
    """The train frame and the production file (see the module docstring)."""
    import numpy as np

    from creditwatch.files.loader import load_applications, write_applications

    train_path = raw_dir(settings) / TRAIN_FILE
    if not train_path.is_file():
        raise DataFileError(f"{train_path}: no such file; --real needs the Kaggle {TRAIN_FILE} "
                            f"there (and optionally {TEST_FILE})")
    console.rule(f"1. real Home Credit applications ({raw_dir(settings)})")
    with console.status(f"reading {train_path.name}"):
        frame = load_applications(train_path).frame
    test_path = raw_dir(settings) / TEST_FILE
    if test_path.is_file():
        console.print(f"{len(frame):,} training rows (default rate {frame['TARGET'].mean():.2%});"
                      f" production traffic: {test_path}")
        return RealData(frame, test_path, labelled=False,
                        source=file_source(train_path, len(frame)))
    held = np.random.default_rng(seed).random(len(frame)) < HOLDOUT_SHARE
    holdout = write_applications(frame[held].reset_index(drop=True),
                                 settings.paths.data / "real" / "holdout.parquet")
    console.print(f"no {TEST_FILE}: {int(held.sum()):,} of {len(frame):,} rows held out as "
                  f"production traffic -> {holdout}; training on the other "
                  f"{int((~held).sum()):,}")
    source = {**file_source(train_path, int((~held).sum())),
              "held_out": f"{HOLDOUT_SHARE:.0%} of the rows (seed {seed}), replayed"}
    return RealData(frame[~held].reset_index(drop=True), holdout, labelled=True, source=source)


def replay_days(settings: Settings, url: str, data: RealData, days: int,
                outcomes: OutcomeOptions) -> None:
    """Replay the production file over ``days`` daily batches ending today, through
    /predict-batch; a held-out file's TARGET goes back as outcomes, ``outcomes.delay``
    after each application."""
    from creditwatch.cli.simulate import file_frames, ledger_dir, run_replay
    from creditwatch.simulate import OutcomeOptions
    from creditwatch.simulate.ledger import file_key
    from creditwatch.simulate.replay import ReplayConfig

    rows, frames = file_frames(data.production)
    labels = OutcomeOptions(1.0, outcomes.delay, outcomes.max_items) if data.labelled \
        else OutcomeOptions()
    size = max(1, math.ceil(rows / days))
    console.rule(f"5. production traffic: {data.production.name} replayed over {days} days "
                 f"({size:,} a day)" + (f", TARGET back as outcomes {outcomes.delay} later"
                                        if data.labelled else ""))
    cfg = ReplayConfig(api_url=url, key=file_key(data.production), ledger_dir=ledger_dir(settings),
                       rows=rows, batch_size=size, endpoint="batch",
                       batch_interval=timedelta(days=1), api_key=settings.api.required_key,
                       batch_max=settings.api.batch_max_size, outcomes=labels, timeout_s=60.0)
    run_replay(cfg, frames, data.production)
