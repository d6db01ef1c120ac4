"""Fairness (``creditwatch.fairness``) of the store's windows: the labelled predictions
(``Analytics.labelled``) read once for the whole range, coded by group once, then every
window's statistics from array slices (no per-window query).

Windows are cohorts on the analytics copy's time column (``application_time`` for
``fairness run``/``history``: the applications made in a window, whenever their outcome
arrived). The protected attributes must be columns of the copy: the gender and the other
segment fields, and ``DAYS_BIRTH`` (``analytics.tables``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from creditwatch.analytics.layer import Analytics
from creditwatch.analytics.tables import SEGMENTS
from creditwatch.config import Settings
from creditwatch.errors import ConfigurationError
from creditwatch.fairness.evaluate import evaluate_codes
from creditwatch.fairness.groups import AGE_FIELD, ProtectedAttribute, protected_attributes
from creditwatch.fairness.result import AttributeFairness
from creditwatch.windows import Window

COPY_COLUMNS: dict[str, str] = {field: column for column, field in SEGMENTS.items()}
COPY_COLUMNS[AGE_FIELD] = "days_birth"


def configured_attributes(settings: Settings) -> tuple[ProtectedAttribute, ...]:
    """The settings' protected attributes, each one the analytics copy can group by."""
    attributes = protected_attributes(settings.fairness.attributes, settings.fairness.age_bands)
    missing = [a.field for a in attributes if a.field not in COPY_COLUMNS]
    if missing:
        raise ConfigurationError(
            f"fairness.attributes: {', '.join(missing)} is not kept by the analytics copy; "
            f"monitored fields are {', '.join(COPY_COLUMNS)}")
    return attributes


def run_windows(analytics: Analytics, windows: Sequence[Window], settings: Settings, *,
                cost_fn: float, cost_fp: float,
                on_window: Callable[[Window], None] | None = None) -> list[AttributeFairness]:
    """Every configured attribute over every window (bounded windows, oldest first): one
    result per window and attribute, in that order."""
    attributes = configured_attributes(settings)
    if not windows:
        return []
    start = min(w.bounds[0] for w in windows)
    end = max(w.bounds[1] for w in windows)
    frame = analytics.labelled((start, end))
    clock = pd.to_datetime(frame[analytics.time_column], utc=True).to_numpy(dtype="datetime64[us]")
    p = frame["probability"].to_numpy(np.float64)
    threshold = frame["threshold"].to_numpy(np.float64)
    y = pd.to_numeric(frame["defaulted"], errors="coerce").to_numpy(np.float64, na_value=np.nan)
    coded = {a.name: pd.factorize(pd.Series(a.groups(frame[COPY_COLUMNS[a.field]].to_numpy())),
                                  sort=True) for a in attributes}
    cfg = settings.fairness
    out: list[AttributeFairness] = []
    for window in windows:
        lo_t, hi_t = (np.datetime64(t.replace(tzinfo=None), "us") for t in window.bounds)
        lo, hi = np.searchsorted(clock, lo_t, "left"), np.searchsorted(clock, hi_t, "left")
        for attribute in attributes:
            codes, labels = coded[attribute.name]
            out.append(evaluate_codes(
                codes[lo:hi], labels.to_numpy(dtype=object), p[lo:hi], threshold[lo:hi],
                y[lo:hi], attribute=attribute.name, cost_fn=cost_fn, cost_fp=cost_fp,
                level=cfg.level, min_group_size=cfg.min_group_size,
                start=window.bounds[0], end=window.bounds[1]))
        if on_window is not None:
            on_window(window)
    return out


def summary_frame(results: Sequence[AttributeFairness]) -> pd.DataFrame:
    """One row per window, attribute and group: the group table with the window's tests."""
    parts = []
    for r in results:
        part = r.table.copy()
        part.insert(0, "attribute", r.attribute)
        part.insert(0, "end", r.end)
        part.insert(0, "start", r.start)
        part["reference"] = part["group"] == r.reference
        part["independence_p"] = r.independence.p_value
        part["tpr_gap_p"] = r.tpr_test.p_value
        part["fpr_gap_p"] = r.fpr_test.p_value
        part["mature"] = r.mature
        parts.append(part)
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
