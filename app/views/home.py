"""Home: is everything up (API, model, store), the headline figures, drift and alerts."""

from __future__ import annotations

import streamlit as st
from components import context, ui

from creditwatch import figures
from creditwatch.analytics import health
from creditwatch.config import Settings
from creditwatch.dashboard.pagedata import PERIOD_LABELS, RECENT_ALERTS, HomeData
from creditwatch.performance import health as model_health


def system_status(s: Settings) -> None:
    st.subheader("System status")
    api = context.api_status(s.api.url, s.dashboard.api_timeout_s)
    store = context.store_status(s.store_url, s.store.connect_timeout)
    bundle = context.bundle(s)
    left, middle, right = st.columns(3)
    with left:
        if api.reachable:
            st.success(f"**API reachable** at `{api.url}`  \nserving model "
                       f"`{api.model_version}` (status {api.status})", icon=":material/check_circle:")
        else:
            st.error(f"**API unreachable** at `{api.url}`: start it with "
                     f"`creditwatch serve`.  \n{api.error or ''}", icon=":material/power_off:")
    with middle:
        if store.reachable:
            st.success(f"**Store reachable**: {store.label}  \n`{store.url}`", icon=":material/check_circle:")
        else:
            st.error(f"**Store unreachable**: {store.label}  \n`{store.url}`", icon=":material/power_off:")
    with right:
        if bundle is not None:
            st.info(f"**Model bundle** `{bundle.version}`  \ndecision threshold "
                    f"{bundle.threshold:.4f} · costs FN {bundle.cost_fn:g} / FP "
                    f"{bundle.cost_fp:g}", icon=":material/model_training:")
        else:
            st.warning(f"**No model bundle** in `{s.paths.bundle_dir}`: run `creditwatch train` "
                       "(or `make demo`).", icon=":material/model_training:")


def body(s: Settings) -> None:
    data: HomeData = context.load("home")
    k = data.kpis
    if not k.get("total_predictions"):
        ui.empty()
        return
    st.subheader("Key figures (all time)")
    verdicts = health.judge(k, s)
    cols = st.columns(4)
    ui.kpi(cols[0], "Total predictions", ui.count(k["total_predictions"]),
           help=f"{ui.count(data.kpis_24h['total_predictions'])} in the last 24 h")
    ui.kpi(cols[1], "Approval rate", ui.pct(k["approval_rate"]), verdicts["approval_rate"])
    drift = data.latest_drift
    if drift is None:
        ui.kpi(cols[2], "Latest drift status", "not checked yet",
               help="Run a check from the Data Drift page.")
    else:
        ui.kpi(cols[2], "Latest drift status", str(drift["status"]),
               verdicts["drift"],
               help=f"window {drift['window_start']:%Y-%m-%d %H:%M} → "
                    f"{drift['window_end']:%Y-%m-%d %H:%M} UTC")
    ui.kpi(cols[3], f"Alerts fired ({PERIOD_LABELS[RECENT_ALERTS].lower()})",
           ui.count(len(data.alerts)))
    model_line(data, s)
    left, right = st.columns([3, 2])
    with left:
        ui.chart(figures.volume(data.volume), "home_volume")
        st.caption(f"Traffic of the {PERIOD_LABELS[RECENT_ALERTS].lower()}; the other pages "
                   "follow the period chosen in the sidebar.")
    with right:
        alerts(data)


def model_line(data: HomeData, s: Settings) -> None:
    """One line of model health: the newest window's performance report, judged."""
    level, text = model_health.headline(data.latest_model, s)
    color, icon = ui.LEVEL_STYLES[level]
    st.markdown(f":{color}[:material/{icon}:] {text}")


def alerts(data: HomeData) -> None:
    st.subheader("Recent alerts")
    if data.alerts.empty:
        st.success(f"No alert fired in the {PERIOD_LABELS[RECENT_ALERTS].lower()}.",
                   icon=":material/notifications_off:")
    else:
        st.dataframe(data.alerts[["fired_at", "kind", "severity", "message", "value",
                                  "threshold"]], hide_index=True)


st.title("creditwatch monitoring")
st.caption("Scoring API, prediction store and model at a glance. Pages: Overview (KPIs), "
           "Performance (latency, errors), Business (decisions, amounts, cost), Data Drift, Model "
           "(realized vs estimated performance).")
settings = context.settings()
system_status(settings)
ui.run(None, body, uses_period=False)
