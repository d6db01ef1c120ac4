"""Page scaffolding: the store check, the auto-refreshing fragment, KPIs with their healthy
bands, and the messages for an empty or unreachable store."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from components import context, sidebar
from creditwatch.analytics import health
from creditwatch.config import Settings
from creditwatch.dashboard.pagedata import PERIOD_LABELS
from creditwatch.dashboard.status import StoreStatus

T = TypeVar("T")
# Material icons and colours (Streamlit ships the icon font; emoji fonts are not a given).
LEVEL_STYLES = {health.GOOD: ("green", "check_circle"), health.WARN: ("orange", "warning"),
                health.BAD: ("red", "error"), health.UNKNOWN: ("gray", "remove")}

HOW_TO_GENERATE = """
**How to generate traffic**

1. Start the scoring API: `creditwatch serve` (it stores every prediction).
2. Send simulated applications: `creditwatch simulate`, or run `make demo`, which does
   everything (model, API, traffic, drift checks, alerts).
3. Come back here: with auto-refresh on (sidebar), the pages update by themselves.
"""


def ready(title: str | None, intro: str | None = None) -> Settings | None:
    """Title, then the store check: the settings, or None (message shown) when unreachable."""
    s = context.settings()
    if title:
        st.title(title)
    if intro:
        st.caption(intro)
    status = context.store_status(s.store_url, s.store.connect_timeout)
    if not status.reachable:
        store_unreachable(status)
        return None
    return s


def guarded(body: Callable[[Settings], T], s: Settings) -> T | None:
    """Run ``body``; a store that fails mid-page shows the unreachable message instead."""
    try:
        return body(s)
    except context.STORE_ERRORS as exc:
        status = context.store_status(s.store_url, s.store.connect_timeout)
        store_unreachable(status, exc)
        return None


def refreshing(body: Callable[[Settings], None], s: Settings, *, uses_period: bool = True
               ) -> None:
    """``body`` in a fragment: with auto-refresh on, it alone re-runs every
    ``dashboard.refresh_s`` seconds (the sidebar and the rest of the page stay)."""
    every = s.dashboard.refresh_s if sidebar.auto_refresh() else None

    @st.fragment(run_every=every)
    def refreshed() -> None:
        if uses_period:
            st.caption(f"Period: **{PERIOD_LABELS[sidebar.period()]}** (change it in the "
                       "sidebar)")
        guarded(body, s)

    refreshed()


def run(title: str | None, body: Callable[[Settings], None], *, intro: str | None = None,
        uses_period: bool = True) -> None:
    """A whole page: title, store check, then ``body`` auto-refreshing."""
    s = ready(title, intro)
    if s is not None:
        refreshing(body, s, uses_period=uses_period)


def store_unreachable(status: StoreStatus, exc: BaseException | None = None) -> None:
    fix = ("check that PostgreSQL is running and that DATABASE_URL points at it "
           "(`creditwatch db current` tells)" if status.kind == "postgresql" else
           "check that the data folder exists and is writable (CREDITWATCH_ROOT / "
           "CREDITWATCH_DATA_DIR)")
    detail = f"\n\nDetail: `{type(exc).__name__}: {str(exc).splitlines()[0][:200]}`" if exc else ""
    st.error(f"**The prediction store is unreachable** ({status.label} at `{status.url}`). "
             f"The dashboard shows its data again as soon as it answers: {fix}.{detail}",
             icon=":material/power_off:")


def empty(period: str | None = None) -> None:
    """No predictions (in the period, when a bounded one is chosen): say how to get some."""
    bounded = period is not None and period != "all"
    where = f" in the period **{PERIOD_LABELS[period]}**" if bounded and period else ""
    more = " Pick a longer period in the sidebar, or generate new traffic." if bounded else ""
    st.info(f"**No predictions{where} yet.**{more}\n\n{HOW_TO_GENERATE}", icon=":material/inbox:")


def kpi(column: Any, label: str, value: str, verdict: health.Verdict | None = None,
        delta: str | None = None, help: str | None = None) -> None:
    with column:
        st.metric(label, value, delta=delta, help=help, delta_color="off", border=True)
        if verdict is not None:
            color, icon = LEVEL_STYLES.get(verdict.level, ("gray", "remove"))
            st.caption(f":{color}[:material/{icon}: {verdict.text}]")


def chart(fig: go.Figure, key: str) -> None:
    st.plotly_chart(fig, key=key, config={"displaylogo": False})


def count(value: Any) -> str:
    return f"{int(value or 0):,}"


def known(value: Any) -> float | None:
    """A number, or None for a missing one (None, NaN, NA)."""
    return None if value is None or pd.isna(value) else float(value)


def pct(value: float | None, digits: int = 1) -> str:
    value = known(value)
    return "–" if value is None else f"{value:.{digits}%}"


def ms(value: float | None) -> str:
    value = known(value)
    return "–" if value is None else f"{value:.2f} ms" if value < 100 else f"{value:.0f} ms"


def change(delta: float | None, kind: str) -> str | None:
    """A KPI's change against the previous period of the same length."""
    if delta is None:
        return None
    if kind == "pct":
        return f"{delta * 100:+.1f} pts vs previous period"
    if kind == "ms":
        return f"{delta:+.2f} ms vs previous period"
    return f"{int(delta):+,} vs previous period"
