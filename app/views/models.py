"""Models: the champion against the challenger scoring the same traffic in shadow."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from components import context, sidebar, ui

from creditwatch.config import Settings
from creditwatch.dashboard.pagedata import ModelsData
from creditwatch.figures import models as figures

GROUP_COLUMNS = {"attribute": "attribute", "group": "group", "n": "applications",
                 "approval_champion": "approval, champion",
                 "approval_challenger": "approval, challenger", "change": "change"}


def _auc(figures_by_role: dict | None, role: str) -> str:
    found = (figures_by_role or {}).get(role)
    return "–" if not found or found.get("auc") is None else f"{found['auc']:.3f}"


def headline(r: dict) -> None:
    st.subheader(f"Champion {r['champion']} · challenger {r['challenger']}")
    cols = st.columns(5)
    ui.kpi(cols[0], "Shadowed applications", ui.count(r["n"]))
    ui.kpi(cols[1], "Decision agreement", ui.pct(r["agreement"]))
    ui.kpi(cols[2], "Flips A→R / R→A", f"{r['approve_to_refuse']:,} / {r['refuse_to_approve']:,}")
    ui.kpi(cols[3], "Score correlation", "–" if r["pearson"] is None else
           f"{r['pearson']:.3f}", help=f"Pearson; Spearman {r['spearman'] or float('nan'):.3f}")
    ui.kpi(cols[4], "Approval", f"{ui.pct(r['approval_champion'])} → "
           f"{ui.pct(r['approval_challenger'])}")
    st.caption(f"AUC estimated (label-free): champion {_auc(r['estimated'], 'champion')}, "
               f"challenger {_auc(r['estimated'], 'challenger')}. Realized on "
               f"{r['n_labelled']:,} labelled applications: champion "
               f"{_auc(r['realized'], 'champion')}, challenger "
               f"{_auc(r['realized'], 'challenger')}.")


def body(s: Settings) -> None:
    period = sidebar.period()
    data: ModelsData = context.load("models", period)
    st.caption(f"Registry: champion **{data.champion or '(legacy bundle)'}**, challenger "
               f"**{data.challenger or 'none'}** (`artifacts/models/`).")
    if not data.period:
        st.info("**No prediction was scored in shadow in this period.** Set a challenger "
                "(`creditwatch model challenge VERSION`): the API scores "
                f"{s.model.shadow_share:.0%} of the traffic with it, off the response path.",
                icon=":material/inbox:")
        return
    for r in data.period:
        headline(r)
    history = data.history
    left, right = st.columns(2)
    with left:
        ui.chart(figures.agreement_history(history), "models_agreement")
    with right:
        ui.chart(figures.flips(history), "models_flips")
    ui.chart(figures.auc_comparison(history), "models_auc")
    groups = data.groups
    for attribute in sorted(set(groups["attribute"])) if len(groups) else []:
        ui.chart(figures.approval_change(groups, attribute), f"models_groups_{attribute}")
    st.dataframe(pd.DataFrame(groups)[list(GROUP_COLUMNS)].rename(columns=GROUP_COLUMNS),
                 hide_index=True)


ui.run("Models", body, intro="The champion against the challenger on the same applications: "
       "the challenger scores a share of the live traffic in shadow (never answered) and "
       "both are compared per window, as `creditwatch model compare` does.")
