"""Every page of the dashboard run by Streamlit's AppTest (in-process, no browser): the empty
store, an unreachable store, and a seeded store of each kind."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from creditwatch.analytics import Analytics
from creditwatch.config import Settings
from creditwatch.model.bundle import ModelBundle
from creditwatch.store import Store, pgadmin, upgrade

from tests.dashboard import seeding
from tests.dashboard.conftest import UNREACHABLE_PG, copy_bundle
from tests.plugins.postgres import STORES

APP = Path(__file__).resolve().parents[2] / "app" / "streamlit_app.py"
PAGES = ["home", "overview", "performance", "business", "drift", "model", "fairness", "models"]
# Plotly charts each page draws on the seeded store.
CHARTS = {"home": 1, "overview": 4, "performance": 3, "business": 8, "drift": 3, "model": 5,
          "fairness": 4, "models": 5}
UNREACHABLE = "The prediction store is unreachable"


def run_page(page: str) -> AppTest:
    """The app as `streamlit run` starts it, then switched to ``page``."""
    at = AppTest.from_file(str(APP), default_timeout=120).run()
    if page != "home":
        at.switch_page(f"views/{page}.py").run()
    return at


def texts(elements: Any) -> str:
    return "\n".join(str(e.value) for e in elements)


def point_at(monkeypatch: pytest.MonkeyPatch, root: Path, database_url: str | None = None
             ) -> None:
    """The dashboard's environment: this project folder, no API (nothing on port 1)."""
    for name in [n for n in os.environ if n.startswith("CREDITWATCH_")]:
        monkeypatch.delenv(name)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("CREDITWATCH_ROOT", str(root))
    monkeypatch.setenv("CREDITWATCH_API_URL", "http://127.0.0.1:1")
    if database_url is not None:
        monkeypatch.setenv("DATABASE_URL", database_url)


@pytest.mark.parametrize("page", PAGES)
def test_empty_store_says_how_to_generate_traffic(page: str, tmp_path: Path, bundle_dir: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """On a store without predictions every page says so and how to generate traffic (the
    drift page: that no check ran yet), with no chart and no exception."""
    copy_bundle(tmp_path, bundle_dir)
    point_at(monkeypatch, tmp_path)
    at = run_page(page)
    assert not at.exception
    info = texts(at.info)
    if page == "drift":
        assert "No drift check yet" in info
    elif page == "model":
        assert "No model performance report yet" in info and "creditwatch performance" in info
    elif page == "models":
        assert "No prediction was scored in shadow" in info and "model challenge" in info
    else:
        assert "No predictions" in info and "creditwatch simulate" in info
    if page == "home":  # nothing listens on port 1: the API is reported down, with the fix
        assert "API unreachable" in texts(at.error) and "creditwatch serve" in texts(at.error)
    assert not at.get("plotly_chart")
    assert UNREACHABLE not in texts(at.error)


@pytest.mark.parametrize("page", PAGES)
def test_unreachable_store_shows_a_clear_message(page: str, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """With PostgreSQL unreachable every page shows one clear message naming the store and
    what to check, never a traceback."""
    point_at(monkeypatch, tmp_path, UNREACHABLE_PG)
    at = run_page(page)
    assert not at.exception
    errors = texts(at.error)
    assert UNREACHABLE in errors and "127.0.0.1:1" in errors and "PostgreSQL" in errors
    assert not at.get("plotly_chart")


def test_unopenable_embedded_store_shows_a_clear_message(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """An embedded store that cannot be opened (its data folder is a file) is reported as
    unreachable, with what to check."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    point_at(monkeypatch, tmp_path)
    monkeypatch.setenv("CREDITWATCH_DATA_DIR", str(blocker))
    at = run_page("overview")
    assert not at.exception
    errors = texts(at.error)
    assert UNREACHABLE in errors and "embedded SQLite" in errors


@pytest.fixture(scope="module", params=STORES)
def seeded(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
           bundle_dir: Path, bundle: ModelBundle,
           challenger_bundle: ModelBundle) -> Iterator[tuple[Path, str | None]]:
    """A project folder and store (embedded SQLite or PostgreSQL) seeded like production:
    backfilled history, today's traffic through the API, drift checks and alerts, a
    challenger's shadow scores."""
    root = tmp_path_factory.mktemp("seeded")
    copy_bundle(root, bundle_dir)
    url: str | None = None
    name = None
    admin = None
    if request.param == "postgresql":
        admin = request.getfixturevalue("pg_admin_url")
        name = pgadmin.unique_name()
        url = pgadmin.create_database(admin, name)
        upgrade(url)
    settings = Settings(paths={"root": root}, store={"url": url})
    try:
        with Store.from_settings(settings) as store:
            seeding.backfill(store, bundle, settings)
            seeding.seed_in_process(settings)
            seeding.drift_and_alerts(store, bundle, settings)
            seeding.model_performance(store, bundle, settings)
            seeding.shadow_scores(store, challenger_bundle, settings)
        yield root, url
    finally:
        if name is not None and admin is not None:
            pgadmin.drop_database(admin, name)


@pytest.mark.parametrize("page", PAGES)
def test_seeded_pages_draw_their_charts(page: str, seeded: tuple[Path, str | None],
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """On a seeded store of either kind every page draws its charts, with no exception and
    no error message."""
    root, url = seeded
    point_at(monkeypatch, root, url)
    at = run_page(page)
    assert not at.exception
    assert len(at.get("plotly_chart")) == CHARTS[page]
    assert UNREACHABLE not in texts(at.error)


def threshold_lines(at: AppTest) -> list[float]:
    """x of the vertical lines on the Overview's probability histogram."""
    spec = json.loads(at.get("plotly_chart")[2].proto.spec)
    assert spec["layout"]["title"]["text"] == "Probability of default"
    return [s["x0"] for s in spec["layout"].get("shapes", []) if s["x0"] == s["x1"]]


def test_overview_kpis_are_the_analytics_layers(seeded: tuple[Path, str | None],
                                                bundle: ModelBundle,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """The Overview's four KPIs show the analytics layer's figures for the chosen period, and
    the histogram's threshold line is the model bundle's threshold."""
    root, url = seeded
    point_at(monkeypatch, root, url)
    at = run_page("overview")
    with Analytics(Settings(paths={"root": root}, store={"url": url})) as analytics:
        expected = analytics.kpis("all")
    shown = {m.label: m.value for m in at.metric}
    assert shown["Total predictions"] == f"{int(expected['total_predictions']):,}"
    assert shown["Approval rate"] == f"{expected['approval_rate']:.1%}"
    assert shown["Error rate"] == f"{expected['error_rate']:.2%}"
    assert shown["Mean latency"] == f"{expected['latency_mean_ms']:.2f} ms"
    assert threshold_lines(at) == [bundle.threshold]


def test_missing_model_bundle_is_explained(seeded: tuple[Path, str | None], tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """Without a model bundle the pages still show the stored data, and say that the
    threshold line and the expected cost need the bundle (never a made-up threshold)."""
    root, url = seeded
    # the seeded store, read from a project folder that has no bundle
    point_at(monkeypatch, tmp_path, url or f"sqlite:///{root / 'data' / 'creditwatch.db'}")
    at = run_page("overview")
    assert not at.exception
    assert "threshold line is not drawn" in texts(at.warning)
    assert threshold_lines(at) == []
    at.switch_page("views/business.py").run()
    assert not at.exception
    assert "error costs are needed" in texts(at.warning)
