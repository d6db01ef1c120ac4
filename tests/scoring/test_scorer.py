"""The Scorer on a bundle trained from synthetic data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from creditwatch import schema
from creditwatch.config import Settings
from creditwatch.model.bundle import ModelBundle
from creditwatch.scoring import Scorer
from creditwatch.synthetic.generator import generate


@pytest.fixture(scope="module")
def apps() -> pd.DataFrame:
    return generate(2_000, 99, id_start=700_000)


@pytest.fixture
def scorer(bundle: ModelBundle, settings: Settings) -> Scorer:
    return Scorer(bundle, settings)


def clean(row: pd.Series) -> dict[str, object]:
    return {k: v for k, v in row.items() if k in schema.FIELD_BY_NAME and v == v}


def test_probabilities_equal_the_raw_booster(scorer: Scorer, bundle: ModelBundle,
                                             apps: pd.DataFrame) -> None:
    """Batch and single-row scoring give the booster's own probabilities (1e-12)."""
    expected = bundle.booster.predict(bundle.pipeline.transform(apps))
    batch = scorer.score(apps).probability
    np.testing.assert_allclose(batch, expected, rtol=0, atol=1e-12)
    for i in range(0, 2_000, 97):
        single = scorer.score_one(clean(apps.iloc[i]))["probability"]
        assert single == pytest.approx(expected[i], abs=1e-12)


def test_small_batches_take_the_single_row_path_with_the_same_probabilities(
        scorer: Scorer, bundle: ModelBundle, apps: pd.DataFrame) -> None:
    """Batches up to SMALL_BATCH rows (the API's coalesced requests) are scored row by row
    through the fast path, and larger ones by Booster.predict: both give the booster's own
    probabilities (1e-12), on each side of the size limit."""
    from creditwatch.scoring.predictor import SMALL_BATCH

    x = bundle.pipeline.transform(apps.iloc[:SMALL_BATCH + 1])
    expected = bundle.booster.predict(x)
    for n in (2, 3, SMALL_BATCH, SMALL_BATCH + 1):
        got = scorer.predictor.predict(x[:n])
        assert got.shape == (n,)
        np.testing.assert_allclose(got, expected[:n], rtol=0, atol=1e-12)


def test_decision_uses_the_bundle_threshold(scorer: Scorer, bundle: ModelBundle,
                                            apps: pd.DataFrame) -> None:
    """An application is REFUSED exactly when its probability is >= the bundle's threshold."""
    scores = scorer.score(apps)
    assert scores.threshold == bundle.threshold
    refused = scores.decisions == "REFUSED"
    np.testing.assert_array_equal(refused, scores.probability >= bundle.threshold)
    assert 0 < refused.mean() < 1


def test_confidence_bands_follow_distance_from_threshold(bundle: ModelBundle,
                                                         settings: Settings) -> None:
    """Confidence is LOW near the threshold and HIGH far from it, by the configured bands."""
    scorer = Scorer(bundle, settings)
    t = bundle.threshold
    p = np.array([t, t + 0.2 * (1 - t), t + 0.3 * (1 - t), t + 0.6 * (1 - t), 0.0, t * 0.8])
    assert scorer.confidence(p).tolist() == ["LOW", "LOW", "MEDIUM", "HIGH", "HIGH", "LOW"]


def test_data_quality_lists_missing_out_of_range_and_unknown(scorer: Scorer,
                                                             apps: pd.DataFrame) -> None:
    """A complete row scores 1.0; each problem lowers the score and is named in the result."""
    row = clean(apps.iloc[0])
    full = {**row, **{name: apps[name].dropna().iloc[0] for name in scorer.bundle.expected_fields
                      if name not in row}}
    result = scorer.score_one(full)
    assert result["data_quality_score"] == 1.0
    assert result["missing_fields"] == result["out_of_range_fields"] == []
    damaged = {**full, "AMT_INCOME_TOTAL": 500_000_000.0, "OCCUPATION_TYPE": "Astronaut"}
    del damaged["DAYS_BIRTH"]
    result = scorer.score_one(damaged)
    assert result["missing_fields"] == ["DAYS_BIRTH"]
    assert result["out_of_range_fields"] == ["AMT_INCOME_TOTAL"]
    assert result["unknown_category_fields"] == ["OCCUPATION_TYPE"]
    n_expected = len(scorer.bundle.expected_fields)
    assert result["data_quality_score"] == pytest.approx(1 - 3 / n_expected)


def test_sentinel_is_not_out_of_range(scorer: Scorer, apps: pd.DataFrame) -> None:
    """DAYS_EMPLOYED=365243 is a documented sentinel, never reported as out of range."""
    row = {**clean(apps.iloc[0]), "DAYS_EMPLOYED": 365243}
    assert "DAYS_EMPLOYED" not in scorer.score_one(row)["out_of_range_fields"]


def test_real_format_fixture_loads_and_scores(scorer: Scorer) -> None:
    """The handwritten rows in the real Kaggle format load, validate and score."""
    from creditwatch.files.loader import load_applications

    from tests.plugins.paths import FIXTURES

    for name in ("application_train_sample.csv", "application_test_sample.csv"):
        loaded = load_applications(FIXTURES / name)
        assert loaded.report.ok
        scores = scorer.score(loaded.frame)
        assert len(scores) == len(loaded.frame)
        assert ((scores.probability > 0) & (scores.probability < 1)).all()
        # quoted commas survive the CSV round trip and are known categories
        suite = schema.FIELD_NAMES.index("NAME_TYPE_SUITE")
        assert not scores.quality.unknown[:, suite].any()


@pytest.mark.slow
def test_compiled_trees_match_the_booster(bundle: ModelBundle, tmp_path,  # type: ignore[no-untyped-def]
                                          apps: pd.DataFrame) -> None:
    """With model.compiled_trees on, batch probabilities equal LightGBM's to 1e-9."""
    settings = Settings(paths={"root": tmp_path}, model={"compiled_trees": True})
    compiled = Scorer(bundle, settings)
    plain = bundle.booster.predict(bundle.pipeline.transform(apps))
    np.testing.assert_allclose(compiled.score(apps).probability, plain, rtol=0, atol=1e-9)
    assert list((tmp_path / "artifacts" / "compiled").glob("*.so"))


def test_one_application_is_scored_like_the_same_row_in_a_batch(scorer: Scorer,
                                                                apps: pd.DataFrame) -> None:
    """score_one (the one-row path) gives every field of the batch's result for that row."""
    batch = scorer.score(apps.iloc[:300])
    for i in range(0, 300, 7):
        one = scorer.score_one(clean(apps.iloc[i]))
        expected = batch.record(i)
        assert one["probability"] == pytest.approx(expected["probability"], abs=1e-12)
        for key in ("decision", "confidence", "data_quality_score", "missing_fields",
                    "out_of_range_fields", "unknown_category_fields"):
            assert one[key] == expected[key], key


def test_batch_records_equal_row_by_row_records(scorer: Scorer, apps: pd.DataFrame) -> None:
    """Scores.records() (built column-wise for the API's batches) equals record(i) for every row,
    field lists included."""
    frame = apps.iloc[:200].copy()
    frame.loc[frame.index[::3], "ORGANIZATION_TYPE"] = "A brand-new organisation type"
    frame.loc[frame.index[::5], "AMT_INCOME_TOTAL"] = 1e12  # outside the typical range
    scores = scorer.score(frame)
    assert scores.records() == [scores.record(i) for i in range(len(scores))]
    assert any(r["unknown_category_fields"] for r in scores.records())
    assert any(r["out_of_range_fields"] for r in scores.records())
