"""Fairness: approval and errors across protected groups, with honest intervals and tests."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from components import context, sidebar, ui

from creditwatch.config import Settings
from creditwatch.dashboard.pagedata import FairnessData
from creditwatch.figures import fairness as figures

COLUMNS = {"group": "group", "n": "applications", "approval_rate": "approval", "air": "AIR",
           "air_low": "AIR low", "air_high": "AIR high", "mean_score": "mean score",
           "default_rate": "default rate", "tpr": "TPR", "fpr": "FPR",
           "calibration_ratio": "observed / expected defaults"}


def model_use(s: Settings) -> None:
    bundle = context.bundle(s)
    record = (bundle.extra.get("fairness") or {}) if bundle is not None else {}
    if not record:
        st.info("No model bundle with a record of its protected attributes "
                "(`creditwatch train`).")
        return
    rows = [{"field": field, "read directly": use["direct"],
             "through derived features": ", ".join(use["derived"]) or "-"}
            for field, use in record.get("protected", {}).items()]
    st.subheader("Does the model use the protected attributes?")
    st.dataframe(pd.DataFrame(rows), hide_index=True)
    if record.get("excluded_fields"):
        st.caption(f"Trained without {', '.join(record['excluded_fields'])} "
                   f"(features {', '.join(record['excluded_features'])}).")
    if record.get("proxy_auc"):
        st.caption("Proxy AUC (how well the model's other features predict the attribute; "
                   "0.5 = not at all): " + ", ".join(f"{k} {v:.2f}"
                                                     for k, v in record["proxy_auc"].items()))


def body(s: Settings) -> None:
    period = sidebar.period()
    bundle = context.bundle(s)
    costs = (bundle.cost_fn, bundle.cost_fp) if bundle is not None else (
        s.model.cost_fn, s.model.cost_fp)
    data: FairnessData = context.load("fairness", period, costs)
    model_use(s)
    if not data.period or not data.period[0].n:
        ui.empty(period)
        return
    threshold = s.fairness.air_threshold
    for result in data.period:
        st.subheader(f"By {result.attribute}")
        left, right = st.columns(2)
        with left:
            ui.chart(figures.air_intervals(result.table, result.attribute, threshold),
                     f"air_{result.attribute}")
        with right:
            ui.chart(figures.air_history(data.history, result.attribute, threshold),
                     f"air_history_{result.attribute}")
        st.dataframe(result.table[list(COLUMNS)].rename(columns=COLUMNS), hide_index=True)
        st.caption(
            f"Reference (most favoured): {result.reference}. AIR interval: Katz log method, "
            f"{result.level:.0%}. Group x decision: {result.independence.method} p = "
            f"{result.independence.p_value:.3g}. TPR gap {result.tpr_gap:.3f} "
            f"(p = {result.tpr_test.p_value:.3g}), FPR gap {result.fpr_gap:.3f} "
            f"(p = {result.fpr_test.p_value:.3g})"
            + ("" if result.mature else "; outcomes immature: error rates not yet judged")
            + ".")


ui.run("Fairness", body, intro="Approval, adverse impact and errors across protected groups "
       "over the applications received in the period (the one fairness clock, as `fairness "
       "run` and the alerts; an alert fires when a group's AIR upper bound is below the "
       "threshold).")
