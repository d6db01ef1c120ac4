"""The dashboard in a real browser: the real API and dashboard processes on a seeded store,
driven by headless Chromium. Screenshots of every page go to a temporary folder, or with
``--screenshots reports/screenshots`` (``make screenshots``) to the README's."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from creditwatch.analytics import Analytics
from creditwatch.dashboard.pagedata import PERIOD_LABELS, PERIODS, fairness, models
from creditwatch.explain.drift import reason_mix
from creditwatch.model.bundle import ModelBundle

from tests.dashboard import seeding
from tests.dashboard.conftest import Dashboard

pytestmark = [pytest.mark.slow, pytest.mark.browser]

# url path -> (screenshot name, plotly charts the page draws on the seeded store)
PAGES = {"": ("home", 1), "overview": ("overview", 4), "performance": ("performance", 3),
         "business": ("business", 8), "drift": ("drift", 3), "model": ("model", 5),
         "fairness": ("fairness", 4), "models": ("models", 5)}
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
TIMEOUT_MS = 30_000


def settle(page: Any) -> None:
    """Wait until the script run is over and its charts are drawn."""
    page.wait_for_timeout(300)  # the run starts just after navigation
    page.wait_for_selector(IDLE, timeout=TIMEOUT_MS)


def drawn(page: Any, charts: int) -> None:
    """Wait until at least ``charts`` Plotly charts are drawn: Plotly draws after the script
    run is over and after the text is on the page, so a plain count races it."""
    page.wait_for_function(f"document.querySelectorAll('.js-plotly-plot').length >= {charts}",
                           timeout=TIMEOUT_MS)


def open_page(page: Any, base: str, path: str, charts: int) -> None:
    page.goto(f"{base}/{path}")
    settle(page)
    drawn(page, charts)


def exceptions(page: Any) -> list[str]:
    return page.locator('[data-testid="stException"]').all_inner_texts()


def metrics(page: Any) -> dict[str, str]:
    """Shown KPI values by label."""
    found = {}
    for card in page.locator('[data-testid="stMetric"]').all():
        label = card.locator('[data-testid="stMetricLabel"]').inner_text().strip()
        found[label] = card.locator('[data-testid="stMetricValue"]').inner_text().strip()
    return found


def number(text: str) -> float:
    """'1,234' -> 1234, '73.2%' -> 0.732, '0.13 ms' -> 0.13."""
    value = float(re.sub(r"[^0-9.\-]", "", text))
    return value / 100 if text.endswith("%") else value


def screenshot(page: Any, directory: Path, name: str) -> None:
    """The whole page, as ``directory/name.png``: Streamlit scrolls inside its main block,
    not the document, so the viewport is stretched to the content's height for the shot."""
    directory.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    height = page.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": size["width"], "height": max(size["height"], height)})
    page.wait_for_timeout(500)  # charts re-layout to the new size
    page.screenshot(path=str(directory / f"{name}.png"))
    page.set_viewport_size(size)


@pytest.fixture(scope="module")
def page(browser: Any) -> Any:
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    yield context.new_page()
    context.close()


@pytest.fixture(scope="module")
def analytics(live_stack: dict[str, Any]) -> Any:
    with Analytics(live_stack["store"], settings=live_stack["settings"]) as opened:
        yield opened


@pytest.mark.parametrize("path", list(PAGES), ids=[v[0] for v in PAGES.values()])
def test_every_page_renders_its_charts(live_stack: dict[str, Any], page: Any, path: str,
                                       screenshot_dir: Path) -> None:
    """Each page draws its Plotly charts with no Streamlit exception, and is screenshotted."""
    name, charts = PAGES[path]
    open_page(page, live_stack["dashboard"].url, path, charts)
    assert exceptions(page) == []
    assert page.locator(".js-plotly-plot").count() >= charts
    screenshot(page, screenshot_dir, name)
    assert (screenshot_dir / f"{name}.png").stat().st_size > 0


def test_home_shows_status_and_all_time_figures(live_stack: dict[str, Any], page: Any,
                                                analytics: Analytics,
                                                bundle: ModelBundle) -> None:
    """`creditwatch dashboard` printed its URL; Home reports the API up with the served model
    version, the store kind, and the all-time total and approval rate the analytics layer
    computes."""
    dashboard = live_stack["dashboard"]
    assert f"dashboard: {dashboard.url}" in dashboard.log_path.read_text()  # printed by the CLI
    open_page(page, dashboard.url, "", 1)
    text = page.locator('[data-testid="stMain"]').inner_text()
    assert "API reachable" in text and bundle.version in text
    assert "Store reachable" in text and "embedded SQLite" in text
    shown, expected = metrics(page), analytics.kpis("all")
    assert number(shown["Total predictions"]) == expected["total_predictions"]
    assert number(shown["Approval rate"]) == pytest.approx(expected["approval_rate"], abs=5e-4)
    assert shown["Latest drift status"] == analytics.latest_drift()["status"]


def test_overview_kpis_equal_the_analytics_layer_for_every_period(
        live_stack: dict[str, Any], page: Any, analytics: Analytics) -> None:
    """Choosing each period in the sidebar shows the analytics layer's KPIs for it, and the
    seeded periods really differ (24h < 7d < 30d < all)."""
    open_page(page, live_stack["dashboard"].url, "overview", 4)
    totals = []
    for period in PERIODS:
        page.locator('[data-testid="stSidebar"]').get_by_role(
            "radio", name=PERIOD_LABELS[period], exact=True).click()
        settle(page)
        page.get_by_text(f"Period: {PERIOD_LABELS[period]}").wait_for(timeout=TIMEOUT_MS)
        assert exceptions(page) == []
        drawn(page, 4)
        shown, expected = metrics(page), analytics.kpis(period)
        assert number(shown["Total predictions"]) == expected["total_predictions"], period
        assert number(shown["Approval rate"]) == pytest.approx(expected["approval_rate"],
                                                               abs=5e-4)
        assert number(shown["Mean latency"]) == pytest.approx(expected["latency_mean_ms"],
                                                              abs=5e-3)
        assert number(shown["Error rate"]) == pytest.approx(expected["error_rate"], abs=5e-5)
        totals.append(expected["total_predictions"])
    assert totals == sorted(set(totals)), totals


def test_drift_page_runs_a_check_now(live_stack: dict[str, Any], page: Any,
                                     analytics: Analytics, screenshot_dir: Path) -> None:
    """The drift KPIs are the chosen window's stored figures; "Run drift check" stores a new
    report for the chosen window and the page then shows it."""
    store = live_stack["store"]
    before = len(store.read_drift_reports())
    open_page(page, live_stack["dashboard"].url, "drift", 2)
    latest = store.read_drift_reports().sort_values(["window_end", "id"]).iloc[-1]
    shown = metrics(page)
    assert number(shown["Drift share"]) == pytest.approx(latest["drift_share"], abs=5e-4)
    assert shown["Features affected"] == (f"{latest['n_features_drifted']} / "
                                          f"{latest['n_features_analyzed']}")
    page.get_by_role("radiogroup", name="Window").get_by_text(PERIOD_LABELS["24h"], exact=True).click()
    page.get_by_role("button", name="Run drift check").click()
    # the check (with its Evidently report) takes seconds; then the page shows the new window
    page.locator('[data-testid="stIFrame"]').wait_for(timeout=90_000)
    settle(page)
    drawn(page, 2)
    assert exceptions(page) == []
    reports = store.read_drift_reports()
    assert len(reports) == before + 1
    new = reports.sort_values("id").iloc[-1]
    assert (new["window_end"] - new["window_start"]).total_seconds() == pytest.approx(86_400)
    assert number(metrics(page)["Drift share"]) == pytest.approx(new["drift_share"], abs=5e-4)
    # its Evidently report is embedded and offered for download
    assert new["report_path"] and Path(new["report_path"]).is_file()
    assert page.get_by_role("button", name="Download the HTML report").count() == 1
    page.wait_for_timeout(2_000)  # the embedded report draws its own charts
    screenshot(page, screenshot_dir, "drift_evidently")


def test_drift_page_shows_the_reason_mix_of_the_library(live_stack: dict[str, Any], page: Any,
                                                       bundle: ModelBundle) -> None:
    """The drift page's reason section draws the reason mix chart and states the number of
    refusals with reasons in the last 7 days that ``explain.drift.reason_mix`` counts; its
    table shows each code's shares as the library computes them."""
    # The first visit explains the bundle's reference sample (then cached): on a loaded
    # machine the run takes longer than the other pages' first visits.
    page.goto(f"{live_stack['dashboard'].url}/drift")
    page.wait_for_timeout(300)
    page.wait_for_selector(IDLE, timeout=4 * TIMEOUT_MS)
    section = page.get_by_text("refused applications with reasons in the period")
    section.wait_for(timeout=TIMEOUT_MS)
    now = datetime.now(UTC)
    mix, n = reason_mix(live_stack["store"], bundle, now - timedelta(days=7), now)
    assert n > 0
    assert section.inner_text().startswith(f"{n:,} refused applications")
    drawn(page, 3)
    assert exceptions(page) == []
    table = page.locator('[data-testid="stTable"]').last.inner_text()
    for row in mix.head(5).itertuples():
        assert re.search(rf"{row.code}\s+{re.escape(row.text)}\s+{row.share:.1%}\s+"
                         rf"{row.reference_share:.1%}", table), (row.code, table[:500])


def test_auto_refresh_updates_the_open_page_in_place(live_stack: dict[str, Any], browser: Any,
                                                    bundle: ModelBundle) -> None:
    """With auto-refresh on, predictions stored after the page opened appear on it by
    themselves, without the browser reloading the page; switched off, the page stays put.
    (A second dashboard on the same store, refreshing every 2 s instead of 30.)"""
    store, settings = live_stack["store"], live_stack["settings"]
    fast = Dashboard(live_stack["dashboard"].root, {
        **{k: v for k, v in live_stack["dashboard"].service.env.items() if k.startswith("CREDITWATCH_")},
        "CREDITWATCH_DASHBOARD_REFRESH_S": "2", "CREDITWATCH_DASHBOARD_CACHE_TTL_S": "1"})
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    try:
        fast.start()
        page = context.new_page()
        open_page(page, fast.url, "overview", 4)
        before = number(metrics(page)["Total predictions"])
        page.evaluate("window.__sameDocument = true")
        assert seeding.new_traffic(store, bundle, settings, 5, "refresh-on") == 5
        page.wait_for_function(
            """n => [...document.querySelectorAll('[data-testid="stMetric"]')].some(m =>
                   m.innerText.includes('Total predictions') && m.innerText.includes(n))""",
            arg=f"{int(before) + 5:,}", timeout=TIMEOUT_MS)
        assert page.evaluate("window.__sameDocument") is True  # updated in place
        page.locator('[data-testid="stSidebar"]').get_by_text("Auto-refresh every 2 s").click()
        settle(page)
        assert seeding.new_traffic(store, bundle, settings, 3, "refresh-off") == 3
        page.wait_for_timeout(5_000)  # more than two refresh periods
        assert number(metrics(page)["Total predictions"]) == before + 5
    finally:
        context.close()
        fast.stop()


def test_fairness_page_shows_the_library_figures(live_stack: dict[str, Any], page: Any,
                                                 analytics: Analytics,
                                                 bundle: ModelBundle) -> None:
    """The Fairness page says whether the model reads the protected attributes, and for the
    last 30 days names the reference group and the group x decision p-value the fairness
    library computes, with one AIR chart and one AIR history per attribute."""
    open_page(page, live_stack["dashboard"].url, "fairness", 4)
    page.locator('[data-testid="stSidebar"]').get_by_role(
        "radio", name=PERIOD_LABELS["30d"], exact=True).click()
    settle(page)
    assert exceptions(page) == []
    text = page.locator('[data-testid="stMain"]').inner_text()
    assert "Does the model use the protected attributes?" in text
    expected = fairness(analytics, "30d", (bundle.cost_fn, bundle.cost_fp)).period
    for result in expected:
        assert f"By {result.attribute}" in text
    gender = next(r for r in expected if r.attribute == "CODE_GENDER")
    assert f"Reference (most favoured): {gender.reference}." in text
    assert f"{gender.independence.method} p = {gender.independence.p_value:.3g}" in text
    drawn(page, 2 * len(expected))


def test_models_page_shows_the_library_comparison(live_stack: dict[str, Any], page: Any,
                                                  analytics: Analytics,
                                                  challenger_bundle: ModelBundle) -> None:
    """The Models page names the registry's challenger and, for the last 30 days, shows
    the shadowed count, agreement and flips ``shadow.compare`` gives, with its charts:
    agreement, flips, AUC and one approval-change chart per protected attribute."""
    open_page(page, live_stack["dashboard"].url, "models", 5)
    page.locator('[data-testid="stSidebar"]').get_by_role(
        "radio", name=PERIOD_LABELS["30d"], exact=True).click()
    settle(page)
    assert exceptions(page) == []
    text = page.locator('[data-testid="stMain"]').inner_text()
    assert f"challenger {challenger_bundle.version}" in text
    [expected] = models(analytics, "30d").period
    shown = metrics(page)
    assert number(shown["Shadowed applications"]) == expected["n"]
    assert number(shown["Decision agreement"]) == pytest.approx(expected["agreement"], abs=5e-4)
    assert shown["Flips A→R / R→A"] == (f"{expected['approve_to_refuse']:,} / "
                                        f"{expected['refuse_to_approve']:,}")
    drawn(page, 5)
