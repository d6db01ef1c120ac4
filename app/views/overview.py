"""Overview: the four KPIs with their healthy bands, decisions, volume, scores, confidence."""

from __future__ import annotations

import streamlit as st
from components import context, sidebar, ui

from creditwatch import figures
from creditwatch.analytics import health
from creditwatch.config import Settings
from creditwatch.dashboard.pagedata import OverviewData


def kpis(data: OverviewData, s: Settings) -> None:
    k, d = data.kpis, data.kpis["delta"]
    verdicts = health.judge(k, s)
    cols = st.columns(4)
    ui.kpi(cols[0], "Total predictions", ui.count(k["total_predictions"]),
           delta=ui.change(d["total_predictions"], "count"),
           help="Answered scoring requests in the period.")
    ui.kpi(cols[1], "Approval rate", ui.pct(k["approval_rate"]),
           verdicts["approval_rate"], ui.change(d["approval_rate"], "pct"),
           help="Approved / total predictions.")
    ui.kpi(cols[2], "Mean latency", ui.ms(k["latency_mean_ms"]),
           verdicts["latency_mean"], ui.change(d["latency_mean_ms"], "ms"),
           help=f"Server time per prediction; P95 {ui.ms(k['latency_p95_ms'])}.")
    ui.kpi(cols[3], "Error rate", ui.pct(k["error_rate"], 2),
           verdicts["error_rate"], ui.change(d["error_rate"], "pct"),
           help=f"Rejected or failed requests / all scoring requests ({ui.count(k['n_errors'])}"
                " errors).")


def body(s: Settings) -> None:
    period = sidebar.period()
    data: OverviewData = context.load("overview", period)
    if not data.kpis.get("total_predictions"):
        ui.empty(period)
        return
    kpis(data, s)
    bundle = context.bundle(s)
    left, right = st.columns(2)
    with left:
        ui.chart(figures.decision_donut(data.decisions), "decisions")
        st.caption("Approved against refused: a sudden change of balance deserves a look.")
    with right:
        ui.chart(figures.volume(data.volume), "volume")
        st.caption("Traffic peaks and quiet hours.")
    left, right = st.columns(2)
    with left:
        threshold = bundle.threshold if bundle is not None else None
        ui.chart(figures.probability_histogram(data.histogram, threshold), "probabilities")
        if bundle is None:
            st.warning("No model bundle found: the threshold line is not drawn.")
        st.caption("Red line: the model's decision threshold (refused at or above it). Mass on "
                   "the left: a low-risk population; on the right: a high-risk one.")
    with right:
        ui.chart(figures.confidence(data.confidence), "confidence")
        st.caption("LOW: probability close to the threshold; HIGH: far from it.")


ui.run("Overview", body, intro="Key performance indicators of the scoring service.")
