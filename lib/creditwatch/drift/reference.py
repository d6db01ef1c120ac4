"""``Reference`` and ``compare``: the drift engine's Python API.

``Reference(reference_df)`` types the columns from the schema, sets aside the columns it cannot
test (reason kept), and precomputes once what every window reuses: sorted numeric values, robust
scales and PSI edges (:mod:`numeric`), category levels and counts (:mod:`categorical`), missing
counts. ``Reference.compare(current_df)`` then runs, for all columns of a kind at once, the
registered test and effect sizes, corrects the p-values across columns, and applies the verdict:
a column drifts when its corrected p-value is below alpha **and** its gating effect size reaches
the method's minimum (so that huge windows do not flag trivial shifts).

``compare(reference_df, current_df)`` is the one-shot form and returns the same result.
Time windows over the prediction store and the drift history build on ``Reference.compare``
and store ``DriftResult.to_dict()``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from creditwatch.config import Settings, get_settings
from creditwatch.config_groups import DriftConfig
from creditwatch.drift import correction as corr
from creditwatch.drift import registry
from creditwatch.drift.categorical import (
    CategoricalReference,
    categorical_batch,
    level_counts,
    level_shares,
)
from creditwatch.drift.numeric import NumericReference, finite_sorted, numeric_batch, sort_rows
from creditwatch.drift.result import DriftResult, DriftSettings, features_frame
from creditwatch.schema import FIELD_BY_NAME, FIELDS, Kind

Columns = Sequence[str] | Mapping[str, Kind] | None
NOT_IN_REFERENCE = "not in the reference data"
NOT_IN_CURRENT = "not in the current data"
EMPTY_REFERENCE = "no rows in the reference data"
EMPTY_CURRENT = "no rows in the current data"
ALL_MISSING_REFERENCE = "all missing in the reference"
ALL_MISSING_CURRENT = "all missing in the current data"
CONSTANT_REFERENCE = "constant in the reference"  # a model cannot have used it


def column_kinds(frame: pd.DataFrame, columns: Columns = None) -> dict[str, Kind]:
    """Kind of each column to analyse: the schema's, else numeric for numeric non-bool dtypes.

    Without ``columns``: the schema fields present in ``frame``, in schema order (the id,
    target and any extra column are left out), or every column of a frame that has none.
    """
    if columns is None:
        schema = {f.name: f.kind for f in FIELDS if f.name in frame.columns}
        return schema or column_kinds(frame, [str(c) for c in frame.columns])
    if isinstance(columns, Mapping):
        return dict(columns)
    kinds: dict[str, Kind] = {}
    for name in columns:
        if name in FIELD_BY_NAME:
            kinds[name] = FIELD_BY_NAME[name].kind
        elif name in frame.columns and _numeric_dtype(frame[name]):
            kinds[name] = "numeric"
        else:
            kinds[name] = "categorical"
    return kinds


class Reference:
    """A reference sample prepared for comparing many windows with it."""

    def __init__(self, reference: pd.DataFrame, *, importances: Mapping[str, float] | None = None,
                 columns: Columns = None) -> None:
        self.n_rows = len(reference)
        self.kinds = column_kinds(reference, columns)
        self.importances = dict(importances) if importances is not None else None
        self.reasons: dict[str, str] = {}
        self.missing: dict[str, int] = {}
        present = [n for n in self.kinds if n in reference.columns]
        for name in self.kinds:
            if name not in reference.columns:
                self.reasons[name] = NOT_IN_REFERENCE
        numeric_names = [n for n in present if self.kinds[n] == "numeric"]
        ordered, counts = _sorted_numeric(reference, numeric_names)
        keep = []
        for i, name in enumerate(numeric_names):
            c = int(counts[i])
            self._exclude_if_empty(name, c, c > 0 and ordered[i, 0] == ordered[i, c - 1])
            if name not in self.reasons:
                keep.append(i)
        if len(keep) < len(numeric_names):
            ordered, counts = ordered[keep], counts[keep]
        self._numeric = NumericReference.from_sorted(
            tuple(numeric_names[i] for i in keep), ordered, counts)
        categorical: dict[str, tuple[pd.Index, np.ndarray]] = {}
        for name in present:
            if self.kinds[name] == "categorical":
                levels, level_count = level_counts(reference[name])
                self._exclude_if_empty(name, int(level_count.sum()), len(levels) == 1)
                if name not in self.reasons:
                    categorical[name] = (levels, level_count)
        self._categorical = CategoricalReference.from_counts(tuple(categorical),
                                                             list(categorical.values()))

    def _exclude_if_empty(self, name: str, n_present: int, constant: bool) -> None:
        """Record the missing count of a reference column and why it cannot be tested."""
        self.missing[name] = self.n_rows - n_present
        if self.n_rows == 0:
            self.reasons[name] = EMPTY_REFERENCE
        elif n_present == 0:
            self.reasons[name] = ALL_MISSING_REFERENCE
        elif constant:
            self.reasons[name] = CONSTANT_REFERENCE

    def compare(self, current: pd.DataFrame, *, alpha: float | None = None,
                correction: corr.Correction = "bh",
                importances: Mapping[str, float] | None = None,
                min_effect: Mapping[str, float] | None = None,
                warning_share: float | None = None, alert_share: float | None = None,
                min_rows: int | None = None, settings: Settings | None = None) -> DriftResult:
        """Drift of ``current`` against this reference (``None`` = the ``Settings`` default)."""
        conf = _settings(alpha, correction, min_effect, warning_share, alert_share, min_rows,
                         settings)
        weights = self.importances if importances is None else dict(importances)
        rows = {name: _blank_row(name, kind, weights) for name, kind in self.kinds.items()}
        for name, reason in self.reasons.items():
            rows[name]["reason"] = reason
        m = len(current)
        for name in self.kinds:
            if name not in current.columns and name not in self.reasons:
                rows[name]["reason"] = NOT_IN_CURRENT
        missing = self._fill_numeric(current, rows)
        missing.update(self._fill_categorical(current, rows))
        self._fill_missing(current, rows, missing)
        frame = features_frame(list(rows.values()))
        if m == 0:
            frame.loc[frame["reason"].isna(), "reason"] = EMPTY_CURRENT
        _verdict(frame, conf)
        return DriftResult(frame, self.n_rows, m, conf)

    def _fill_numeric(self, current: pd.DataFrame, rows: dict[str, dict[str, Any]]
                      ) -> dict[str, int]:
        """Test the numeric columns; returns the window's missing count of each."""
        ref = self._numeric
        if not ref.names or len(current) == 0:
            return {}
        absent = np.full(len(current), np.nan)
        data = numeric_batch(ref, [current[name].to_numpy(dtype=np.float64, na_value=np.nan)
                                   if name in current.columns else absent
                                   for name in ref.names])
        test, gate = registry.test_for("numeric"), registry.gate_for("numeric")
        stat, p = test.batch(data)
        effect = gate.batch(data)
        psi = registry.get("psi").batch(data)
        for i, name in enumerate(ref.names):
            _fill(rows[name], test.name, stat[i], p[i], gate.name, effect[i], psi[i],
                  data.n_ref[i], data.n_cur[i])
        return {name: len(current) - int(data.n_cur[i]) for i, name in enumerate(ref.names)}

    def category_shares(self, current: pd.DataFrame) -> pd.DataFrame:
        """Each tested categorical column's level shares in the reference and in ``current``
        (``categorical.level_shares``), counted by the kernel the tests use."""
        ref = self._categorical
        missing_col = pd.Series(np.full(len(current), np.nan))
        columns = [current[n] if n in current.columns else missing_col for n in ref.names]
        return level_shares(ref, categorical_batch(ref, columns))

    def _fill_categorical(self, current: pd.DataFrame, rows: dict[str, dict[str, Any]]
                          ) -> dict[str, int]:
        """Test the categorical columns; returns the window's missing count of each."""
        ref = self._categorical
        if not ref.names or len(current) == 0:
            return {}
        missing_col = pd.Series(np.full(len(current), np.nan))
        columns = [current[n] if n in current.columns else missing_col for n in ref.names]
        data = categorical_batch(ref, columns)
        test, gate = registry.test_for("categorical"), registry.gate_for("categorical")
        stat, p = test.batch(data)
        effect = gate.batch(data)
        psi = registry.get("psi").batch(data)
        n_ref, n_cur = data.n_ref, data.n_cur
        for i, name in enumerate(ref.names):
            _fill(rows[name], test.name, stat[i], p[i], gate.name, effect[i], psi[i],
                  n_ref[i], n_cur[i])
        return {name: int(data.missing_cur[i]) for i, name in enumerate(ref.names)}

    def _fill_missing(self, current: pd.DataFrame, rows: dict[str, dict[str, Any]],
                      counted: dict[str, int]) -> None:
        """Missing shares and their test, for every column present in both frames."""
        names = [n for n in self.missing if n in current.columns]
        if not names or len(current) == 0 or self.n_rows == 0:
            return
        cur_missing = [counted[n] if n in counted else _count_missing(current[n], self.kinds[n])
                       for n in names]
        share_ref, share_cur, p = registry.get("missing_rate").batch(
            np.full(len(names), self.n_rows), np.array([self.missing[n] for n in names]),
            np.full(len(names), len(current)), np.array(cur_missing))
        for i, name in enumerate(names):
            rows[name].update(missing_ref=share_ref[i], missing_cur=share_cur[i],
                              missing_p_value=p[i])


def compare(reference: pd.DataFrame, current: pd.DataFrame, *, alpha: float | None = None,
            correction: corr.Correction = "bh", columns: Columns = None,
            importances: Mapping[str, float] | None = None,
            min_effect: Mapping[str, float] | None = None, warning_share: float | None = None,
            alert_share: float | None = None, min_rows: int | None = None,
            settings: Settings | None = None) -> DriftResult:
    """One-shot drift of ``current`` against ``reference``; same result as ``Reference.compare``."""
    return Reference(reference, importances=importances, columns=columns).compare(
        current, alpha=alpha, correction=correction, min_effect=min_effect,
        warning_share=warning_share, alert_share=alert_share, min_rows=min_rows,
        settings=settings)


def _settings(alpha: float | None, correction: corr.Correction,
              min_effect: Mapping[str, float] | None, warning_share: float | None,
              alert_share: float | None, min_rows: int | None,
              settings: Settings | None) -> DriftSettings:
    s = (settings or get_settings()).drift
    if correction not in corr.CORRECTIONS:
        raise ValueError(f"unknown correction {correction!r}; use one of {corr.CORRECTIONS}")
    effects = {m.name: _threshold(s, m) for m in registry.REGISTRY.values() if m.gate}
    effects.update(min_effect or {})
    unknown = set(effects) - {m.name for m in registry.REGISTRY.values() if m.gate}
    if unknown:
        raise ValueError(f"min_effect names no gating effect size: {sorted(unknown)}")
    conf = DriftSettings(
        alpha=s.alpha if alpha is None else float(alpha), correction=correction,
        warning_share=s.warning_share if warning_share is None else float(warning_share),
        alert_share=s.alert_share if alert_share is None else float(alert_share),
        min_rows=s.min_rows if min_rows is None else int(min_rows),
        min_missing_change=_threshold(s, registry.get("missing_rate")), min_effect=effects)
    if not 0 < conf.alpha < 1 or not 0 <= conf.warning_share <= conf.alert_share <= 1:
        raise ValueError("need 0 < alpha < 1 and 0 <= warning_share <= alert_share <= 1")
    return conf


def _threshold(drift: DriftConfig, method: registry.DriftMethod) -> float:
    """The value of the drift setting that ``method`` registered as its threshold."""
    if method.setting is None:
        raise LookupError(f"drift method {method.name!r} has no threshold setting")
    return float(getattr(drift, method.setting))


def _blank_row(name: str, kind: Kind, importances: Mapping[str, float] | None
               ) -> dict[str, Any]:
    weight = np.nan if importances is None else float(importances.get(name, 0.0))
    return {"feature": name, "kind": kind, "test": None, "statistic": np.nan,
            "p_value": np.nan, "p_adjusted": np.nan, "effect_name": None,
            "effect_size": np.nan, "psi": np.nan, "drifted": False, "importance": weight,
            "n_ref": 0, "n_cur": 0, "missing_ref": np.nan, "missing_cur": np.nan,
            "missing_p_value": np.nan, "missing_p_adjusted": np.nan, "missing_shift": False,
            "reason": None}


def _fill(row: dict[str, Any], test: str, stat: float, p: float, effect_name: str,
          effect: float, psi: float, n_ref: int, n_cur: int) -> None:
    row.update(n_ref=int(n_ref), n_cur=int(n_cur))
    if row["reason"] is not None:
        return
    if n_cur == 0:
        row["reason"] = ALL_MISSING_CURRENT
        return
    row.update(test=test, statistic=float(stat), p_value=float(p), effect_name=effect_name,
               effect_size=float(effect), psi=float(psi))


def _verdict(frame: pd.DataFrame, conf: DriftSettings) -> None:
    """Corrected p-values, drift flags and missing-shift flags, in place."""
    tested = frame["reason"].isna().to_numpy()
    p = np.where(tested, frame["p_value"].to_numpy(dtype=np.float64), np.nan)
    frame["p_adjusted"] = corr.adjust(p, conf.correction)  # type: ignore[arg-type]
    minimum = frame["effect_name"].map(conf.min_effect).to_numpy(dtype=np.float64)
    frame["drifted"] = (tested & (frame["p_adjusted"].to_numpy() < conf.alpha)
                        & (frame["effect_size"].to_numpy() >= minimum))
    mp = frame["missing_p_value"].to_numpy(dtype=np.float64)
    frame["missing_p_adjusted"] = corr.adjust(mp, conf.correction)  # type: ignore[arg-type]
    change = np.abs(frame["missing_cur"].to_numpy() - frame["missing_ref"].to_numpy())
    frame["missing_shift"] = (frame["missing_p_adjusted"].to_numpy() < conf.alpha) & (
        change >= conf.min_missing_change)


def _sorted_numeric(frame: pd.DataFrame, names: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """The numeric columns as float64 rows, sorted in place with missing (NaN, ±inf) last."""
    values = np.empty((len(names), len(frame)))
    for i, name in enumerate(names):
        values[i] = frame[name].to_numpy(dtype=np.float64, na_value=np.nan)
    sort_rows(values)
    return values, finite_sorted(values)


def _count_missing(column: pd.Series, kind: Kind) -> int:
    """Missing values of a column the kernels did not see (excluded on the reference side)."""
    if kind == "numeric":
        return int((~np.isfinite(column.to_numpy(dtype=np.float64, na_value=np.nan))).sum())
    return int(column.isna().sum())


def _numeric_dtype(column: pd.Series) -> bool:
    return bool(pd.api.types.is_numeric_dtype(column.dtype)
                and not pd.api.types.is_bool_dtype(column.dtype))
