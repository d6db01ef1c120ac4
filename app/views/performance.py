"""Performance: latency by stage and over time, slowest requests, HTTP statuses, anomalies."""

from __future__ import annotations

import streamlit as st
from components import context, sidebar, ui

from creditwatch import figures
from creditwatch.analytics import health
from creditwatch.config import Settings
from creditwatch.dashboard.pagedata import PerformanceData


def body(s: Settings) -> None:
    period = sidebar.period()
    data: PerformanceData = context.load("performance", period)
    k = data.kpis
    if not k.get("total_predictions") and not k.get("n_errors"):
        ui.empty(period)
        return
    verdicts = health.judge(k, s)
    cols = st.columns(4)
    ui.kpi(cols[0], "Mean latency", ui.ms(k["latency_mean_ms"]), verdicts["latency_mean"])
    ui.kpi(cols[1], "Median latency", ui.ms(k["latency_p50_ms"]))
    ui.kpi(cols[2], "P95 latency", ui.ms(k["latency_p95_ms"]), verdicts["latency_p95"])
    ui.kpi(cols[3], "Error rate", ui.pct(k["error_rate"], 2), verdicts["error_rate"])
    left, right = st.columns(2)
    with left:
        if data.latency.empty:
            st.info("No timed predictions in this period.")
        else:
            ui.chart(figures.latency_boxes(data.latency), "latency_boxes")
        st.caption(f"Median below {s.health.latency_good_ms:g} ms: excellent; up to "
                   f"{s.alerts.latency_mean_ms:g} ms: acceptable; above: investigate.")
    with right:
        ui.chart(figures.latency_over_time(data.latency_over_time, s.alerts.latency_p95_ms),
                 "latency_time")
        st.caption(f"Mean and P95 of the total latency per time bucket (P95 alert: "
                   f"{s.alerts.latency_p95_ms:g} ms).")
    left, right = st.columns(2)
    with left:
        ui.chart(figures.http_statuses(data.statuses), "statuses")
        st.caption("200: scored · 422: invalid application (validation) · 5xx: server error.")
    with right:
        st.markdown("**Top 10 slowest requests**")
        st.dataframe(data.slowest[["total_ms", "preprocessing_ms", "inference_ms", "decision",
                                   "received_at", "endpoint", "request_id"]], hide_index=True,
                     column_config={c: st.column_config.NumberColumn(format="%.2f")
                                    for c in ("total_ms", "preprocessing_ms", "inference_ms")})
        st.caption("Above 200 ms: check CPU and memory, profile the preprocessing.")
    st.subheader("Latest anomalies")
    if data.anomalies.empty:
        st.success("No rejected or failed request in this period.", icon=":material/check_circle:")
    else:
        st.dataframe(data.anomalies[["occurred_at", "http_status", "kind", "endpoint",
                                     "field_errors", "request_id"]], hide_index=True)


ui.run("Performance", body, intro="Latency of the scoring service and its errors.")
