"""The report's generated text and KPI table say what the numbers say."""

from __future__ import annotations

import pandas as pd

from creditwatch.analytics import Analytics
from creditwatch.config import Settings
from creditwatch.reports.summary import kpi_table, summarize


def test_summary_reports_the_figures_and_what_needs_attention(seeded_analytics: Analytics
                                                              ) -> None:
    """The summary quotes the period's count, rates and drift, and names each indicator
    outside its healthy band (here the 3 % error rate and the 42 % drift)."""
    a = seeded_analytics
    kpis = a.kpis("7d")
    text = summarize(kpis, latest_drift=a.latest_drift(), alerts=a.alerts("7d"),
                     cost=a.expected_cost("7d"), settings=a.settings, period_text="last 7 days")
    assert f"{kpis['total_predictions']:,} predictions" in text
    assert f"Error rate {kpis['error_rate']:.1%}: warn" in text
    assert "ALERT, 42 of 100 features drifted (42.0%)" in text
    assert "3 alert(s) fired in the period" in text
    assert "attention needed on error rate" in text and "data drift" in text
    table = kpi_table(kpis, a.settings)
    assert table.loc["Error rate", "status"] == "warn"
    assert table.loc["Predictions", "this period"] == f"{kpis['total_predictions']:,}"
    assert table.loc["Approval rate", "change"].endswith(" pt")


def test_summary_of_an_empty_period_says_how_to_get_data() -> None:
    """With no prediction the summary says so and how to generate traffic."""
    empty = {"total_predictions": 0}
    text = summarize(empty, latest_drift=None, alerts=pd.DataFrame(), cost=None,
                     settings=Settings(store={"url": None}), period_text="24h")
    assert "No predictions in 24h" in text and "creditwatch simulate" in text
