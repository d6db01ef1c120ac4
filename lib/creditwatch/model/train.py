"""Train the LightGBM model and choose its cost-optimal decision threshold.

Split (stratified on TARGET): 70 % fit, 15 % validation (early stopping, threshold choice and
the probability calibrator), 15 % holdout (every reported metric and the reference performance).
Choosing the threshold on the validation part keeps the holdout cost an honest estimate of the
cost in production. The threshold is chosen on the raw probabilities, so fitting the
calibrator on the same rows changes no decision; the holdout then checks it honestly.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import lightgbm as lgb
import numpy as np
import pandas as pd
from sklearn.metrics import log_loss, roc_auc_score
from sklearn.model_selection import train_test_split

from creditwatch import schema
from creditwatch.errors import DataValidationError
from creditwatch.fairness.groups import DEFAULT_AGE_BANDS, protected_attributes
from creditwatch.fairness.proxies import proxy_report
from creditwatch.features import FeaturePipeline
from creditwatch.model.bundle import ModelBundle
from creditwatch.model.calibrator import Calibrator, Method
from creditwatch.model.protected import blank, check_fields, features_from, protected_usage
from creditwatch.model.reference import (
    expected_fields,
    field_stats,
    reference_performance,
    reference_sample,
)
from creditwatch.model.threshold import cost_at, optimal_threshold

ORACLE_COLUMN = "TRUE_PD"  # the synthetic generator's true default probability


@dataclass(frozen=True)
class TrainConfig:
    cost_fn: float
    cost_fp: float
    seed: int = 42
    learning_rate: float = 0.05
    num_leaves: int = 31
    min_data_in_leaf: int = 200
    max_rounds: int = 3000
    early_stopping: int = 100
    reference_rows: int = 20_000
    reference_scores: int = 5_000  # held-out scores kept for prediction drift
    calibration: Method = "platt"
    num_threads: int = 0  # 0 = LightGBM's default (all cores)
    exclude: tuple[str, ...] = ()  # fields left out, with every feature derived from them
    protected: tuple[str, ...] = ("CODE_GENDER", "DAYS_BIRTH")  # whose use the bundle records
    age_bands: tuple[float, ...] = DEFAULT_AGE_BANDS
    fairness_report: bool = False  # also train with/without the protected fields + proxies

    def params(self) -> dict[str, Any]:
        return {
            "objective": "binary",
            "metric": "auc",
            "learning_rate": self.learning_rate,
            "num_leaves": self.num_leaves,
            "min_data_in_leaf": self.min_data_in_leaf,
            "feature_fraction": 0.7,
            "bagging_fraction": 0.8,
            "bagging_freq": 1,
            "lambda_l2": 1.0,
            "cat_smooth": 10.0,
            "max_cat_to_onehot": 4,
            "seed": self.seed,
            "deterministic": True,
            "force_row_wise": True,
            "num_threads": self.num_threads,
            "verbose": -1,
        }


def _split(frame: pd.DataFrame, seed: int) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    fit, rest = train_test_split(frame, test_size=0.30, stratify=frame[schema.TARGET_COLUMN],
                                 random_state=seed)
    valid, holdout = train_test_split(rest, test_size=0.50,
                                      stratify=rest[schema.TARGET_COLUMN], random_state=seed)
    return fit, valid, holdout


def _cost_metrics(prefix: str, y: np.ndarray, p: np.ndarray, threshold: float,
                  cfg: TrainConfig) -> dict[str, float]:
    at_t = cost_at(y, p, threshold, cfg.cost_fn, cfg.cost_fp)
    at_half = cost_at(y, p, 0.5, cfg.cost_fn, cfg.cost_fp)
    return {
        f"{prefix}auc": float(roc_auc_score(y, p)),
        f"{prefix}cost_at_threshold": at_t,
        f"{prefix}cost_at_0_5": at_half,
        f"{prefix}cost_per_application": at_t / len(y),
        f"{prefix}approval_rate": float(np.mean(p < threshold)),
    }


def train_model(
    frame: pd.DataFrame,
    cfg: TrainConfig,
    *,
    on_round: Callable[[int, int], None] | None = None,
) -> ModelBundle:
    """Train on raw application rows with TARGET; return the complete bundle."""
    if schema.TARGET_COLUMN not in frame.columns:
        raise DataValidationError("training data needs a TARGET column")
    frame = frame[frame[schema.TARGET_COLUMN].notna()]
    if frame[schema.TARGET_COLUMN].nunique() != 2:
        raise DataValidationError("TARGET must contain both classes 0 and 1")
    exclude = check_fields(cfg.exclude, "--exclude")
    protected = check_fields(cfg.protected, "protected attributes")
    fit, valid, holdout = _split(frame, cfg.seed)
    pipeline = FeaturePipeline.fit(fit)
    names = pipeline.feature_names
    x_fit, x_valid, x_hold = (pipeline.transform(part) for part in (fit, valid, holdout))
    y_fit, y_valid, y_hold = (part[schema.TARGET_COLUMN].to_numpy(dtype=int)
                              for part in (fit, valid, holdout))
    parts = _Parts(names, pipeline.categorical_features, x_fit, y_fit, x_valid, y_valid, x_hold)
    comparison = (_comparison(parts, exclude, protected, y_hold, cfg)
                  if cfg.fairness_report else None)
    excluded = features_from(exclude, names)
    booster, threshold, p_valid, p_hold = _fit(parts, excluded, cfg, on_round, copy=False)
    calibrator = Calibrator.fit(y_valid, p_valid, cfg.calibration)
    fairness: dict[str, Any] = {
        "excluded_fields": list(exclude), "excluded_features": excluded,
        "protected": protected_usage(booster, names, protected)}
    if comparison is not None:
        attributes = protected_attributes(protected, cfg.age_bands)
        fairness["comparison"] = comparison
        fairness["proxy_auc"] = proxy_report(
            x_hold, names, {f: holdout[f].to_numpy() for f in protected if f in holdout},
            [a for a in attributes if a.field in holdout],
            {f: features_from([f], names) for f in protected}, seed=cfg.seed,
            num_threads=cfg.num_threads)
    metrics: dict[str, Any] = {
        "n_train": len(fit), "n_valid": len(valid), "n_holdout": len(holdout),
        "default_rate": float(frame[schema.TARGET_COLUMN].mean()),
        "best_iteration": booster.num_trees(),
        "valid_auc": float(roc_auc_score(y_valid, p_valid)),
        **_cost_metrics("holdout_", y_hold, p_hold, threshold, cfg),
        "holdout_log_loss": float(log_loss(y_hold, p_hold, labels=[0, 1])),
        "holdout_log_loss_calibrated": float(log_loss(y_hold, calibrator(p_hold), labels=[0, 1])),
    }
    if ORACLE_COLUMN in holdout.columns:
        metrics.update(_oracle_metrics(holdout[ORACLE_COLUMN].to_numpy(float), y_hold, metrics, cfg))
    gains = booster.feature_importance(importance_type="gain")
    total = float(gains.sum()) or 1.0
    importances = {name: float(g) / total for name, g in zip(names, gains, strict=True)}
    return ModelBundle(
        booster=booster,
        pipeline=pipeline,
        threshold=threshold,
        cost_fn=cfg.cost_fn,
        cost_fp=cfg.cost_fp,
        metrics=metrics,
        importances=importances,
        expected_fields=expected_fields(fit),
        reference=reference_sample(fit, cfg.reference_rows, cfg.seed),
        reference_stats=field_stats(fit),
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        extra={"params": cfg.params(), "fairness": fairness},
        calibrator=calibrator,
        performance_reference=reference_performance(y_hold, p_hold, threshold,
                                                    cfg.reference_scores, cfg.seed),
    )


@dataclass(frozen=True)
class _Parts:
    names: list[str]
    categorical: list[str]
    x_fit: np.ndarray
    y_fit: np.ndarray
    x_valid: np.ndarray
    y_valid: np.ndarray
    x_hold: np.ndarray


def _fit(parts: _Parts, excluded: list[str], cfg: TrainConfig,
         on_round: Callable[[int, int], None] | None, *, copy: bool
         ) -> tuple[lgb.Booster, float, np.ndarray, np.ndarray]:
    """Train with ``excluded`` features blank (on copies when ``copy``); return the booster,
    its cost-optimal threshold and its validation and holdout probabilities."""
    x_fit, x_valid, x_hold = parts.x_fit, parts.x_valid, parts.x_hold
    if excluded:
        x_fit, x_valid, x_hold = (blank(x.copy() if copy else x, parts.names, excluded)
                                  for x in (x_fit, x_valid, x_hold))
    train_set = lgb.Dataset(x_fit, parts.y_fit, feature_name=parts.names,
                            categorical_feature=parts.categorical, free_raw_data=True)
    valid_set = lgb.Dataset(x_valid, parts.y_valid, reference=train_set)
    callbacks: list[Callable[..., None]] = [lgb.early_stopping(cfg.early_stopping, verbose=False)]
    if on_round is not None:
        callbacks.append(lambda env: on_round(env.iteration + 1, env.end_iteration))
    booster = lgb.train(cfg.params(), train_set, num_boost_round=cfg.max_rounds,
                        valid_sets=[valid_set], callbacks=callbacks)
    booster = booster.model_from_string(booster.model_to_string(num_iteration=booster.best_iteration))
    p_valid = np.asarray(booster.predict(x_valid), dtype=float)
    threshold, _ = optimal_threshold(parts.y_valid, p_valid, cfg.cost_fn, cfg.cost_fp)
    return booster, threshold, p_valid, np.asarray(booster.predict(x_hold), dtype=float)


def _comparison(parts: _Parts, exclude: tuple[str, ...], protected: tuple[str, ...],
                y_hold: np.ndarray, cfg: TrainConfig) -> dict[str, dict[str, float]]:
    """Holdout AUC and cost of the model trained with the protected fields and without them
    (each at its own cost-optimal threshold; the other exclusions kept in both)."""
    out = {}
    for key, fields in (("with_protected", [f for f in exclude if f not in protected]),
                        ("without_protected", [*exclude, *protected])):
        _, threshold, _, p_hold = _fit(parts, features_from(fields, parts.names), cfg, None,
                                       copy=True)
        metrics = _cost_metrics("", y_hold, p_hold, threshold, cfg)
        out[key] = {"auc": metrics["auc"], "cost": metrics["cost_at_threshold"],
                    "cost_per_application": metrics["cost_per_application"],
                    "approval_rate": metrics["approval_rate"], "threshold": threshold}
    return out


def _oracle_metrics(true_pd: np.ndarray, y: np.ndarray, metrics: dict[str, Any],
                    cfg: TrainConfig) -> dict[str, float]:
    """How close the model gets to the generator's true probabilities on the holdout."""
    oracle_auc = float(roc_auc_score(y, true_pd))
    _, oracle_cost = optimal_threshold(y, true_pd, cfg.cost_fn, cfg.cost_fp)
    return {
        "oracle_auc": oracle_auc,
        "oracle_best_cost": oracle_cost,
        "auc_vs_oracle": metrics["holdout_auc"] / oracle_auc,
        "cost_vs_oracle": metrics["holdout_cost_at_threshold"] / oracle_cost,
    }
