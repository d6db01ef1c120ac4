"""Fairness (``creditwatch.fairness``) of the store's windows, on one clock.

**Clock.** Fairness windows are cohorts of ``received_at`` (``CLOCK``, the server's time of
the decision), whoever asks: ``fairness run|history``, the Fairness page and the alert check
(whose copy holds only the recent rows *received*) count the same rows for the same window,
whatever ``time_column`` their ``Analytics`` uses for other figures.

**Read.** One query over the whole range returns numbers only: the clock in microseconds,
probability, threshold, the current outcome (``arg_max`` by outcome id, as
``Analytics.labelled``) and each attribute's raw code; a categorical attribute comes as a
position in its distinct values, so only those few values are labelled, not every row.

**Count.** ``run_windows`` counts every window and group in one grouped pass
(``fairness.rates.window_group_counts``); ``run_windows_reference`` slices the same arrays
window by window through ``fairness.evaluate_codes`` and is the path the tests hold the
grouped one to (every figure within 1e-9). The protected attributes must be columns of the
copy: the gender and the other segment fields, and ``DAYS_BIRTH`` (``analytics.tables``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd

from creditwatch.analytics.layer import Analytics
from creditwatch.analytics.tables import SEGMENTS
from creditwatch.config import Settings
from creditwatch.errors import ConfigurationError
from creditwatch.fairness.evaluate import evaluate_codes, from_counts
from creditwatch.fairness.groups import AGE_FIELD, ProtectedAttribute, protected_attributes
from creditwatch.fairness.rates import window_group_counts
from creditwatch.fairness.result import AttributeFairness
from creditwatch.windows import Window

CLOCK = "received_at"
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


@dataclass(frozen=True)
class Rows:
    """The range's predictions as arrays, oldest first (by ``CLOCK``, then id)."""

    clock: np.ndarray  # datetime64[us], naive UTC
    probability: np.ndarray
    threshold: np.ndarray
    defaulted: np.ndarray  # 0/1, NaN without an outcome
    coded: dict[str, tuple[np.ndarray, np.ndarray]]  # attribute name -> (codes, labels)

    def slice(self, window: Window) -> tuple[int, int]:
        lo, hi = (np.datetime64(t.replace(tzinfo=None), "us") for t in window.bounds)
        return (int(np.searchsorted(self.clock, lo, "left")),
                int(np.searchsorted(self.clock, hi, "left")))


def read_rows(analytics: Analytics, attributes: Sequence[ProtectedAttribute], start: datetime,
              end: datetime) -> Rows:
    """The labelled predictions received in ``[start, end)``, numbers only (see above)."""
    analytics._covered(CLOCK, start)  # a copy kept from ``since`` must hold the range
    params: dict[str, Any] = {}
    where = analytics._bounds(f"p.{CLOCK}", Window(start, end), params)
    levels = {}
    for a in attributes:
        if a.field != AGE_FIELD:
            column = COPY_COLUMNS[a.field]
            found = analytics._query(f"SELECT DISTINCT {column} AS v FROM predictions AS p "
                                     f"WHERE {where} AND {column} IS NOT NULL ORDER BY 1", params)
            levels[a.name] = found["v"].to_numpy(dtype=object)
            params[f"levels_{column}"] = list(levels[a.name])
    codes = ", ".join(
        f"coalesce(list_position($levels_{COPY_COLUMNS[a.field]}, p.{COPY_COLUMNS[a.field]}), 0)"
        f"::INTEGER - 1 AS code_{i}" if a.field != AGE_FIELD else f"p.days_birth AS code_{i}"
        for i, a in enumerate(attributes))
    frame = analytics._query(f"""
        WITH latest AS (SELECT prediction_id, arg_max(defaulted, id) AS defaulted
                        FROM outcomes GROUP BY 1)
        SELECT epoch_us(p.{CLOCK}) AS clock, p.probability, p.threshold,
               l.defaulted::DOUBLE AS defaulted{', ' + codes if codes else ''}
        FROM predictions AS p LEFT JOIN latest AS l ON l.prediction_id = p.id
        WHERE {where} ORDER BY p.{CLOCK}, p.id""", params)
    coded = {a.name: (a.codes(frame[f"code_{i}"].to_numpy(np.float64)) if a.field == AGE_FIELD
                      else a.recode_levels(frame[f"code_{i}"].to_numpy(np.int64), levels[a.name]))
             for i, a in enumerate(attributes)}
    return Rows(frame["clock"].to_numpy(np.int64).astype("datetime64[us]"),
                frame["probability"].to_numpy(np.float64), frame["threshold"].to_numpy(np.float64),
                frame["defaulted"].to_numpy(np.float64, na_value=np.nan), coded)


def _read(analytics: Analytics, windows: Sequence[Window], settings: Settings
          ) -> tuple[tuple[ProtectedAttribute, ...], Rows | None]:
    attributes = configured_attributes(settings)
    if not windows:
        return attributes, None
    start = min(w.bounds[0] for w in windows)
    end = max(w.bounds[1] for w in windows)
    return attributes, read_rows(analytics, attributes, start, end)


def run_windows(analytics: Analytics, windows: Sequence[Window], settings: Settings, *,
                cost_fn: float, cost_fp: float,
                on_window: Callable[[Window], None] | None = None) -> list[AttributeFairness]:
    """Every configured attribute over every window (bounded windows, oldest first): one
    result per window and attribute, in that order. Counts in one grouped pass."""
    attributes, rows = _read(analytics, windows, settings)
    if rows is None:
        return []
    cfg = settings.fairness
    bounds = np.array([rows.slice(w) for w in windows], dtype=np.int64).reshape(-1, 2)
    refused = rows.probability >= rows.threshold
    counts = {a.name: window_group_counts(rows.coded[a.name][0], len(rows.coded[a.name][1]),
                                          bounds[:, 0], bounds[:, 1], rows.probability,
                                          refused, rows.defaulted) for a in attributes}
    out: list[AttributeFairness] = []
    for i, window in enumerate(windows):
        out.extend(from_counts(rows.coded[a.name][1], counts[a.name][i], attribute=a.name,
                               cost_fn=cost_fn, cost_fp=cost_fp, level=cfg.level,
                               maturity_share=settings.performance.maturity_share,
                               min_group_size=cfg.min_group_size, start=window.bounds[0],
                               end=window.bounds[1]) for a in attributes)
        if on_window is not None:
            on_window(window)
    return out


def run_windows_reference(analytics: Analytics, windows: Sequence[Window], settings: Settings,
                          *, cost_fn: float, cost_fp: float) -> list[AttributeFairness]:
    """``run_windows`` the direct way: each window's slice counted on its own (the
    reference the grouped pass is tested against; not used in production)."""
    attributes, rows = _read(analytics, windows, settings)
    if rows is None:
        return []
    cfg = settings.fairness
    out = []
    for window in windows:
        lo, hi = rows.slice(window)
        for a in attributes:
            codes, labels = rows.coded[a.name]
            out.append(evaluate_codes(
                codes[lo:hi], labels, rows.probability[lo:hi], rows.threshold[lo:hi],
                rows.defaulted[lo:hi], attribute=a.name, cost_fn=cost_fn, cost_fp=cost_fp,
                level=cfg.level, maturity_share=settings.performance.maturity_share,
                min_group_size=cfg.min_group_size, start=window.bounds[0], end=window.bounds[1]))
    return out


def report_rows(results: Sequence[AttributeFairness], settings: Settings, *, cost_fn: float,
                cost_fp: float, now: datetime) -> list[dict[str, Any]]:
    """The ``fairness_reports`` rows of a run (``Store.write_fairness_reports``), each with
    the settings and costs it was computed with."""
    cfg = settings.fairness
    params = {"clock": CLOCK, "level": cfg.level, "min_group_size": cfg.min_group_size,
              "maturity_share": settings.performance.maturity_share, "air_threshold": cfg.air_threshold,
              "age_bands": list(cfg.age_bands), "cost_fn": cost_fn, "cost_fp": cost_fp}
    return [{**r.stored(), "created_at": now, "params": params} for r in results]


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
