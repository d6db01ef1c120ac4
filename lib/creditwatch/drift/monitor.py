"""Drift over stored predictions: windows of application_time against the training reference.

``DriftMonitor`` loads the serving model's reference once (from the store's
``training_reference``, loaded by ``creditwatch reference load``), fits a :class:`Reference`
and then compares any number of windows with it, storing each run in ``drift_reports``
(summary, parameters and the per-column rows) and, on request, an Evidently HTML/JSON report
whose paths go on the same row.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from creditwatch import schema
from creditwatch.config import Settings
from creditwatch.drift.reference import Reference
from creditwatch.drift.report import write_evidently_report
from creditwatch.drift.result import DriftResult
from creditwatch.errors import CreditwatchError
from creditwatch.store import Store
from creditwatch.windows import Window
from creditwatch.windows.ahead import read_ahead


class NoReferenceError(CreditwatchError):
    """The store holds no training reference to compare with."""


@dataclass
class DriftRun:
    window: Window
    result: DriftResult
    report_id: int | None = None
    html_path: Path | None = None
    json_path: Path | None = None

    def row(self) -> dict[str, Any]:
        return {"window_start": self.window.start, "window_end": self.window.end,
                **self.result.summary, "report_id": self.report_id,
                "report_path": str(self.html_path) if self.html_path else None}


def field_importances(settings: Settings, model_version: str) -> dict[str, float] | None:
    """The serving bundle's gain importances of the raw schema fields (None if unavailable)."""
    from creditwatch.model.bundle import load_bundle

    try:
        bundle = load_bundle(settings.paths.bundle_dir)
    except CreditwatchError:
        return None
    if bundle.version != model_version:
        return None
    return {name: bundle.importances.get(name, 0.0) for name in schema.FIELD_NAMES}


def ensure_reference(store: Store, settings: Settings) -> str | None:
    """When the store holds no training reference, load the serving bundle's (what
    ``creditwatch reference load`` does) and return its model version; None when the store
    already had one. NoReferenceError when there is neither."""
    from creditwatch.model.bundle import load_bundle
    from creditwatch.store.reference import load_reference

    if len(store.reference_versions()):
        return None
    try:
        bundle = load_bundle(settings.paths.bundle_dir)
    except CreditwatchError as exc:
        raise NoReferenceError(
            f"no training reference in the store, and no serving bundle to take it from ({exc}):"
            " train a model (`creditwatch train`) or run `creditwatch reference load`") from None
    load_reference(store, bundle.version, bundle.reference, bundle.reference_stats)
    return bundle.version


class DriftMonitor:
    """Compares windows of stored predictions with the training reference."""

    def __init__(self, store: Store, settings: Settings, *, model_version: str | None = None) -> None:
        stored = store.read_reference(model_version)
        if stored is None:
            raise NoReferenceError(
                "no training reference in the store"
                + (f" for model {model_version}" if model_version else "")
                + ": run `creditwatch reference load` (the demo does it)")
        self.store, self.settings = store, settings
        self.model_version = stored.model_version
        self.reference_frame = stored.data
        self.reference = Reference(stored.data, columns=list(schema.FIELD_NAMES),
                                   importances=field_importances(settings, stored.model_version))

    def current(self, window: Window) -> pd.DataFrame:
        """The window's inputs; a uniform sample of ``drift.max_rows`` when larger."""
        cap = self.settings.drift.max_rows
        start, end = window.bounds
        ids = self.store.prediction_ids(start, end)
        if len(ids) <= cap:
            return self.store.read_inputs(start, end)
        rng = np.random.default_rng(int(start.timestamp()))
        sample = np.sort(rng.choice(ids, size=cap, replace=False))
        return self.store.read_inputs(start, end, ids=sample.tolist())

    def run(self, window: Window, *, html: bool = False, save: bool = True,
            report_dir: Path | None = None, current: pd.DataFrame | None = None) -> DriftRun:
        """Compare one window (its inputs read unless given) and store the run."""
        current = self.current(window) if current is None else current
        result = self.reference.compare(current, settings=self.settings)
        run = DriftRun(window, result)
        if html and result.n_features_analyzed and len(current):
            directory = report_dir or self.settings.paths.reports / "drift"
            run.html_path, run.json_path = write_evidently_report(
                self.reference_frame, current, result, directory, f"drift_{window.slug}")
        if save:
            run.report_id = self._save(run)
        return run

    def _save(self, run: DriftRun) -> int:
        summary, result, (start, end) = run.result.summary, run.result, run.window.bounds
        as_dict = result.to_dict()
        return self.store.write_drift_report({
            "created_at": datetime.now(UTC), "window_start": start,
            "window_end": end, "model_version": self.model_version,
            "n_reference": summary["n_rows_reference"],
            "n_predictions": summary["n_rows_current"],
            "n_features_analyzed": summary["n_features_analyzed"],
            "n_features_drifted": summary["n_features_drifted"],
            "drift_share": summary["drift_share"],
            "weighted_drift_score": summary["weighted_drift_score"],
            "status": summary["status"],
            "params": as_dict["settings"],
            "details": as_dict["features"],
            "report_path": str(run.html_path) if run.html_path else None,
            "json_path": str(run.json_path) if run.json_path else None,
        })

    def history(self, windows: Sequence[Window], *, save: bool = True,
                on_window: Callable[[DriftRun], None] | None = None) -> list[DriftRun]:
        """One run per window, in order (``on_window`` sees each, e.g. for a progress bar).

        The next windows' inputs are read in background threads while this one is
        compared: a read waits mostly on the database and on Arrow's JSON parser, which both
        run outside the GIL, so two reads in flight keep both cores of a small machine busy.
        """
        runs: list[DriftRun] = []
        if not windows:
            return runs
        for window, current in read_ahead(windows, self.current):
            run = self.run(window, save=save, current=current)
            runs.append(run)
            if on_window is not None:
                on_window(run)
        return runs


def history_frame(runs: Sequence[DriftRun]) -> pd.DataFrame:
    return pd.DataFrame([r.row() for r in runs])
