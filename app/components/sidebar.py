"""The shared sidebar: period filter, auto-refresh toggle, manual refresh, store and model."""

from __future__ import annotations

import streamlit as st

from components import context
from creditwatch.dashboard.pagedata import PERIOD_LABELS, PERIODS

PERIOD_KEY = "period"
REFRESH_KEY = "auto_refresh"
DEFAULT_PERIOD = "all"


def period() -> str:
    """The period chosen in the sidebar ("24h", "7d", "30d" or "all")."""
    value = st.session_state.get(PERIOD_KEY)
    return value if value in PERIODS else DEFAULT_PERIOD


def auto_refresh() -> bool:
    return bool(st.session_state.get(REFRESH_KEY, True))


def render() -> None:
    settings = context.settings()
    with st.sidebar:
        st.segmented_control(
            "Period", PERIODS, default=DEFAULT_PERIOD, key=PERIOD_KEY, required=True,
            format_func=PERIOD_LABELS.__getitem__,
            help="Overview, Performance and Business show predictions of this period.",
        )
        st.toggle(f"Auto-refresh every {settings.dashboard.refresh_s:g} s", value=True,
                  key=REFRESH_KEY,
                  help="Re-reads the data of the current page only; the rest of the app stays.")
        if st.button("Refresh now", icon=":material/refresh:"):
            st.cache_data.clear()
        st.divider()
        st.caption(context.store_caption(settings))
        st.caption(f"Data cached for {settings.dashboard.cache_ttl_s:g} s · "
                   f"API {settings.api.url}")
