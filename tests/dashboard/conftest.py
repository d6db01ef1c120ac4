"""Fixtures of the dashboard tests: seeded project folders, the dashboard as a real
``streamlit run`` process, and headless Chromium (Debian's, driven by Playwright).

Everything started here is stopped at teardown (SIGTERM, then SIGKILL), so nothing is left
running.
"""

from __future__ import annotations

import shutil
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from creditwatch.cli.processes import Service, clean_environment, free_port
from creditwatch.model.bundle import ModelBundle
from creditwatch.store import Store

from tests.dashboard import seeding
from tests.plugins.api_server import ApiServer
from tests.plugins.environment import in_ci

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
START_TIMEOUT_S = 60.0
UNREACHABLE_PG = "postgresql://postgres@127.0.0.1:1/nowhere"  # nothing listens on port 1


class Dashboard:
    """``creditwatch dashboard`` (which runs streamlit) on a free port, in its own process
    group and environment."""

    def __init__(self, root: Path, env: dict[str, str]) -> None:
        self.root = root
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = root / "dashboard.log"
        cmd = [sys.executable, "-m", "creditwatch.cli.main", "dashboard",
               "--port", str(self.port), "--host", "127.0.0.1"]
        self.service = Service("streamlit", cmd, f"{self.url}/_stcore/health",
                               env=clean_environment(**{"CREDITWATCH_ROOT": str(root), **env}),
                               cwd=root, log_path=self.log_path)

    def start(self) -> Dashboard:
        self.service.start(START_TIMEOUT_S)
        return self

    def stop(self) -> None:
        self.service.stop(15)


def wait_stored(store: Store, predictions: int, anomalies: int, timeout: float = 30.0) -> None:
    """Wait until the API's background writer has shipped everything to the store."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if (store.count_predictions() >= predictions
                and len(store.read_anomalies()) >= anomalies):
            return
        time.sleep(0.2)
    raise AssertionError(f"the API did not store {predictions} predictions in {timeout} s")


@pytest.fixture(scope="module")
def live_stack(tmp_path_factory: pytest.TempPathFactory, bundle_dir: Path,
               bundle: ModelBundle, challenger_bundle: ModelBundle) -> Iterator[dict[str, Any]]:
    """A real API (``creditwatch serve``) on a seeded embedded store, and the dashboard
    pointed at the same project folder and API."""
    root = tmp_path_factory.mktemp("live")
    api = ApiServer(root, bundle_dir, database_url=None, api_key=None, env={})
    dashboard = None
    try:
        api.start()
        settings = api.settings()
        store = api.store()
        backfilled = seeding.backfill(store, bundle, settings)
        sent = seeding.seed_over_http(api.url)
        wait_stored(store, backfilled + sent.accepted, sent.rejected)
        seeding.drift_and_alerts(store, bundle, settings)
        seeding.model_performance(store, bundle, settings)
        seeding.shadow_scores(store, challenger_bundle, settings)
        dashboard = Dashboard(root, {"CREDITWATCH_API_URL": api.url,
                                     "CREDITWATCH_ARTIFACTS_DIR": str(root / "artifacts")})
        dashboard.start()
        yield {"api": api, "dashboard": dashboard, "store": store, "settings": settings}
        store.close()
    finally:
        if dashboard is not None:
            dashboard.stop()
        api.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Debian Chromium; skipped locally when absent, a failure under CI."""
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} missing: `make system-deps` installs it"
        if in_ci():
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                              args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def seeded_root(tmp_path: Path, bundle_dir: Path) -> Path:
    """A project folder with the model bundle and an empty embedded store location."""
    seeding.project_root(tmp_path, bundle_dir)
    return tmp_path


def copy_bundle(root: Path, bundle_dir: Path) -> None:
    shutil.copytree(bundle_dir, root / "artifacts" / "model", dirs_exist_ok=True)


@pytest.fixture(autouse=True)
def _keep_main_module() -> Iterator[None]:
    """AppTest runs the app as ``__main__`` and leaves it in sys.modules; later tests that
    spawn processes (multiprocessing re-imports ``__main__``) would then run the app.
    Restore the real one after each dashboard test."""
    main = sys.modules["__main__"]
    main_file = getattr(main, "__file__", None)
    yield
    sys.modules["__main__"] = main
    if main_file is not None:
        main.__file__ = main_file
