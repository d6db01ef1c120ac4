"""Business: decisions, amounts by decision, approval by amount and segment, expected cost."""

from __future__ import annotations

import streamlit as st
from components import context, sidebar, ui

from creditwatch import figures
from creditwatch.analytics import SEGMENTS
from creditwatch.config import Settings
from creditwatch.dashboard.pagedata import BusinessData


def cost_section(data: BusinessData) -> None:
    st.subheader("Expected cost of the decisions")
    cost = data.cost
    if cost is None:
        st.warning("No model bundle found: its error costs are needed for the expected cost "
                   "(`creditwatch train`).")
        return
    cols = st.columns(4)
    ui.kpi(cols[0], "Expected cost", f"{cost['expected_cost']:,.1f}",
           help="Cost units: a missed defaulter costs FN, a good client refused costs FP.")
    ui.kpi(cols[1], "Per application", f"{cost['cost_per_application'] or 0:,.3f}")
    ui.kpi(cols[2], "Missed defaulters (expected)", f"{cost['cost_missed_defaults']:,.1f}",
           help=f"Σ p over approved × FN ({cost['cost_fn']:g})")
    ui.kpi(cols[3], "Good clients refused (expected)", f"{cost['cost_refused_good']:,.1f}",
           help=f"Σ (1 - p) over refused × FP ({cost['cost_fp']:g})")
    ui.chart(figures.expected_cost(cost), "cost")
    st.caption("Expected under the model's own probabilities (outcomes are known months "
               "later), with the costs the threshold was chosen for; the two naive policies "
               "give the scale.")


def body(s: Settings) -> None:
    period = sidebar.period()
    bundle = context.bundle(s)
    costs = (bundle.cost_fn, bundle.cost_fp) if bundle is not None else None
    data: BusinessData = context.load("business", period, costs)
    if not data.kpis.get("total_predictions"):
        ui.empty(period)
        return
    left, right = st.columns(2)
    with left:
        ui.chart(figures.decision_donut(data.decisions), "split")
        st.caption("Check the split against the business objectives.")
    with right:
        ui.chart(figures.amount_histogram(data.amounts), "amounts")
        st.caption("Large amounts refused: expected (more risk). Small amounts refused: check "
                   "that the threshold is not too strict.")
    ui.chart(figures.approval_by_band(data.by_amount), "by_amount")
    st.subheader("Approval rate by applicant segment")
    names = list(SEGMENTS)
    for row in range(0, len(names), 2):
        for column, name in zip(st.columns(2), names[row:row + 2], strict=False):
            with column:
                part = data.by_segment[data.by_segment["segment"] == name]
                ui.chart(figures.approval_by_segment(part, SEGMENTS[name]), f"segment_{name}")
    st.caption("A segment far below the others: check it is a risk the model sees, not a "
               "data problem.")
    cost_section(data)


ui.run("Business", body, intro="Who is approved, for how much, and at what expected cost.")
