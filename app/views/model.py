"""Model: is the model still right? Realized against label-free estimated performance per
window, maturity, calibration and the window's scores against the reference."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from components import context, ui

from creditwatch import figures
from creditwatch.config import Settings
from creditwatch.dashboard.pagedata import ModelData, ModelWindowData
from creditwatch.performance import health as model_health

WINDOW_KEY = "model_window"
HOW_TO = ("**No model performance report yet.** Compute them with `creditwatch performance "
          "history --every 1d` (outcomes come back through `POST /outcomes` or `creditwatch "
          "outcomes load`); the estimate needs no outcome.")


def label(row: pd.Series) -> str:
    mature = "immature" if row["immature"] else "mature"
    return (f"{row['window_start']:%Y-%m-%d %H:%M} → {row['window_end']:%Y-%m-%d %H:%M} · "
            f"{row['model_version']} · {mature}")


def choose_window(history: pd.DataFrame) -> int:
    """The report to detail: the latest mature window by default, else the latest one."""
    order = history.sort_values(["window_end", "id"], ascending=False)
    mature = order[~order["immature"].astype(bool)]
    ids = order["id"].astype(int).tolist()
    default = int((mature if len(mature) else order)["id"].iloc[0])
    if st.session_state.get(WINDOW_KEY) not in ids:
        st.session_state[WINDOW_KEY] = default
    by_id = order.set_index("id")
    return int(st.selectbox("Window", ids, key=WINDOW_KEY, format_func=lambda i: label(
        by_id.loc[i]), help="Calibration and scores of one window (default: the latest "
                            "mature one)."))


def verdicts(row: pd.Series, s: Settings) -> None:
    report = {k: (None if not isinstance(v, str) and pd.isna(v) else v)
              for k, v in row.to_dict().items()}
    judged = model_health.judge(report, s)
    cols = st.columns(4)
    band = (f"{ui.known(row['auc_estimated_low']) or 0:.3f}–"
            f"{ui.known(row['auc_estimated_high']) or 0:.3f}")
    est = ui.known(row["auc_estimated"])
    ui.kpi(cols[0], "Estimated AUC", "–" if est is None else f"{est:.3f}",
           judged["model_auc_estimated"], help=f"Label-free estimate; band {band}.")
    real = ui.known(row["auc_realized"])
    ui.kpi(cols[1], "Realized AUC", "–" if real is None else f"{real:.3f}",
           judged["model_auc_realized"],
           help=f"On the {int(row['n_labelled']):,} labelled predictions "
                f"({ui.pct(row['labelled_share'])} of {int(row['n_predictions']):,}).")
    ui.kpi(cols[2], "Concept drift", "YES" if row["concept_drift"] else
           str(row["concept_status"] or "not tested"), judged["concept_drift"])
    ks = ui.known(row["score_ks"])
    ui.kpi(cols[3], "Prediction drift (KS)", "–" if ks is None else f"{ks:.3f}",
           judged["prediction_drift"], help="Window's scores against the reference's.")


def body(s: Settings) -> None:
    data: ModelData = context.load("model")
    history = data.history
    if history.empty:
        st.info(HOW_TO, icon=":material/inbox:")
        return
    bundle = context.bundle(s)
    version = bundle.version if bundle is not None and bundle.version in set(
        history["model_version"]) else str(history.sort_values("window_end")
                                           ["model_version"].iloc[-1])
    history = history[history["model_version"] == version]
    report_id = choose_window(history)
    row = history[history["id"] == report_id].iloc[0]
    verdicts(row, s)
    reference = ui.known(history["auc_reference"].dropna().iloc[-1]) if history[
        "auc_reference"].notna().any() else None
    floor = None if reference is None else reference - s.performance.auc_drop
    left, right = st.columns(2)
    with left:
        ui.chart(figures.auc_history(history, reference, floor), "model_auc")
        st.caption("Band: where the realized AUC should fall if the model's calibrated "
                   "probabilities still hold. Realized below it on a mature window: concept "
                   "drift. Hollow markers: immature windows (outcomes still arriving).")
    with right:
        ui.chart(figures.cost_history(history), "model_cost")
        st.caption("Realized cost counts the labelled predictions only: compare it with the "
                   "estimate on mature windows.")
    left, right = st.columns(2)
    with left:
        ui.chart(figures.maturity(history, s.performance.maturity_share), "model_maturity")
        st.caption("Immature windows are shown but never alert on their outcomes.")
    ref_scores = None
    if bundle is not None and bundle.performance_reference is not None:
        ref_scores = tuple(bundle.performance_reference["scores"])
    detail: ModelWindowData | None = context.load("model_window", report_id, ref_scores)
    if detail is None:
        return
    with right:
        threshold = bundle.threshold if bundle is not None else None
        ui.chart(figures.score_distribution(detail.scores, threshold), "model_scores")
        st.caption("A moved score distribution says the population changed (prediction "
                   "drift), not by itself that the model is wrong.")
    if detail.calibration.empty:
        st.info("No outcome yet for this window: no calibration to show.")
    else:
        ui.chart(figures.calibration(detail.calibration), "model_calibration")
        st.caption("Each point: a PD band's mean predicted PD against its observed default "
                   "rate, with its Jeffreys interval; red: miscalibrated (exact binomial test).")
    with st.expander("All windows"):
        st.dataframe(history.drop(columns=["params"], errors="ignore"), hide_index=True)


ui.run("Model", body, intro="Does the model still tell good payers from bad ones? Realized "
       "performance from outcomes, estimated before they arrive.", uses_period=False)
