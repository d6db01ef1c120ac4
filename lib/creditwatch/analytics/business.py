"""Business aggregates: decisions, score and amount distributions, confidence levels,
approval by credit amount band and by applicant segment, and the expected cost.

Expected cost: production has no outcomes (whether an approved client defaults is known
months later), so the cost of the decisions is *expected* under the model's own
probabilities: an approved application with default probability p costs ``p * cost_fn`` in
expectation (a missed defaulter), a refused one ``(1 - p) * cost_fp`` (a good client
turned away). It is only as right as the model is calibrated, and it is what the
threshold minimises; the "approve all" and "refuse all" policies are given for scale.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import pandas as pd

from creditwatch.analytics.core import AnalyticsBase, bin_sql, ratio
from creditwatch.analytics.tables import SEGMENTS
from creditwatch.scoring.scorer import APPROVED, CONFIDENCE_LEVELS, REFUSED
from creditwatch.windows import Period

# Credit amount bands (lower edges, in the loan's currency); the last band is open.
AMOUNT_BANDS: tuple[float, ...] = (0, 250_000, 500_000, 750_000, 1_000_000, 1_500_000)
MISSING = "(missing)"


class BusinessMixin(AnalyticsBase):
    def decisions(self, period: Period = "24h") -> pd.DataFrame:
        """Predictions per decision, with each decision's share."""
        params: dict[str, Any] = {}
        where = self._bounds(self.time_column, self.window(period), params)
        return self._query(f"""
            SELECT decision, count(*) AS count, count(*) / sum(count(*)) OVER () AS share
            FROM predictions WHERE {where} GROUP BY 1 ORDER BY 2 DESC, 1""", params)

    def probability_histogram(self, period: Period = "24h", bins: int = 20) -> pd.DataFrame:
        """Counts of predicted probabilities in ``bins`` equal bins over [0, 1] (the last
        bin includes 1), per decision: bin, bin_left, bin_right, decision, count."""
        params: dict[str, Any] = {"bins": int(bins)}
        where = self._bounds(self.time_column, self.window(period), params)
        counts = self._query(f"""
            SELECT {bin_sql("probability", "0", "(1.0 / $bins)", "$bins")} AS bin, decision,
                   count(*) AS count
            FROM predictions WHERE {where} AND probability IS NOT NULL GROUP BY 1, 2""", params)
        decisions = [d for d in (APPROVED, REFUSED) if d in set(counts["decision"])]
        decisions += sorted(set(counts["decision"]) - set(decisions))
        grid = pd.MultiIndex.from_product([range(bins), decisions], names=["bin", "decision"])
        frame = (counts.set_index(["bin", "decision"])["count"].reindex(grid, fill_value=0)
                 .reset_index())
        frame.insert(1, "bin_left", frame["bin"] / bins)
        frame.insert(2, "bin_right", (frame["bin"] + 1) / bins)
        return frame

    def confidence_levels(self, period: Period = "24h") -> pd.DataFrame:
        """Predictions per confidence level (LOW, MEDIUM, HIGH, in that order)."""
        params: dict[str, Any] = {}
        where = self._bounds(self.time_column, self.window(period), params)
        counts = self._query(f"""SELECT coalesce(confidence, '{MISSING}') AS confidence,
                                 count(*) AS count FROM predictions WHERE {where} GROUP BY 1""",
                             params).set_index("confidence")["count"]
        levels = [*CONFIDENCE_LEVELS.tolist(), *sorted(set(counts.index) - set(CONFIDENCE_LEVELS))]
        frame = counts.reindex(levels, fill_value=0).rename_axis("confidence").reset_index()
        total = frame["count"].sum()
        frame["share"] = frame["count"] / total if total else 0.0
        return frame

    def decisions_by_amount(self, period: Period = "24h",
                            bands: Sequence[float] = AMOUNT_BANDS) -> pd.DataFrame:
        """Per credit amount band: predictions, approvals, refusals, approval rate and mean
        probability (amounts below the first edge or missing form their own rows)."""
        edges = sorted(float(b) for b in bands)
        params: dict[str, Any] = {"approved": APPROVED}
        where = self._bounds(self.time_column, self.window(period), params)
        cases = " ".join(f"WHEN amt_credit < {hi!r} THEN {i}" for i, hi in enumerate(edges[1:]))
        band = (f"CASE WHEN amt_credit IS NULL THEN -2 WHEN amt_credit < {edges[0]!r} THEN -1 "
                f"{cases} ELSE {len(edges) - 1} END")
        frame = self._query(f"""
            SELECT {band} AS band_index, count(*) AS n,
                   count(*) FILTER (WHERE decision = $approved) AS approved,
                   avg(probability) AS mean_probability
            FROM predictions WHERE {where} GROUP BY 1 ORDER BY 1""", params)
        labels = {-2: MISSING, -1: f"< {_money(edges[0])}"}
        for i, lo in enumerate(edges):
            hi = edges[i + 1] if i + 1 < len(edges) else math.inf
            labels[i] = f"≥ {_money(lo)}" if hi == math.inf else f"{_money(lo)}–{_money(hi)}"
        frame.insert(0, "band", frame["band_index"].map(labels))
        frame["refused"] = frame["n"] - frame["approved"]
        frame["approval_rate"] = frame["approved"] / frame["n"]
        return frame[["band", "band_index", "n", "approved", "refused", "approval_rate",
                      "mean_probability"]]

    def amount_histogram(self, period: Period = "24h", bins: int = 30) -> pd.DataFrame:
        """Credit amounts in ``bins`` equal bins between the period's smallest and largest
        amount, per decision: bin, bin_left, bin_right, decision, count."""
        params: dict[str, Any] = {"bins": int(bins)}
        where = self._bounds(self.time_column, self.window(period), params)
        frame = self._query(f"""
            WITH v AS (SELECT amt_credit AS x, decision FROM predictions
                       WHERE {where} AND amt_credit IS NOT NULL),
                 r AS (SELECT min(x) AS lo, greatest(max(x) - min(x), 1e-9) AS width FROM v)
            SELECT {bin_sql("x", "lo", "(width / $bins)", "$bins")} AS bin,
                   any_value(lo) AS lo, any_value(width) AS width, decision, count(*) AS count
            FROM v, r GROUP BY bin, decision ORDER BY bin, decision""", params)
        step = frame["width"] / bins
        frame.insert(1, "bin_left", frame["lo"] + frame["bin"] * step)
        frame.insert(2, "bin_right", frame["lo"] + (frame["bin"] + 1) * step)
        return frame.drop(columns=["lo", "width"])

    def approval_by_segment(self, period: Period = "24h",
                            segment: str | None = None) -> pd.DataFrame:
        """Approval per value of the main applicant segments (income type, education,
        contract type, gender; or only ``segment``): segment, field, value, n, approved,
        approval_rate, mean_probability, largest groups first."""
        names = [segment] if segment else list(SEGMENTS)
        unknown = set(names) - set(SEGMENTS)
        if unknown:
            raise ValueError(f"unknown segment {sorted(unknown)}: one of {list(SEGMENTS)}")
        params: dict[str, Any] = {"approved": APPROVED}
        where = self._bounds(self.time_column, self.window(period), params)
        parts = [f"""SELECT '{name}' AS segment, '{SEGMENTS[name]}' AS field,
                            coalesce({name}, '{MISSING}') AS value, count(*) AS n,
                            count(*) FILTER (WHERE decision = $approved) AS approved,
                            avg(probability) AS mean_probability
                     FROM predictions WHERE {where} GROUP BY 3""" for name in names]
        frame = self._query(" UNION ALL ".join(parts), params)
        frame["approval_rate"] = frame["approved"] / frame["n"]
        order = {name: i for i, name in enumerate(names)}
        frame = frame.sort_values(["segment", "n", "value"], ascending=[True, False, True],
                                  key=lambda s: s.map(order) if s.name == "segment" else s)
        return frame.reset_index(drop=True)[["segment", "field", "value", "n", "approved",
                                             "approval_rate", "mean_probability"]]

    def expected_cost(self, period: Period = "24h", *, cost_fn: float | None = None,
                      cost_fp: float | None = None) -> dict[str, Any]:
        """The expected cost of the period's decisions (see the module docstring); costs
        default to the configured ones (pass the bundle's to be exact)."""
        fn = self.settings.model.cost_fn if cost_fn is None else float(cost_fn)
        fp = self.settings.model.cost_fp if cost_fp is None else float(cost_fp)
        params: dict[str, Any] = {"approved": APPROVED}
        where = self._bounds(self.time_column, self.window(period), params)
        row = self._row(f"""
            SELECT count(*) AS n, count(*) FILTER (WHERE decision = $approved) AS n_approved,
                   coalesce(sum(probability) FILTER (WHERE decision = $approved), 0)
                       AS expected_defaults_approved,
                   coalesce(sum(1 - probability) FILTER (WHERE decision <> $approved), 0)
                       AS expected_good_refused,
                   coalesce(sum(probability), 0) AS expected_defaults_all,
                   coalesce(sum(1 - probability), 0) AS expected_good_all
            FROM predictions WHERE {where} AND probability IS NOT NULL""", params)
        cost_missed = fn * row["expected_defaults_approved"]
        cost_refused = fp * row["expected_good_refused"]
        total = cost_missed + cost_refused
        return {**row, "n_refused": row["n"] - row["n_approved"], "cost_fn": fn, "cost_fp": fp,
                "cost_missed_defaults": cost_missed, "cost_refused_good": cost_refused,
                "expected_cost": total, "cost_per_application": ratio(total, row["n"]),
                "approve_all_cost": fn * row["expected_defaults_all"],
                "refuse_all_cost": fp * row["expected_good_all"]}

    def thresholds(self, period: Period = "all") -> pd.DataFrame:
        """The decision threshold each model version scored with (as stored with its
        predictions), latest first: model_version, threshold, n, first_seen, last_seen."""
        col = self.time_column
        params: dict[str, Any] = {}
        where = self._bounds(col, self.window(period), params)
        return self._query(f"""
            SELECT model_version, threshold, count(*) AS n, min({col}) AS first_seen,
                   max({col}) AS last_seen
            FROM predictions WHERE {where} GROUP BY 1, 2 ORDER BY last_seen DESC""", params)


def _money(value: float) -> str:
    if value >= 1_000_000:
        return f"{value / 1_000_000:g}M"
    if value >= 1_000:
        return f"{value / 1_000:g}k"
    return f"{value:g}"
