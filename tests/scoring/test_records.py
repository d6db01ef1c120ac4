"""The one prediction-record builder: the API and the seeders store the same record."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from creditwatch.explain import Explainer
from creditwatch.model.bundle import ModelBundle
from creditwatch.scoring import Scorer
from creditwatch.scoring.records import prediction_records, refusal_reasons, top_feature_values
from creditwatch.store import Store

from tests.api.applications import applications
from tests.plugins.api_server import InProcessApi

SAME = ["model_version", "probability", "decision", "threshold", "confidence",
        "data_quality_score", "http_status", "amt_credit", "client_id", "quality_flags"]


def test_the_api_and_a_seeder_store_the_same_record(inproc_api: InProcessApi,
                                                    bundle: ModelBundle,
                                                    tmp_path: Path) -> None:
    """Scored through POST /predict or built by prediction_records from the same scorer,
    an application's stored row agrees on every scored column, its quality flags, its top
    feature values and its reasons (only ids, times and timings differ)."""
    apps = applications(5, seed=11, id_start=810_000)
    ids = []
    for app in apps:
        response = inproc_api.client.post("/predict", json=app)
        assert response.status_code == 200, response.text
        ids.append(response.json()["prediction_id"])
    api_store = inproc_api.flush()
    api_rows = api_store.read_predictions().set_index("request_id").loc[ids].reset_index()
    api_features = api_store.read_feature_values(wide=True).loc[api_rows["id"]]

    scorer = Scorer(bundle, inproc_api.settings)
    encoded = scorer.pipeline.encode(apps)
    scores = scorer.score_encoded(encoded)
    assert scores.refused.any(), "the comparison needs a refusal"
    top = inproc_api.state.top_names
    now = datetime.now(UTC)
    records = prediction_records(
        scores, scores.records(), apps, request_ids=[f"seed-{i}" for i in range(5)],
        received_at=now, endpoint="/predict", top_names=top,
        top_index=[bundle.feature_names.index(n) for n in top], preprocessing_ms=0.1,
        inference_ms=np.array([0.2] * 5), total_ms=[0.5] * 5,
        reasons=refusal_reasons(Explainer.from_bundle(bundle), scores, encoded))
    with Store(f"sqlite:///{tmp_path}/seeded.db") as store:
        store.write_predictions(records)
        seeded = store.read_predictions()
        seeded_features = store.read_feature_values(wide=True).loc[seeded["id"]]
        seeded_reasons = [store.read_decision(f"seed-{i}")["reasons"] for i in range(5)]
    pd.testing.assert_frame_equal(api_rows[SAME], seeded[SAME], check_dtype=False)
    pd.testing.assert_frame_equal(api_features.reset_index(drop=True),
                                  seeded_features.reset_index(drop=True))
    assert list(api_features.columns) == sorted(top)
    assert [api_store.read_decision(i)["reasons"] for i in ids] == seeded_reasons
    assert list(seeded["inference_ms"]) == [0.2] * 5
    assert list(seeded["preprocessing_ms"]) == [0.1] * 5


def test_missing_feature_values_become_none(bundle: ModelBundle) -> None:
    """A feature missing for an applicant (NaN) is None in the record, never NaN, and the
    other values are the feature matrix's."""
    app = applications(1, seed=12)[0]
    app.pop("EXT_SOURCE_1", None)
    scores = Scorer(bundle).score(app)
    index = [bundle.feature_names.index("EXT_SOURCE_1"), 0]
    values = top_feature_values(scores, index)
    assert values[0][0] is None
    expected = float(scores.features[0, 0])
    assert values[0][1] is None if math.isnan(expected) else values[0][1] == expected
