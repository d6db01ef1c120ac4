"""The hold-out comparison and its report files, without a store: a model alone (no
champion) and two models on the same rows."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from creditwatch.fairness import protected_attributes
from creditwatch.model.bundle import ModelBundle
from creditwatch.performance.settings import PerformanceSettings
from creditwatch.registry import CHALLENGER, CHAMPION
from creditwatch.retrain import compare, write_report
from creditwatch.schema import TARGET_COLUMN
from creditwatch.synthetic.generator import generate


def test_a_model_alone_is_reported_alone(bundle: ModelBundle, tmp_path: Path) -> None:
    """Without a champion the comparison holds the challenger only: its AUC is sklearn's on
    the rows, and the JSON and Markdown files hold one model (no empty champion columns)."""
    rows = generate(1500, 99)
    result = compare({CHALLENGER: bundle}, rows, attributes=protected_attributes(
        ["CODE_GENDER", "DAYS_BIRTH"]), settings=PerformanceSettings(), min_group_size=30)
    [only] = result.models
    p = bundle.booster.predict(bundle.pipeline.transform(rows))
    assert only.summary()["auc"] == pytest.approx(roc_auc_score(rows[TARGET_COLUMN], p), abs=1e-9)
    assert result.by_role(CHAMPION) is None
    json_path, md_path = write_report(result, {"source": "store"}, tmp_path)
    assert json_path.parent == tmp_path / "retrain" and md_path.suffix == ".md"
    data = json.loads(json_path.read_text())
    assert [m["role"] for m in data["models"]] == ["challenger"]
    assert data["training_data"] == {"source": "store"}
    text = md_path.read_text()
    assert "| challenger |" in text and "champion" not in text
    assert "## CODE_GENDER" in text and "## AGE_BAND" in text


def test_each_model_is_judged_at_its_own_threshold(bundle: ModelBundle) -> None:
    """The same trees with a higher threshold: same AUC and calibration, fewer refusals, the
    cost at its own threshold computed by hand; group approval rates follow."""
    rows = generate(1500, 98)
    looser = replace(bundle, threshold=bundle.threshold + 0.05, version="")
    result = compare({CHAMPION: bundle, CHALLENGER: looser}, rows,
                     attributes=protected_attributes(["CODE_GENDER"]),
                     settings=PerformanceSettings(), min_group_size=30)
    champion, challenger = (m.summary() for m in result.models)
    assert champion["auc"] == challenger["auc"]
    assert challenger["approval_rate"] > champion["approval_rate"]
    y = rows[TARGET_COLUMN].to_numpy(dtype=int)
    p = bundle.booster.predict(bundle.pipeline.transform(rows))
    for figures, model in ((champion, bundle), (challenger, looser)):
        t = model.threshold
        cost = model.cost_fn * np.sum((y == 1) & (p < t)) + model.cost_fp * np.sum((y == 0) & (p >= t))
        assert figures["cost"] == pytest.approx(cost)
        assert figures["cost_per_application"] == pytest.approx(cost / len(y))
    looser_groups = result.models[1].groups[0].table
    for group, row in looser_groups.set_index("group").iterrows():
        mine = (rows["CODE_GENDER"].fillna("missing").replace("XNA", "missing") == group).to_numpy()
        assert row["approval_rate"] == pytest.approx(np.mean(p[mine] < looser.threshold))
