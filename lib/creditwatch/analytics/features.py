"""Feature distributions for drift drill-downs: the reference sample against a window.

The window side is the raw input value of each prediction (what the drift engine tests),
read from the inputs JSON by the store for the one feature asked (model-derived features,
absent from the inputs, come from ``feature_values``). Each feature's values are cached in
the local copy the first time it is asked for and topped up by id afterwards, so a
drill-down costs the store one pass per feature, not one per chart. The reference side is
the stored training reference of the model version (``training_reference``), read once.
Windows here are in application time, the drift windows' clock.

Numeric features: ``bins`` equal-width bins between the 0.5th and 99.5th percentiles of the
two samples together (values beyond are counted in the end bins, so one outlier does not
flatten the chart); categorical ones: counts per level. Shares are over each side's
non-missing values.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
from sqlalchemy import Float, String, cast

from creditwatch.analytics.core import AnalyticsBase, bin_sql
from creditwatch.analytics.fetch import TIMESTAMP, Column, build_select, fetch_arrow
from creditwatch.schema import FIELD_BY_NAME
from creditwatch.store.models import FEATURE_VALUES, PREDICTIONS
from creditwatch.windows import Period

CLIP = 0.005  # share of each tail folded into the end bins


class FeaturesMixin(AnalyticsBase):
    _feature_last: dict[str, int]
    _references: dict[tuple[str | None, str], pd.Series]
    _feature_generation: int

    def _feature_state(self) -> None:
        if not hasattr(self, "_feature_last") or self._feature_generation != self.copy.generation:
            with self.copy.lock:
                self.copy.con.execute("CREATE OR REPLACE TABLE feature_cache (id BIGINT, "
                                      "feature VARCHAR, application_time TIMESTAMPTZ, "
                                      "num DOUBLE, cat VARCHAR)").fetchall()
            self._feature_last, self._references = {}, {}
            self._feature_generation = self.copy.generation

    def _load_feature(self, feature: str) -> None:
        """Copy the feature's values of the predictions not cached yet."""
        self._fresh()
        self._feature_state()
        last = self._feature_last.get(feature, 0)
        field = FIELD_BY_NAME.get(feature)
        if field is None:  # a model-derived feature: only in feature_values
            fv = FEATURE_VALUES
            columns = (Column("id", fv.c.prediction_id, pa.int64()),
                       Column("application_time", fv.c.application_time, TIMESTAMP),
                       Column("num", fv.c.value, pa.float64()))
            stmt = build_select(self.store, columns).where(
                fv.c.feature == feature, fv.c.prediction_id > last).order_by(fv.c.prediction_id)
        else:
            value = PREDICTIONS.c.inputs[feature]
            text = field.dtype == "str"
            expr = cast(value.as_string(), String) if text else cast(value.as_float(), Float)
            columns = (Column("id", PREDICTIONS.c.id, pa.int64()),
                       Column("application_time", PREDICTIONS.c.application_time, TIMESTAMP),
                       Column("cat" if text else "num", expr,
                              pa.string() if text else pa.float64()))
            stmt = build_select(self.store, columns).where(PREDICTIONS.c.id > last).order_by(
                PREDICTIONS.c.id)
        table = fetch_arrow(self.store, stmt, columns)
        if table.num_rows:
            names = ", ".join(table.column_names)
            with self.copy.lock:
                self.copy.con.register("_feature", table)
                try:
                    self.copy.con.execute(
                        f"INSERT INTO feature_cache (feature, {names}) "
                        f"SELECT $f, {names} FROM _feature", {"f": feature}).fetchall()
                finally:
                    self.copy.con.unregister("_feature")
            self._feature_last[feature] = int(table.column("id")[-1].as_py())

    def reference_values(self, feature: str, model_version: str | None = None) -> pd.Series:
        """The feature's values in the stored training reference (latest version by
        default); empty when no reference or no such column is stored."""
        self._feature_state()
        key = (model_version, feature)
        if key not in self._references:
            stored = self.store.read_reference(model_version, columns=[feature])
            if stored is None or feature not in stored.data.columns:
                self._references[key] = pd.Series([], dtype="float64", name=feature)
            else:
                self._references[key] = stored.data[feature].rename(feature)
        return self._references[key]

    def feature_distribution(self, feature: str, period: Period = "7d", *, bins: int = 30,
                             model_version: str | None = None) -> pd.DataFrame:
        """Reference against window for one feature (see the module docstring).

        Numeric: bin, bin_left, bin_right, reference_count, current_count, reference_share,
        current_share. Categorical: category and the same counts and shares. ``attrs``
        holds the kind and each side's number of values and missing values.
        """
        self._load_feature(feature)
        field = FIELD_BY_NAME.get(feature)
        kind = field.kind if field is not None else "numeric"
        reference = self.reference_values(feature, model_version)
        params: dict[str, Any] = {"f": feature}
        where = self._bounds("application_time", self.window(period), params)
        if kind == "numeric":
            ref = pa.table({"x": pd.to_numeric(reference, errors="coerce").to_numpy(
                dtype=np.float64, na_value=np.nan)})
            frame = self._numeric(ref, where, params, bins)
        else:
            ref = pa.table({"x": pa.array(_labels(reference), type=pa.string())})
            frame = self._categorical(ref, where, params, text=field is not None
                                      and field.dtype == "str")
        frame.attrs.update(feature=feature, kind=kind)
        return frame

    def _with_reference(self, ref: pa.Table, sql: str, params: dict[str, Any]) -> pd.DataFrame:
        self._fresh()
        with self.copy.lock:
            self.copy.con.register("_ref", ref)
            try:
                return self.copy.con.execute(sql, params).df()
            finally:
                self.copy.con.unregister("_ref")

    def _numeric(self, ref: pa.Table, where: str, params: dict[str, Any], bins: int
                 ) -> pd.DataFrame:
        params.update(bins=int(bins), lo_q=CLIP, hi_q=1 - CLIP)
        counts = self._with_reference(ref, f"""
            WITH v AS (SELECT 'reference' AS side, x FROM _ref WHERE isfinite(x)
                       UNION ALL SELECT 'current', num FROM feature_cache
                       WHERE feature = $f AND {where} AND isfinite(num)),
                 e AS (SELECT min(lo) AS lo, max(hi) AS hi FROM (
                           SELECT quantile_cont(x, $lo_q) AS lo, quantile_cont(x, $hi_q) AS hi
                           FROM v GROUP BY side)),
                 b AS (SELECT side, {bin_sql("x", "lo", "(greatest(hi - lo, 1e-12) / $bins)",
                                             "$bins")} AS bin
                       FROM v, e)
            SELECT side, bin, count(*) AS count, any_value(lo) AS lo, any_value(hi) AS hi
            FROM b, e GROUP BY side, bin""", params)
        grid = pd.DataFrame({"bin": range(bins)})
        lo = counts["lo"].iloc[0] if len(counts) else 0.0
        width = (max(counts["hi"].iloc[0] - lo, 1e-12) if len(counts) else 1.0) / bins
        grid["bin_left"] = lo + grid["bin"] * width
        grid["bin_right"] = lo + (grid["bin"] + 1) * width
        return _sides(grid, counts, "bin")

    def _categorical(self, ref: pa.Table, where: str, params: dict[str, Any], *, text: bool
                     ) -> pd.DataFrame:
        # Integer-coded levels (0/1 flags) are cached as numbers: label them as integers.
        value = "cat" if text else ("CASE WHEN num = floor(num) THEN CAST(num AS BIGINT)::VARCHAR"
                                    " ELSE num::VARCHAR END")
        counts = self._with_reference(ref, f"""
            SELECT side, x AS category, count(*) AS count FROM (
                SELECT 'reference' AS side, x FROM _ref WHERE x IS NOT NULL
                UNION ALL SELECT 'current', {value} FROM feature_cache
                WHERE feature = $f AND {where} AND {"cat" if text else "num"} IS NOT NULL)
            GROUP BY 1, 2""", params)
        order = counts.groupby("category")["count"].sum().sort_values(ascending=False)
        grid = pd.DataFrame({"category": order.index.tolist()})
        return _sides(grid, counts, "category")


def _sides(grid: pd.DataFrame, counts: pd.DataFrame, key: str) -> pd.DataFrame:
    """Add reference/current counts and shares to ``grid`` (zeros where a side has none)."""
    for side in ("reference", "current"):
        mine = counts[counts["side"] == side].set_index(key)["count"]
        grid[f"{side}_count"] = grid[key].map(mine).fillna(0).astype("int64")
    for side in ("reference", "current"):
        total = grid[f"{side}_count"].sum()
        grid[f"{side}_share"] = grid[f"{side}_count"] / total if total else 0.0
        grid.attrs[f"n_{side}"] = int(total)
    return grid


def _labels(values: pd.Series) -> list[str | None]:
    """Category labels: text as is, integral numbers without a decimal point."""
    out: list[str | None] = []
    for v in values.tolist():
        if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA:
            out.append(None)
        elif isinstance(v, float | np.floating) and float(v).is_integer():
            out.append(str(int(v)))
        else:
            out.append(str(v))
    return out
