"""Model performance over stored predictions: windows of application time, evaluated against
the serving bundle's reference and stored in ``performance_reports``.

``PerformanceMonitor`` loads the bundle's ``PerformanceReference`` once and reads each window
through its own analytics copy of the few columns it needs (``COPY_TABLES``;
``Analytics.labelled``: each prediction of the bundle's model version with its current
outcome) and, for the coverage check (``performance.check_coverage``), the window's inputs of
the fields it reads, once per prediction (``OutsideCache``: a monitor that evaluates the same
windows again reads the inputs of new predictions only). Computation and storage stay apart:
``evaluate`` is pure (frames in, ``PerformanceRun`` out), ``run``/``history`` read, evaluate
and store one row per window and model version (``PerformanceRun.record``); computing a
window again replaces its row, so re-running a history as outcomes arrive keeps it current.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from creditwatch.analytics import Analytics
from creditwatch.analytics.health import Verdict
from creditwatch.config import Settings
from creditwatch.model.bundle import ModelBundle
from creditwatch.performance import health
from creditwatch.performance.outside import OutsideCache
from creditwatch.performance.ranking import auc_sd
from creditwatch.performance.realized import RealizedPerformance, _plain
from creditwatch.performance.reference import PerformanceReference
from creditwatch.performance.settings import PerformanceSettings
from creditwatch.performance.window import WindowPerformance, evaluate_window
from creditwatch.store import Store
from creditwatch.windows import Window
from creditwatch.windows.ahead import read_ahead

READ_COLUMNS = ("id", "probability")  # of Analytics.labelled, besides the outcome
# What the monitor's own analytics copy holds: what ``Analytics.labelled`` reads for it.
COPY_TABLES = {"predictions": ("application_time", "model_version", "probability"),
               "outcomes": ("prediction_id", "application_time", "defaulted", "observed_at")}


@dataclass
class PerformanceRun:
    """One window's performance, its stored row and verdicts."""

    window: Window
    model_version: str
    performance: WindowPerformance
    n_predictions: int
    auc_reference: float | None
    settings: PerformanceSettings
    report_id: int | None = None
    verdicts: dict[str, Verdict] = field(default_factory=dict)

    @property
    def alerts(self) -> list[str]:
        """The kinds of the verdicts that fire."""
        return [kind for kind, v in self.verdicts.items() if v.fires]

    def record(self) -> dict[str, Any]:
        """The ``performance_reports`` row (without id and created_at)."""
        start, end = self.window.bounds
        e, r, c = self.performance.estimated, self.performance.realized, self.performance.concept
        row: dict[str, Any] = {
            "window_start": start, "window_end": end, "model_version": self.model_version,
            "n_predictions": self.n_predictions, "n_labelled": r.n_labelled if r else 0,
            "labelled_share": r.labelled_share if r else (0.0 if self.n_predictions else None),
            "immature": not (r is not None and r.mature), "auc_reference": self.auc_reference,
            "auc_realized": r.auc if r else None,
            "auc_realized_sd": _realized_sd(r),
            "default_rate_realized": r.default_rate if r else None,
            "cost_realized": r.decisions.cost if r else None,
            "miscalibrated_bands": int(r.calibration["miscalibrated"].sum()) if r else None,
            "outside_share": e.outside_share if e else None,
            "extrapolating": bool(e.extrapolating) if e else False,
            "concept_status": c.status if c else None, "concept_drift": bool(c and c.fired),
        }
        for name in ("auc", "default_rate", "cost"):
            band = getattr(e, name).to_dict(e.level) if e else {}
            row[f"{name}_estimated"] = band.get("value")
            row[f"{name}_estimated_low"] = band.get("low")
            row[f"{name}_estimated_high"] = band.get("high")
        drift = e.prediction_drift if e else None
        row.update(score_ks=drift.ks_statistic if drift else None,
                   score_ks_p_value=drift.ks_p_value if drift else None,
                   approval_rate=drift.approval_rate if drift else None,
                   approval_p_value=drift.approval_p_value if drift else None)
        row = _plain(row)
        return row

    def stored(self) -> dict[str, Any]:
        """The full row as stored: the record, the settings and the whole result."""
        return {**self.record(), "params": _plain(_settings_dict(self.settings)),
                "result": _plain(self.performance.to_dict())}

    def summary(self) -> dict[str, Any]:
        """One JSON object (``performance history --json``): the record, times as ISO text,
        the alerts fired and the report id."""
        out = self.record()
        out["window_start"] = out["window_start"].isoformat()
        out["window_end"] = out["window_end"].isoformat()
        out["n"] = out.pop("n_predictions")
        return {**out, "alerts": self.alerts, "report_id": self.report_id}


def _realized_sd(r: RealizedPerformance | None) -> float | None:
    """Sampling SD of the realized AUC on its labelled rows (Hanley–McNeil)."""
    if r is None or r.n_labelled == 0:
        return None
    n_pos = round(r.default_rate * r.n_labelled)
    return auc_sd(r.auc, n_pos, r.n_labelled - n_pos)


def _settings_dict(s: PerformanceSettings) -> dict[str, Any]:
    return {name: getattr(s, name) for name in s.__slots__}


def labelled_arrays(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """The raw probabilities and the outcomes (NaN where none yet) of ``Analytics.labelled``."""
    scores = frame["probability"].to_numpy(dtype=np.float64, na_value=np.nan)
    outcomes = frame["defaulted"].to_numpy(dtype=np.float64, na_value=np.nan)
    return scores, outcomes


def evaluate(reference: PerformanceReference, window: Window, frame: pd.DataFrame,
             outside: NDArray[np.bool_] | None, settings: Settings) -> PerformanceRun:
    """A window's performance from its labelled rows (and the coverage check's flags, aligned
    to them; None: not checked): pure."""
    scores, outcomes = labelled_arrays(frame)
    if len(scores):
        perf = evaluate_window(reference, scores, None,
                               outcomes if (~np.isnan(outcomes)).any() else None,
                               outside=outside)
    else:
        perf = WindowPerformance(None, None, None)
    ref = reference.reference or {}
    run = PerformanceRun(window, reference.model_version, perf, len(scores),
                         float(ref["auc"]) if "auc" in ref else None, reference.settings)
    run.verdicts = health.judge(run.record(), settings)
    return run


class PerformanceMonitor:
    """Evaluates windows of stored predictions of the serving model and stores the reports."""

    def __init__(self, store: Store, settings: Settings, *, bundle: ModelBundle | None = None,
                 analytics: Analytics | None = None) -> None:
        if bundle is None:
            from creditwatch.model.bundle import load_bundle

            bundle = load_bundle(settings.paths.bundle_dir)
        self.store, self.settings = store, settings
        self.reference = PerformanceReference.from_bundle(
            bundle, PerformanceSettings.of(settings.performance))
        self.model_version = bundle.version
        self._owns_analytics = analytics is None
        self.analytics = analytics or Analytics(store, settings=settings,
                                                time_column="application_time",
                                                tables=COPY_TABLES)
        coverage = self.reference.coverage
        self.outside_cache = OutsideCache(coverage, self._read_inputs) if (
            settings.performance.check_coverage and coverage is not None
            and self.reference.can_estimate) else None

    def _read_inputs(self, window: Window, ids: Sequence[int] | None) -> pd.DataFrame:
        assert self.reference.coverage is not None
        start, end = window.bounds
        return self.store.read_inputs(start, end, fields=list(self.reference.coverage.fields),
                                      model_version=self.model_version, ids=ids)

    def read(self, window: Window) -> tuple[pd.DataFrame, NDArray[np.bool_] | None]:
        """The window's labelled rows and, when coverage is checked, their flags (outside
        the reference's coverage or not)."""
        frame = self.analytics.labelled(window, model_version=self.model_version,
                                        columns=READ_COLUMNS)
        if self.outside_cache is None or not len(frame):
            return frame, None
        ids = frame["id"].to_numpy(dtype=np.int64)
        return frame, self.outside_cache.outside(window, ids)

    def run(self, window: Window, *, save: bool = True,
            data: tuple[pd.DataFrame, NDArray[np.bool_] | None] | None = None
            ) -> PerformanceRun:
        """Evaluate one window (read unless ``data`` is given) and store its report."""
        frame, outside = self.read(window) if data is None else data
        result = evaluate(self.reference, window, frame, outside, self.settings)
        if save:
            self.save([result])
        return result

    def save(self, runs: Sequence[PerformanceRun]) -> None:
        """Store the runs' reports in one transaction and set their ``report_id``."""
        now = datetime.now(UTC)
        ids = self.store.write_performance_reports([{**r.stored(), "created_at": now}
                                                    for r in runs])
        for run, report_id in zip(runs, ids, strict=True):
            run.report_id = report_id

    def history(self, windows: Sequence[Window], *, save: bool = True,
                on_window: Callable[[PerformanceRun], None] | None = None
                ) -> list[PerformanceRun]:
        """One run per window, in order; the next windows are read in background threads
        while this one is evaluated (``on_window`` sees each run, e.g. for a progress bar);
        the reports are stored together at the end, in one transaction."""
        runs: list[PerformanceRun] = []
        if not windows:
            return runs
        self.analytics.refresh()  # once, before the readers share the copy
        for window, data in read_ahead(windows, self.read):
            run = self.run(window, save=False, data=data)
            runs.append(run)
            if on_window is not None:
                on_window(run)
        if save:
            self.save(runs)
        return runs

    def close(self) -> None:
        if self._owns_analytics:
            self.analytics.close()

    def __enter__(self) -> PerformanceMonitor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def history_frame(runs: Sequence[PerformanceRun]) -> pd.DataFrame:
    """One row per run (its record and alerts)."""
    return pd.DataFrame([{**r.record(), "alerts": r.alerts} for r in runs])
