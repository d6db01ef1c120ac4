"""Protected attributes at training: --exclude drops fields and their derived features, the
bundle records which protected fields the trees read, the with/without comparison and the
proxy AUCs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from creditwatch.errors import DataValidationError
from creditwatch.features.lineage import feature_sources
from creditwatch.model.bundle import ModelBundle, load_bundle, save_bundle
from creditwatch.model.protected import features_from
from creditwatch.model.train import TrainConfig, train_model
from creditwatch.scoring import Scorer


@pytest.fixture(scope="module")
def excluded(train_frame: pd.DataFrame) -> ModelBundle:
    return train_model(train_frame, TrainConfig(
        cost_fn=10.0, cost_fp=1.0, seed=3, max_rounds=80, reference_rows=1_000,
        exclude=("CODE_GENDER", "DAYS_BIRTH"), fairness_report=True))


def test_excluding_a_field_drops_every_feature_built_from_it(excluded: ModelBundle) -> None:
    """DAYS_BIRTH takes AGE_YEARS and EMPLOYED_AGE_RATIO with it (its lineage), and no tree
    of the model reads any of them."""
    fairness = excluded.extra["fairness"]
    built = {name for name, fields in feature_sources().items()
             if {"CODE_GENDER", "DAYS_BIRTH"} & set(fields)}
    assert {"AGE_YEARS", "EMPLOYED_AGE_RATIO", "CODE_GENDER", "DAYS_BIRTH"} <= built
    assert set(fairness["excluded_features"]) == built
    splits = dict(zip(excluded.feature_names,
                      excluded.booster.feature_importance(importance_type="split"), strict=True))
    assert all(splits[name] == 0 for name in built)
    assert fairness["protected"] == {
        "CODE_GENDER": {"direct": False, "derived": [], "used": False},
        "DAYS_BIRTH": {"direct": False, "derived": [], "used": False}}


def test_an_excluded_field_cannot_change_a_score(excluded: ModelBundle,
                                                 train_frame: pd.DataFrame) -> None:
    """Swapping the gender and the birth date of real applications leaves every probability
    of the model trained without them exactly as it was."""
    rows = train_frame.head(500).copy()
    before = Scorer(excluded).score(rows).probability
    rows["CODE_GENDER"] = np.where(rows["CODE_GENDER"] == "M", "F", "M")
    rows["DAYS_BIRTH"] = rows["DAYS_BIRTH"].sample(frac=1.0, random_state=1).to_numpy()
    assert np.array_equal(Scorer(excluded).score(rows).probability, before)


def test_the_bundle_records_use_of_protected_fields(bundle: ModelBundle, tmp_path: Path) -> None:
    """A model trained on every field reads the gender and the age (here through AGE_YEARS or
    EMPLOYED_AGE_RATIO too); the record survives saving and shows in the model card."""
    use = bundle.extra["fairness"]["protected"]
    assert use["CODE_GENDER"]["used"] and use["DAYS_BIRTH"]["used"]
    assert set(use["DAYS_BIRTH"]["derived"]) <= {"AGE_YEARS", "EMPLOYED_AGE_RATIO"}
    card = load_bundle(save_bundle(bundle, tmp_path / "b")).describe()
    assert card["fairness"]["protected"] == use


def test_training_reports_metrics_with_and_without_protected_attributes(
        excluded: ModelBundle) -> None:
    """Both models are scored on the same holdout: AUC in (0.5, 1], a positive cost, and the
    proxy AUC of each attribute (the synthetic income types and ages reveal age bands)."""
    fairness = excluded.extra["fairness"]
    for key in ("with_protected", "without_protected"):
        row = fairness["comparison"][key]
        assert 0.5 < row["auc"] <= 1 and row["cost"] > 0
    proxies = fairness["proxy_auc"]
    assert set(proxies) == {"CODE_GENDER", "AGE_BAND"}
    assert 0.5 < proxies["AGE_BAND"] <= 1 and 0.4 < proxies["CODE_GENDER"] <= 1


def test_an_unknown_field_to_exclude_is_a_clear_error(train_frame: pd.DataFrame) -> None:
    """--exclude of a field the schema does not have names it, before any training."""
    with pytest.raises(DataValidationError, match="GENDER_CODE"):
        train_model(train_frame, TrainConfig(cost_fn=10, cost_fp=1, exclude=("GENDER_CODE",)))


def test_features_from_reads_the_lineage() -> None:
    """features_from keeps the model order and includes the raw field itself."""
    names = ["CODE_GENDER", "AGE_YEARS", "AMT_CREDIT", "EMPLOYED_AGE_RATIO", "DAYS_BIRTH"]
    assert features_from(["DAYS_BIRTH"], names) == ["AGE_YEARS", "EMPLOYED_AGE_RATIO",
                                                    "DAYS_BIRTH"]
