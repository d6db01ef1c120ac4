"""The report's written part: a KPI table with healthy bands, and a summary in sentences,
both generated from the numbers (nothing in them is written by hand). Every verdict is
``analytics.health``'s, the one the dashboard shows and the alert check fires on."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd

from creditwatch.analytics import health
from creditwatch.config import Settings
from creditwatch.performance import health as model_health

_Fmt = Callable[[Any], str]


def _pct(v: Any) -> str:
    return "–" if v is None else f"{v:.1%}"


def _ms(v: Any) -> str:
    return "–" if v is None else f"{v:.1f} ms"


def _int(v: Any) -> str:
    return "–" if v is None else f"{int(v):,}"


def _change(delta: Any, delta_pct: Any, fmt: _Fmt) -> str:
    if delta is None:
        return "–"
    if fmt is _pct:  # rates change in percentage points
        return f"{delta * 100:+.1f} pt"
    if delta_pct is not None:
        return f"{delta_pct:+.1%}"
    return f"{delta:+,.0f}" if fmt is _int else f"{delta:+,.1f}"


ROWS: tuple[tuple[str, str, _Fmt], ...] = (
    ("total_predictions", "Predictions", _int), ("approval_rate", "Approval rate", _pct),
    ("error_rate", "Error rate", _pct), ("latency_mean_ms", "Mean latency", _ms),
    ("latency_p95_ms", "P95 latency", _ms), ("latency_p99_ms", "P99 latency", _ms),
    ("n_alerts", "Alerts fired", _int),
)
# The verdict (``health.judge`` kind) of each judged row.
JUDGED = {"approval_rate": "approval_rate", "error_rate": "error_rate",
          "latency_mean_ms": "latency_mean", "latency_p95_ms": "latency_p95"}


def kpi_table(kpis: dict[str, Any], settings: Settings) -> pd.DataFrame:
    """One row per KPI: this period, the previous one, the change, and its healthy band."""
    verdicts = health.judge(kpis, settings)
    previous = kpis["previous"] or {}
    rows = []
    for key, label, fmt in ROWS:
        band = verdicts[JUDGED[key]] if key in JUDGED else None
        rows.append({"KPI": label, "this period": fmt(kpis[key]),
                     "previous period": fmt(previous.get(key)) if previous else "–",
                     "change": _change(kpis["delta"][key], kpis["delta_pct"][key], fmt),
                     "status": band.level if band else "", "band": band.text if band else ""})
    return pd.DataFrame(rows).set_index("KPI")


def summarize(kpis: dict[str, Any], *, latest_drift: dict[str, Any] | None,
              alerts: pd.DataFrame, cost: dict[str, Any] | None, settings: Settings,
              period_text: str, model: dict[str, Any] | None = None) -> str:
    """A short Markdown summary of the period, every figure taken from the arguments;
    ``model`` is the newest performance report (``Store.latest_performance_reports``)."""
    n = kpis["total_predictions"]
    if not n:
        return (f"**No predictions in {period_text}.** Generate traffic with "
                "`creditwatch simulate` (or `make demo`) and run the report again.")
    change = _change(kpis["delta"]["total_predictions"], kpis["delta_pct"]["total_predictions"],
                     _int)
    lines = [f"**{period_text}**: {n:,} predictions"
             + (f" ({change} on the previous period)" if kpis["previous"] else "") + "."]
    judged = health.judge(kpis, settings)
    verdicts = {"approval rate": (judged["approval_rate"], _pct(kpis["approval_rate"])),
                "error rate": (judged["error_rate"], _pct(kpis["error_rate"])),
                "mean latency": (judged["latency_mean"], _ms(kpis["latency_mean_ms"])),
                "P95 latency": (judged["latency_p95"], _ms(kpis["latency_p95_ms"]))}
    lines += [f"- {name.capitalize()} {value}: {v.level} ({v.text})."
              for name, (v, value) in verdicts.items()]
    lines.append(f"- P99 latency {_ms(kpis['latency_p99_ms'])}.")
    drift_verdict = judged["drift"]
    if latest_drift:
        lines.append(
            f"- Latest drift check ({latest_drift['window_start']:%Y-%m-%d %H:%M} → "
            f"{latest_drift['window_end']:%Y-%m-%d %H:%M}): {latest_drift['status']}, "
            f"{latest_drift['n_features_drifted']} of {latest_drift['n_features_analyzed']} "
            f"features drifted ({_pct(latest_drift['drift_share'])}): {drift_verdict.text}.")
    else:
        lines.append("- No drift check has been stored yet (`creditwatch drift run`).")
    if len(alerts):
        kinds = ", ".join(f"{k} ×{c}" for k, c in alerts["kind"].value_counts().items())
        lines.append(f"- {len(alerts)} alert(s) fired in the period: {kinds}.")
    else:
        lines.append("- No alert fired in the period.")
    if cost:
        lines.append(f"- Expected cost of the decisions: {cost['expected_cost']:,.1f} "
                     f"({cost['cost_per_application']:.3f} per application; approving "
                     f"everyone would cost {cost['approve_all_cost']:,.1f}).")
    model_level, model_text = model_health.headline(model, settings)
    lines.append(f"- {model_text}")
    attention = [name for name, (v, _) in verdicts.items() if v.level != health.GOOD]
    if drift_verdict.level in (health.WARN, health.BAD):
        attention.append("data drift")
    if model_level == health.BAD:
        attention.append("model performance")
    lines.append("\n**Verdict:** " + ("attention needed on " + ", ".join(attention) + "."
                                      if attention else "every indicator is in its healthy band."))
    return "\n".join(lines)
