"""One window, one verdict per KPI: the alert check, the dashboard's chips and the report
(the notebook's summary and KPI table) agree, for windows placed on each band's edges."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from creditwatch.alerts import run_check
from creditwatch.analytics import Analytics
from creditwatch.config import Settings
from creditwatch.drift.result import share_status
from creditwatch.reports.summary import kpi_table, summarize
from creditwatch.store import Store

from tests.dashboard.test_app import APP, point_at, run_page
from tests.support.window import anomalies, drift_report, predictions

GOOD, WARN, BAD = "good", "warn", "bad"
# The chip colours of app/components/ui.py, read back as levels.
COLOR_LEVELS = {"green": GOOD, "orange": WARN, "red": BAD, "gray": "unknown"}
KINDS = ("error_rate", "latency_mean", "latency_p95", "drift", "approval_rate")


# predictions, approved, rejected, latency (ms), drift share -> expected level per KPI kind.
# Default settings: error rate 1 % / 5 %; mean latency 50 / 100 ms; p95 100 ms; drift share
# 10 % / 30 %; approval usual 70-85 %, alert outside 50-95 %. Every figure below is exact.
WINDOWS: dict[str, tuple[tuple[int, int, int, float, float], tuple[str, ...]]] = {
    "healthy": ((100, 80, 0, 20.0, 0.05), (GOOD, GOOD, GOOD, GOOD, GOOD)),
    "on the usual edges": ((990, 693, 10, 50.0, 0.10), (WARN, WARN, GOOD, WARN, GOOD)),
    "on the alert edges": ((190, 95, 10, 100.0, 0.30), (WARN, WARN, GOOD, WARN, WARN)),
    "beyond the alert edges": ((180, 72, 20, 100.5, 0.3001), (BAD, BAD, BAD, BAD, BAD)),
}


def seed(store: Store, now: datetime, n: int, approved: int, rejected: int, latency: float,
         share: float, s: Settings) -> None:
    """The window's rows an hour or two before ``now``, and its latest drift report."""
    store.write_predictions(predictions(n, now - timedelta(hours=2), latency=latency,
                                        approved=approved))
    store.write_anomalies(anomalies(rejected, now - timedelta(hours=1)))
    status = share_status(share, s.drift.warning_share, s.drift.alert_share)
    store.write_drift_report(drift_report(now - timedelta(minutes=5), share, str(status)))


def chips(at: AppTest) -> dict[str, tuple[str, str]]:
    """KPI label -> (level, band text) of each chip under a metric on the page."""
    found = {}
    for column in at.columns:
        if len(column.metric) != 1 or len(column.caption) != 1:
            continue
        caption = str(column.caption[0].value)  # ":red[:material/error: alert: above 5%]"
        color, _, rest = caption[1:].partition("[")
        found[column.metric[0].label] = (COLOR_LEVELS[color], rest.rstrip("]").split(": ", 1)[1])
    return found


def dashboard(root: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, tuple[str, str]]:
    """kind -> (level, text) as the Home (drift), Overview and Performance pages show them
    for the last 24 h."""
    point_at(monkeypatch, root)
    seen: dict[str, tuple[str, str]] = {}
    home = run_page("home")
    assert not home.exception
    seen["drift"] = chips(home)["Latest drift status"]
    for page, labels in (("overview", {"Approval rate": "approval_rate",
                                       "Mean latency": "latency_mean",
                                       "Error rate": "error_rate"}),
                         ("performance", {"Mean latency": "latency_mean",
                                          "P95 latency": "latency_p95",
                                          "Error rate": "error_rate"})):
        at = AppTest.from_file(str(APP), default_timeout=120)
        at.session_state["period"] = "24h"
        at.run()
        at.switch_page(f"views/{page}.py").run()
        assert not at.exception
        assert "Last 24 h" in " ".join(str(c.value) for c in at.caption)
        shown = chips(at)
        for label, kind in labels.items():
            assert seen.setdefault(kind, shown[label]) == shown[label], (page, kind)
    return seen


@pytest.mark.parametrize("name", list(WINDOWS))
def test_alert_check_dashboard_and_report_agree(name: str, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """For a window placed on a band's edges, every KPI gets the level hand-computed from the
    settings, the same on the dashboard's chips, in the report's table and summary and in
    the alert check, which fires exactly the KPIs judged bad."""
    figures, levels = WINDOWS[name]
    expected = dict(zip(KINDS, levels, strict=True))
    settings = Settings(paths={"root": tmp_path})
    now = datetime.now(UTC)
    with Store.from_settings(settings) as store:
        seed(store, now, *figures, settings)
        check = run_check(store, settings, now=now)
        with Analytics(store, settings=settings, now=now) as a:  # as notebook 03 opens it
            kpis = a.kpis("24h")
            table = kpi_table(kpis, settings)
            text = summarize(kpis, latest_drift=a.latest_drift(), alerts=a.alerts("24h"),
                             cost=None, settings=settings, period_text="last 24 h")
    alert_levels = {kind: check.verdicts[kind].level for kind in KINDS}
    assert alert_levels == expected
    assert sorted(a.kind for a in check.fired) == sorted(k for k in KINDS if expected[k] == BAD)
    texts = {kind: check.verdicts[kind].text for kind in KINDS}

    shown = dashboard(tmp_path, monkeypatch)
    assert shown == {kind: (expected[kind], texts[kind]) for kind in KINDS}

    rows = {"error_rate": "Error rate", "latency_mean": "Mean latency",
            "latency_p95": "P95 latency", "approval_rate": "Approval rate"}
    for kind, row in rows.items():
        assert (table.loc[row, "status"], table.loc[row, "band"]) == (expected[kind],
                                                                      texts[kind])
    for kind, row in rows.items():  # the summary's sentence: "- Error rate 5.0%: warn (...)."
        line = next(line for line in text.splitlines() if line.startswith(f"- {row} "))
        assert line.endswith(f": {expected[kind]} ({texts[kind]}).")
    assert f"features drifted ({kpis['drift_share']:.1%}): {texts['drift']}." in text
    flagged = [kind for kind in KINDS if expected[kind] != GOOD]
    assert ("every indicator is in its healthy band" in text) is (not flagged)
    assert ("data drift" in text) is (expected["drift"] != GOOD)
    assert check.kpis["total_predictions"] == kpis["total_predictions"] == figures[0]

