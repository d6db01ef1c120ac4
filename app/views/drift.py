"""Data Drift: verdict of a window, history, per-feature drill-down, Evidently report, and a
button to check a window now."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import streamlit as st
from components import context, ui

from creditwatch import figures
from creditwatch.analytics import health
from creditwatch.config import Settings
from creditwatch.dashboard import driftcheck
from creditwatch.dashboard.pagedata import PERIOD_LABELS, DriftData
from creditwatch.drift import ranking

REPORT_KEY = "drift_report"
PENDING = "drift_report_pending"
DETECTED = ("WARNING", "ALERT")  # the engine's verdicts that mean "drift detected"
INSUFFICIENT = "INSUFFICIENT_DATA"
NEW_WINDOWS = ("24h", "7d", "30d")


def label(row: pd.Series) -> str:
    share = "–" if pd.isna(row["drift_share"]) else f"{row['drift_share']:.0%}"
    return (f"{row['window_start']:%Y-%m-%d %H:%M} → {row['window_end']:%Y-%m-%d %H:%M} · "
            f"{row['status']} · {share} drifted")


def choose_window(s: Settings) -> int | None:
    """The stored drift window to show (latest by default), picked above the page: the
    refreshing part and the Evidently report below both follow it."""
    history = context.load("drift").history
    if history.empty:
        return None
    if PENDING in st.session_state:  # a check just ran: show its window
        st.session_state[REPORT_KEY] = st.session_state.pop(PENDING)
    ids = history.sort_values(["window_end", "id"], ascending=False)["id"].tolist()
    if st.session_state.get(REPORT_KEY) not in ids:
        st.session_state.pop(REPORT_KEY, None)
    by_id = history.set_index("id")
    picked: int = st.selectbox("Drift window", ids, key=REPORT_KEY,
                               format_func=lambda i: label(by_id.loc[i]),
                               help="Each drift check covers one window of application time.")
    return int(picked)


def verdict(row: pd.Series, s: Settings) -> None:
    enough = row["status"] != INSUFFICIENT
    detected = "YES" if row["status"] in DETECTED else "NO" if enough else "not enough data"
    cols = st.columns(4)
    ui.kpi(cols[0], "Drift detected", detected,
           help=f"Engine verdict: {row['status']} ({row['n_predictions']} predictions; "
                f"at least {s.drift.min_rows} are needed).")
    share = ui.known(row["drift_share"]) if enough else None
    ui.kpi(cols[1], "Drift share", ui.pct(share), health.drift(share, s, status=row["status"]),
           help="Drifted / analysed features.")
    ui.kpi(cols[2], "Importance-weighted score", ui.pct(row["weighted_drift_score"]),
           help="Share of drifted features weighted by the model's feature importance.")
    ui.kpi(cols[3], "Features affected",
           f"{int(row['n_features_drifted'])} / {int(row['n_features_analyzed'])}")


def features(row: pd.Series, report_id: int, s: Settings) -> None:
    details = context.load("drift_details", report_id)
    if details.empty:
        st.info("This report stores no per-feature results.")
        return
    drifted = details[details["drifted"]]
    st.subheader(f"Drifted features ({len(drifted)})")
    columns = ["feature", "kind", "test", "statistic", "p_adjusted", "effect_name",
               "effect_size", "relative_effect", "psi", "importance"]
    if drifted.empty:
        st.success("No feature drifted in this window.", icon=":material/check_circle:")
    else:
        st.dataframe(drifted[columns], hide_index=True)
    with st.expander(f"All {len(details)} features"):
        st.dataframe(details[[*columns, "drifted", "reason"]], hide_index=True)
    st.caption(f"Order: {ranking.RULE}. relative_effect is the effect size over its drift "
               "minimum: 1 is the drift bar for numeric and categorical features alike.")
    st.subheader("Feature drill-down")
    analysed = details[details["reason"].isna()]["feature"].tolist()
    if not analysed:
        return
    feature = st.selectbox("Feature", analysed, key="drift_feature",
                           help=f"Order: {ranking.RULE}.")
    test = details.set_index("feature").loc[feature]
    cols = st.columns(4)
    ui.kpi(cols[0], "Test", str(test["test"]))
    ui.kpi(cols[1], "Statistic", f"{test['statistic']:.4g}")
    ui.kpi(cols[2], "Corrected p-value", f"{test['p_adjusted']:.3g}",
           help=f"{s.drift.alpha:g} significance level, corrected across features.")
    ui.kpi(cols[3], f"Effect size ({test['effect_name']})", f"{test['effect_size']:.4g}",
           help="A feature drifts only when its effect size also passes the minimum.")
    dist = context.load("feature_distribution", feature, row["window_start"].to_pydatetime(),
                        row["window_end"].to_pydatetime())
    ui.chart(figures.feature_distribution(dist, feature), "feature_distribution")


def body(s: Settings, report_id: int | None) -> None:
    data: DriftData = context.load("drift")
    if data.history.empty or report_id is None:
        st.info("**No drift check yet.** Run one below: it compares a window of production "
                "inputs with the model's training reference.", icon=":material/inbox:")
        return
    rows = data.history[data.history["id"] == report_id]
    row = (rows if len(rows) else data.history.tail(1)).iloc[0]
    verdict(row, s)
    ui.chart(figures.drift_history(data.history, s.drift.alert_share, s.drift.warning_share),
             "drift_history")
    st.caption(f"Red line: alert threshold ({s.drift.alert_share:.0%} of features drifted: "
               "retraining recommended). A rising trend is an early warning.")
    features(row, int(row["id"]), s)


def reasons(s: Settings) -> None:
    """Reason drift: which reasons drive refusals in a period, against the reference."""
    st.subheader("Reasons for refusals")
    period = st.radio("Period", ["24h", "7d", "30d", "all"], index=1, horizontal=True,
                      format_func=PERIOD_LABELS.__getitem__, key="reason_period")
    meta = s.paths.bundle_dir / "bundle.json"
    found = (context.reason_mix(s.store_url, str(s.paths.bundle_dir), meta.stat().st_mtime,
                                period) if meta.exists() else None)
    if found is None:
        st.info("No model bundle: the reference reason mix needs one.")
        return
    mix, n = found
    if not n:
        st.info("No refused application with stored reasons in this period: reasons are "
                "stored with every refusal the API answers (`creditwatch simulate` sends "
                "traffic).")
        return
    ui.chart(figures.reason_mix(mix), "reason_mix")
    st.caption(f"{n:,} refused applications with reasons in the period. A share is the part "
               "of the refusals given that reason (up to four each, so shares do not add up "
               "to 100 %); the reference is the training reference sample explained by the "
               "same engine. A reason rising well above its reference share is reason drift.")
    table = mix[["code", "text", "share", "reference_share", "difference"]]
    st.table(table.style.format({"share": "{:.1%}", "reference_share": "{:.1%}",
                                 "difference": "{:+.1%}"}).hide(axis="index"))


def evidently(s: Settings, report_id: int) -> None:
    """The Evidently HTML report of the chosen window: embedded and downloadable. Outside
    the auto-refreshing fragment: a stored report does not change, and it is large."""
    st.subheader("Evidently report")
    path = driftcheck.report_html(context.store(s), report_id)
    if path is None:
        st.info("No Evidently report was written for this window.")
        return
    html = Path(path).read_bytes()
    st.download_button("Download the HTML report", html, file_name=Path(path).name,
                       mime="text/html", icon=":material/download:")
    st.iframe(Path(path), height=900)


def check_now(s: Settings, report_id: int | None) -> None:
    st.subheader("Run a drift check now")
    choices = ([*NEW_WINDOWS, "selected"] if report_id is not None else list(NEW_WINDOWS))
    names = {**PERIOD_LABELS, "selected": "The selected window"}
    left, right = st.columns([3, 1])
    window = left.radio("Window", choices, format_func=names.__getitem__, horizontal=True,
                        key="check_window")
    if right.button("Run drift check", type="primary", icon=":material/play_arrow:"):
        with st.spinner("Comparing the window with the training reference…"):
            store = context.store(s)
            if window == "selected" and report_id is not None:
                start, end = driftcheck.report_window(store, report_id)
            else:
                start, end = driftcheck.period_window(window, datetime.now(UTC))
            new_id = driftcheck.run(s, store, start, end)
        st.cache_data.clear()
        st.session_state[PENDING] = new_id
        st.rerun()


s = ui.ready("Data Drift", "Production inputs compared with the training reference.")
if s is not None:
    picked = ui.guarded(choose_window, s)
    ui.refreshing(lambda s: body(s, picked), s, uses_period=False)
    if picked is not None:
        chosen: int = picked
        ui.guarded(lambda s: evidently(s, chosen), s)
    ui.guarded(lambda s: check_now(s, picked), s)
    ui.guarded(reasons, s)
