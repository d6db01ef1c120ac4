"""Operational aggregates: KPIs, volume, latency, HTTP statuses, slow requests, anomalies.

Latency is the stored ``total_ms`` (server time from request start to the answer); the
error rate is rejected or failed scoring requests (``anomalies`` of /predict and
/predict-batch) over every scoring request (predictions plus those anomalies). ``kpis``
is the one computation of a window's KPIs: the dashboard, the reports and the alert check
read them here and judge them with ``health``.
Percentiles interpolate linearly between order statistics (DuckDB ``quantile_cont``, same
as numpy's default).
"""

from __future__ import annotations

from typing import Any

import orjson
import pandas as pd

from creditwatch.analytics.core import AnalyticsBase, bucket_key, bucket_time, plain, ratio
from creditwatch.analytics.monitoring import LATEST_REPORT
from creditwatch.scoring.scorer import APPROVED
from creditwatch.windows import Period, Window

STAGES = ("preprocessing_ms", "inference_ms", "total_ms")
# The rejected scoring requests: the error rate, volume and status counts are about scoring
# (an outcome naming an unknown prediction is an anomaly too, but not a failed request).
SCORING_ANOMALIES = ("(SELECT * FROM anomalies WHERE endpoint IN ('/predict', "
                     "'/predict-batch')) AS anomalies")
KPI_KEYS = ("total_predictions", "approved", "refused", "approval_rate", "n_errors",
            "error_rate", "latency_mean_ms", "latency_p50_ms", "latency_p95_ms",
            "latency_p99_ms", "mean_probability", "mean_data_quality", "n_alerts")


class OperationsMixin(AnalyticsBase):
    def kpis(self, period: Period = "24h") -> dict[str, Any]:
        """The KPI page in one call: this period's figures, the previous period's, and the
        change (``delta``: current - previous; ``delta_pct``: relative change) of each, plus
        the latest drift verdict. Each table is scanned once for both periods."""
        window = self.window(period)
        prev_window = window.previous()
        windows = [window] if prev_window is None else [window, prev_window]
        figures = self._kpi_figures(windows)
        current, previous = figures[0], figures[1] if prev_window is not None else None
        delta: dict[str, float | None] = {}
        delta_pct: dict[str, float | None] = {}
        for key in KPI_KEYS:
            now, before = current[key], previous[key] if previous else None
            delta[key] = now - before if now is not None and before is not None else None
            delta_pct[key] = ratio(delta[key], before)
        latest = self._row(f"SELECT status, drift_share, created_at {LATEST_REPORT}")
        return {**current, "period": window.label, "start": window.start, "end": window.end,
                "previous": previous, "delta": delta, "delta_pct": delta_pct,
                "drift_status": latest.get("status"), "drift_share": latest.get("drift_share"),
                "drift_checked_at": latest.get("created_at")}

    def _kpi_figures(self, windows: list[Window]) -> list[dict[str, Any]]:
        """Each window's KPI figures; one grouped scan per table (window index ``k``)."""
        def which(column: str, params: dict[str, Any]) -> tuple[str, str]:
            conds = [self._bounds(column, w, params, str(k)) for k, w in enumerate(windows)]
            case = " ".join(f"WHEN {c} THEN {k}" for k, c in enumerate(conds))
            return f"CASE {case} END", " OR ".join(f"({c})" for c in conds)

        params: dict[str, Any] = {"approved": APPROVED}
        k, scope = which(self.time_column, params)
        pred = self._query(f"""
            SELECT k, count(*) AS total_predictions,
                   count(*) FILTER (WHERE decision = $approved) AS approved,
                   avg(total_ms) AS latency_mean_ms,
                   quantile_cont(total_ms, [0.5, 0.95, 0.99]) AS q,
                   avg(probability) AS mean_probability,
                   avg(data_quality_score) AS mean_data_quality
            FROM (SELECT {k} AS k, decision, total_ms, probability, data_quality_score
                  FROM predictions WHERE {scope}) GROUP BY k""", params)
        counts: dict[str, dict[int, int]] = {}
        for name, table, column in (("n_errors", SCORING_ANOMALIES, "occurred_at"),
                                    ("n_alerts", "alerts", "fired_at")):
            p: dict[str, Any] = {}
            k, scope = which(column, p)
            frame = self._query(f"SELECT {k} AS k, count(*) AS n FROM {table} WHERE {scope} "
                                "GROUP BY 1", p)
            counts[name] = dict(zip(frame["k"].tolist(), frame["n"].tolist(), strict=True))
        rows = {int(r["k"]): r for r in pred.to_dict("records")}
        out = []
        for i in range(len(windows)):
            row = rows.get(i, {})
            n, approved = int(row.get("total_predictions", 0)), int(row.get("approved", 0))
            errors, q = counts["n_errors"].get(i, 0), row.get("q")
            # A window without timings has a NULL list (None or NaN once in pandas).
            quantiles = [plain(v) for v in q] if q is not None and hasattr(q, "__len__") else [None] * 3
            p50, p95, p99 = quantiles
            out.append({
                "total_predictions": n, "approved": approved, "refused": n - approved,
                "approval_rate": ratio(approved, n), "n_errors": errors,
                "error_rate": ratio(errors, n + errors),
                "latency_mean_ms": plain(row.get("latency_mean_ms")), "latency_p50_ms": p50,
                "latency_p95_ms": p95, "latency_p99_ms": p99,
                "mean_probability": plain(row.get("mean_probability")),
                "mean_data_quality": plain(row.get("mean_data_quality")),
                "n_alerts": counts["n_alerts"].get(i, 0)})
        return out

    def coverage(self) -> dict[str, Any]:
        """What the store holds: counts, first and last prediction, model versions."""
        col = self.time_column
        self._covered(col, None)
        row = self._row(f"SELECT count(*) AS n_predictions, min({col}) AS first, "
                        f"max({col}) AS last, count(DISTINCT model_version) AS n_models "
                        "FROM predictions")
        row["n_anomalies"] = self._row("SELECT count(*) AS n FROM anomalies")["n"]
        row["n_drift_reports"] = self._row("SELECT count(*) AS n FROM drift_reports")["n"]
        row["n_alerts"] = self._row("SELECT count(*) AS n FROM alerts")["n"]
        versions = self._query("SELECT model_version, count(*) AS n FROM predictions "
                               "GROUP BY 1 ORDER BY 2 DESC, 1")
        row["model_versions"] = dict(zip(versions["model_version"], versions["n"].tolist(),
                                         strict=True))
        return row

    def volume(self, period: Period = "24h", freq: str = "auto") -> pd.DataFrame:
        """Predictions, approvals and errors per time bucket (empty buckets are zeros)."""
        window = self.window(period)
        col = self.time_column
        unit = self._freq(freq, window, col, "predictions")
        params: dict[str, Any] = {"approved": APPROVED}
        where = self._bounds(col, window, params)
        where_a = self._bounds("occurred_at", window, params)
        key, key_a = bucket_key(col, unit), bucket_key("occurred_at", unit)
        frame = self._query(f"""
            WITH p AS (SELECT {key} AS k, count(*) AS n_predictions,
                              count(*) FILTER (WHERE decision = $approved) AS n_approved
                       FROM predictions WHERE {where} GROUP BY 1),
                 a AS (SELECT {key_a} AS k, count(*) AS n_errors
                       FROM {SCORING_ANOMALIES} WHERE {where_a} GROUP BY 1),
                 b AS (SELECT unnest(range(min(k), max(k) + 1)) AS k
                       FROM (SELECT k FROM p UNION ALL SELECT k FROM a))
            SELECT {bucket_time("b.k", unit)} AS bucket, coalesce(p.n_predictions, 0) AS n_predictions,
                   coalesce(p.n_approved, 0) AS n_approved, coalesce(a.n_errors, 0) AS n_errors
            FROM b LEFT JOIN p USING (k) LEFT JOIN a USING (k)
            WHERE b.k IS NOT NULL ORDER BY b.k""", params)
        frame.attrs["freq"] = unit
        return frame

    def latency_summary(self, period: Period = "24h") -> pd.DataFrame:
        """Per stage (preprocessing, inference, total): count, mean, min, quartiles, p95,
        p99, max, and Tukey whiskers (the most extreme values within 1.5 IQR) for box plots."""
        params: dict[str, Any] = {}
        where = self._bounds(self.time_column, self.window(period), params)
        # One pass for every quantile (list form), one for the whiskers (FILTERed min/max):
        # three times faster than unpivoting and probing per stage (same values).
        cols = ", ".join(STAGES)
        stats = ", ".join(
            f"count({s}) AS {s}_n, avg({s}) AS {s}_mean, min({s}) AS {s}_min, max({s}) AS {s}_max, "
            f"quantile_cont({s}, [0.25, 0.5, 0.75, 0.95, 0.99]) AS {s}_q" for s in STAGES)
        fences = ", ".join(
            f"min({s}) FILTER (WHERE {s} >= q.{s}_q[1] - 1.5 * (q.{s}_q[3] - q.{s}_q[1])) AS {s}_lo, "
            f"max({s}) FILTER (WHERE {s} <= q.{s}_q[3] + 1.5 * (q.{s}_q[3] - q.{s}_q[1])) AS {s}_hi"
            for s in STAGES)
        wide = self._query(f"""
            WITH p AS (SELECT {cols} FROM predictions WHERE {where}),
                 q AS (SELECT {stats} FROM p)
            SELECT q.*, {fences} FROM p, q GROUP BY ALL""", params)
        rows = []
        for s in STAGES:
            if wide.empty or not wide[f"{s}_n"].iloc[0]:
                continue
            w = wide.iloc[0]
            q = list(w[f"{s}_q"])
            rows.append({"stage": s, "n": int(w[f"{s}_n"]), "mean": w[f"{s}_mean"],
                         "min": w[f"{s}_min"], "q1": q[0], "p50": q[1], "q3": q[2], "p95": q[3],
                         "p99": q[4], "max": w[f"{s}_max"], "lower_fence": w[f"{s}_lo"],
                         "upper_fence": w[f"{s}_hi"]})
        return pd.DataFrame(rows, columns=["stage", "n", "mean", "min", "q1", "p50", "q3", "p95",
                                           "p99", "max", "lower_fence", "upper_fence"])

    def latency_over_time(self, period: Period = "24h", freq: str = "auto") -> pd.DataFrame:
        """Total latency per time bucket: count, mean, p50, p95, p99."""
        window = self.window(period)
        col = self.time_column
        unit = self._freq(freq, window, col, "predictions")
        params: dict[str, Any] = {}
        where = self._bounds(col, window, params)
        frame = self._query(f"""
            SELECT {bucket_time("k", unit)} AS bucket, n, mean, q[1] AS p50, q[2] AS p95,
                   q[3] AS p99
            FROM (SELECT {bucket_key(col, unit)} AS k, count(total_ms) AS n, avg(total_ms) AS mean,
                         quantile_cont(total_ms, [0.5, 0.95, 0.99]) AS q
                  FROM predictions WHERE {where} GROUP BY 1) ORDER BY k""", params)
        frame.attrs["freq"] = unit
        return frame

    def slowest_requests(self, period: Period = "24h", n: int = 10) -> pd.DataFrame:
        """The ``n`` predictions with the highest total latency, slowest first."""
        params: dict[str, Any] = {"n": int(n)}
        where = self._bounds(self.time_column, self.window(period), params)
        return self._query(f"""
            SELECT request_id, received_at, endpoint, model_version, total_ms,
                   preprocessing_ms, inference_ms, decision, probability
            FROM predictions WHERE {where} AND total_ms IS NOT NULL
            ORDER BY total_ms DESC, id LIMIT $n""", params)

    def http_status_counts(self, period: Period = "24h") -> pd.DataFrame:
        """Answers per HTTP status (answered predictions are 200s; rejections and failures
        come from the anomalies), with the status class: 2xx, 4xx or 5xx."""
        window = self.window(period)
        params: dict[str, Any] = {}
        where = self._bounds(self.time_column, window, params)
        where_a = self._bounds("occurred_at", window, params)
        return self._query(f"""
            SELECT http_status, (http_status // 100)::VARCHAR || 'xx' AS status_class,
                   count(*) AS count
            FROM (SELECT http_status FROM predictions WHERE {where}
                  UNION ALL SELECT http_status FROM {SCORING_ANOMALIES} WHERE {where_a})
            GROUP BY 1 ORDER BY 1""", params)

    def anomaly_kinds(self, period: Period = "24h") -> pd.DataFrame:
        """Rejected or failed requests per kind and status."""
        params: dict[str, Any] = {}
        where = self._bounds("occurred_at", self.window(period), params)
        return self._query(f"""
            SELECT kind, http_status, count(*) AS count FROM anomalies WHERE {where}
            GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2""", params)

    def latest_anomalies(self, period: Period = "24h", n: int = 20) -> pd.DataFrame:
        """The ``n`` most recent anomalies, with their field errors as ``field: message``."""
        params: dict[str, Any] = {"n": int(n)}
        where = self._bounds("occurred_at", self.window(period), params)
        frame = self._query(f"""
            SELECT occurred_at, request_id, endpoint, kind, http_status, errors
            FROM anomalies WHERE {where} ORDER BY occurred_at DESC, id DESC LIMIT $n""", params)
        frame["field_errors"] = [field_errors(text) for text in frame["errors"]]
        return frame


def field_errors(text: str | None) -> str:
    """A stored ``errors`` document as ``FIELD: message; ...`` (batch errors included)."""
    if text is None or (isinstance(text, float) and pd.isna(text)):
        return ""
    try:
        data = orjson.loads(text)
    except orjson.JSONDecodeError:
        return str(text)[:300]
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "field" in node and ("message" in node or "kind" in node):
                found.append(f"{node['field']}: {node.get('message') or node.get('kind')}")
                return
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(data)
    return "; ".join(found) if found else str(plain(data))[:300]
