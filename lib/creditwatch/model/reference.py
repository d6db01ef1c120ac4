"""The training reference kept in the bundle: a raw sample, per-field statistics and the
held-out reference performance."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from creditwatch import schema

_QUANTILES = (0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99)


def reference_sample(frame: pd.DataFrame, n_rows: int, seed: int) -> pd.DataFrame:
    """A uniform random sample of the schema fields (at most n_rows rows)."""
    columns = [c for c in schema.FIELD_NAMES if c in frame.columns]
    if len(frame) > n_rows:
        frame = frame.sample(n=n_rows, random_state=seed)
    return frame[columns].reset_index(drop=True)


def field_stats(frame: pd.DataFrame) -> dict[str, Any]:
    """Per-field statistics: missing share and a numeric summary or the level counts."""
    stats: dict[str, Any] = {"n_rows": len(frame), "fields": {}}
    for f in schema.FIELDS:
        if f.name not in frame.columns:
            continue
        col = frame[f.name]
        entry: dict[str, Any] = {"kind": f.kind, "missing_share": float(col.isna().mean())}
        if f.kind == "numeric":
            values = pd.to_numeric(col, errors="coerce").to_numpy(dtype=float)
            if f.sentinel is not None:
                entry["sentinel_share"] = float(np.mean(values == f.sentinel))
                values = values[values != f.sentinel]
            values = values[~np.isnan(values)]
            if len(values):
                entry.update(
                    mean=float(values.mean()), std=float(values.std()),
                    min=float(values.min()), max=float(values.max()),
                    quantiles=dict(zip(map(str, _QUANTILES),
                                       np.quantile(values, _QUANTILES).tolist(), strict=True)),
                )
        else:
            counts = col.dropna().astype(str).value_counts()
            entry["counts"] = {str(k): int(v) for k, v in counts.items()}
        stats["fields"][f.name] = entry
    return stats


def expected_fields(frame: pd.DataFrame, min_present: float = 0.5) -> list[str]:
    """Fields present in at least ``min_present`` of the rows: their absence lowers quality."""
    present = frame.reindex(columns=list(schema.FIELD_NAMES)).notna().mean()
    return [name for name in schema.FIELD_NAMES if present[name] >= min_present]


def reference_performance(y: np.ndarray, p: np.ndarray, threshold: float, max_scores: int,
                          seed: int) -> dict[str, Any]:
    """Held-out figures performance monitoring compares windows with: size, AUC, default rate,
    approval rate at the threshold, and a sorted sample of at most ``max_scores`` raw scores."""
    from sklearn.metrics import roc_auc_score

    y = np.asarray(y, dtype=np.int64)
    p = np.asarray(p, dtype=np.float64)
    sample = p
    if len(p) > max_scores:
        sample = np.random.default_rng(seed).choice(p, size=max_scores, replace=False)
    return {
        "n": len(y), "auc": float(roc_auc_score(y, p)), "default_rate": float(y.mean()),
        "approval_rate": float(np.mean(p < threshold)),
        "scores": np.sort(sample).tolist(),
    }
