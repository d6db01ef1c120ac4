"""The probability calibrator: sklearn's fits as oracle, stored as plain numbers in the bundle,
and old bundles without it still load."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from scipy.special import expit, logit
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression

from creditwatch.errors import ModelNotFoundError
from creditwatch.model.bundle import ModelBundle, load_bundle, save_bundle
from creditwatch.model.calibrator import Calibrator
from creditwatch.performance import PerformanceReference, realized


def miscalibrated(seed: int, n: int = 20_000) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Raw probabilities too confident and too low; labels from the true probabilities."""
    rng = np.random.default_rng(seed)
    true_logit = rng.normal(-2.5, 0.8, n)
    p = expit(1.6 * true_logit - 1.0)
    y = (rng.random(n) < expit(true_logit)).astype(int)
    return y, p, expit(true_logit)


@pytest.mark.parametrize("seed", range(3))
def test_platt_equals_sklearn_unpenalised_logistic_regression(seed: int) -> None:
    """Platt's two coefficients are the maximum-likelihood logistic fit on logit(p), as
    sklearn's LogisticRegression without penalty finds them."""
    y, p, truth = miscalibrated(seed)
    cal = Calibrator.fit(y, p, "platt")
    lr = LogisticRegression(C=np.inf, tol=1e-12, max_iter=1000).fit(logit(p)[:, None], y)
    assert cal.params["a"] == pytest.approx(lr.coef_[0, 0], abs=1e-5)
    assert cal.params["b"] == pytest.approx(lr.intercept_[0], abs=1e-5)
    assert cal.params["a"] == pytest.approx(1 / 1.6, abs=0.05)  # it undoes the over-confidence
    assert np.abs(cal(p) - truth).mean() < 0.2 * np.abs(p - truth).mean()


def test_isotonic_equals_sklearn_predict() -> None:
    """Isotonic calibration, kept as breakpoints, predicts what sklearn's fitted model does,
    beyond the ends too."""
    y, p, _ = miscalibrated(7)
    cal = Calibrator.fit(y, p, "isotonic")
    iso = IsotonicRegression(y_min=0, y_max=1, out_of_bounds="clip").fit(p, y)
    grid = np.r_[0.0, np.linspace(p.min() / 2, min(1.0, p.max() * 1.5), 500), 1.0]
    np.testing.assert_allclose(cal(grid), iso.predict(grid), atol=1e-12)


@pytest.mark.parametrize("method", ["platt", "isotonic"])
def test_round_trip_through_json(method: str) -> None:
    """to_dict -> JSON -> from_dict gives the same function (no pickle)."""
    y, p, _ = miscalibrated(2)
    cal = Calibrator.fit(y, p, method)  # type: ignore[arg-type]
    again = Calibrator.from_dict(json.loads(json.dumps(cal.to_dict())))
    np.testing.assert_array_equal(again(p), cal(p))


def test_bad_calibration_input_is_refused() -> None:
    """One class only, or an unknown method, is a clear error."""
    with pytest.raises(ValueError, match="both classes"):
        Calibrator.fit(np.zeros(10), np.linspace(0, 1, 10))
    with pytest.raises(ValueError, match="platt"):
        Calibrator.fit(np.r_[0, 1], np.r_[0.2, 0.4], "beta")  # type: ignore[arg-type]


def test_training_stores_calibrator_and_reference_performance(bundle_dir: Path,
                                                              bundle: ModelBundle) -> None:
    """bundle.json holds the calibrator as plain numbers and the held-out reference figures;
    the calibrated holdout log loss is no worse than the raw one by more than noise."""
    meta = json.loads((bundle_dir / "bundle.json").read_text())
    assert meta["calibrator"]["method"] == "platt"
    assert set(meta["calibrator"]["params"]) == {"a", "b"}
    assert meta["calibrator"]["n_fit"] == bundle.metrics["n_valid"]
    ref = meta["reference_performance"]
    assert ref["n"] == bundle.metrics["n_holdout"]
    assert ref["auc"] == pytest.approx(bundle.metrics["holdout_auc"])
    assert ref["approval_rate"] == pytest.approx(bundle.metrics["holdout_approval_rate"])
    assert ref["scores"] == sorted(ref["scores"]) and len(ref["scores"]) == ref["n"]
    assert (bundle.metrics["holdout_log_loss_calibrated"]
            < bundle.metrics["holdout_log_loss"] + 0.005)
    assert bundle.calibrator is not None and bundle.calibrator.to_dict() == meta["calibrator"]


def test_old_bundle_without_calibrator_loads(bundle: ModelBundle, tmp_path: Path) -> None:
    """A bundle saved before calibrators existed loads (same version), gives realized
    figures, and asking for an estimate says to retrain."""
    copy = save_bundle(bundle, tmp_path / "old")
    meta = json.loads((copy / "bundle.json").read_text())
    del meta["calibrator"], meta["reference_performance"]
    (copy / "bundle.json").write_text(json.dumps(meta))
    old = load_bundle(copy)
    assert old.calibrator is None and old.version == bundle.version
    ref = PerformanceReference.from_bundle(old)
    assert not ref.can_estimate
    r = realized(np.array([0.1, 0.9]), np.array([0, 1]), threshold=ref.threshold,
                 cost_fn=ref.cost_fn, cost_fp=ref.cost_fp)
    assert r.auc == 1.0
    with pytest.raises(ModelNotFoundError, match="retrain"):
        ref.require_estimator()
