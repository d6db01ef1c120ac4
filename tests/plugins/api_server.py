"""The real scoring API as a subprocess (``creditwatch serve``), for persistence and fault tests.

* ``api_server_factory(database_url=None, api_key=None, workers=1, **env)``: a started server
  (``workers`` uvicorn processes) on a free port, rooted in a fresh temporary project folder
  whose ``artifacts/model`` is a copy of the session bundle; ``database_url=None`` means the
  embedded SQLite store.
* ``api_server``: one such server on the embedded store.
* ``inproc_api`` / ``inproc_api_factory``: the same app in-process behind a TestClient
  (lifespan running), for request/response behaviour; ``flush()`` ships its spool.

Each server can be stopped (SIGTERM: the API flushes its spool; SIGKILL after a timeout),
killed (SIGKILL: nothing flushed) and restarted on the same port and folder. Every server a
test started is stopped at teardown, so nothing is left running.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol

import httpx
import pandas as pd
import pytest
from fastapi.testclient import TestClient

from creditwatch.api import create_app
from creditwatch.api.state import ApiState
from creditwatch.cli.processes import Service, clean_environment, free_port
from creditwatch.config import Settings
from creditwatch.model.bundle import ModelBundle
from creditwatch.scoring import Scorer
from creditwatch.store import Store, upgrade

CHECKOUT = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 90.0
STOP_TIMEOUT_S = 30.0


class ApiServer:
    """One API process at a time on a fixed port and project folder."""

    def __init__(self, root: Path, bundle_dir: Path, *, database_url: str | None,
                 api_key: str | None, env: dict[str, str], workers: int = 1) -> None:
        self.root = root
        self.database_url = database_url
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = root / "server.log"
        artifacts = root / "artifacts"
        shutil.copytree(bundle_dir, artifacts / "model")
        child = clean_environment(**{"CREDITWATCH_ROOT": str(root),
                                     "CREDITWATCH_ARTIFACTS_DIR": str(artifacts), **env})
        if database_url is not None:
            child["DATABASE_URL"] = database_url
        if api_key is not None:
            child["CREDITWATCH_API_KEY"] = api_key
        cmd = [sys.executable, "-m", "creditwatch.cli.main", "serve",
               "--host", "127.0.0.1", "--port", str(self.port), "--workers", str(workers)]
        # cwd: the temporary root, so no .env of the checkout is read
        self.service = Service("API", cmd, f"{self.url}/health", env=child, cwd=root,
                               log_path=self.log_path)
        self.starts = 0
        # Each worker imports and loads the model on its own: on a loaded machine that adds up.
        self.start_timeout = START_TIMEOUT_S * (1 if workers == 1 else 2)

    # --- lifecycle
    def start(self) -> ApiServer:
        self.service.start(self.start_timeout)
        self.starts += 1
        return self

    def stop(self, timeout: float = STOP_TIMEOUT_S) -> bool:
        """SIGTERM (graceful: the spool is flushed), SIGKILL if it does not end in time.
        True when the process ended by itself."""
        return self.service.stop(timeout)

    def kill(self) -> None:
        """SIGKILL: the process dies at once, whatever it was doing."""
        self.service.kill()

    def restart(self) -> ApiServer:
        self.stop()
        return self.start()

    @property
    def running(self) -> bool:
        return self.service.running

    # --- what tests look at
    def client(self, **kwargs: Any) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=30, **kwargs)

    def settings(self) -> Settings:
        return Settings(paths={"root": self.root}, store={"url": self.database_url})

    def store(self) -> Store:
        return Store.from_settings(self.settings())

    def log_lines(self) -> list[str]:
        return self.log_path.read_text(errors="replace").splitlines()

    def log_tail(self, n: int = 40) -> str:
        return self.service.log_tail(n)

    def spool_files(self) -> list[Path]:
        return sorted(self.settings().spool_dir.glob("*"))


class ApiServerFactory(Protocol):
    def __call__(self, *, database_url: str | None = None, api_key: str | None = None,
                 workers: int = 1, **env: str) -> ApiServer: ...


@pytest.fixture
def api_server_factory(tmp_path_factory: pytest.TempPathFactory,
                       bundle_dir: Path) -> Iterator[ApiServerFactory]:
    """Start real API processes; all of them are stopped at teardown."""
    servers: list[ApiServer] = []

    def make(*, database_url: str | None = None, api_key: str | None = None, workers: int = 1,
             **env: str) -> ApiServer:
        server = ApiServer(tmp_path_factory.mktemp("api"), bundle_dir,
                           database_url=database_url, api_key=api_key, env=env,
                           workers=workers)
        servers.append(server)
        return server.start()

    yield make
    for server in servers:
        server.stop()


@pytest.fixture
def api_server(api_server_factory: ApiServerFactory) -> ApiServer:
    """The real API on the embedded SQLite store."""
    return api_server_factory()


# --- the same app in-process (TestClient), for pure request/response behaviour


class InProcessApi:
    """``create_app`` behind a TestClient (lifespan running) on its own embedded store."""

    def __init__(self, settings: Settings, scorer: Scorer) -> None:
        self.settings = settings
        self.app = create_app(settings, scorer)
        self.client = TestClient(self.app, raise_server_exceptions=False)

    @property
    def state(self) -> ApiState:
        state: ApiState = self.app.state.creditwatch
        return state

    def flush(self) -> Store:
        """Ship everything spooled so far to the store, and return the store."""
        assert self.state.writer.flush(), "spool not flushed"
        return self.state.store

    def anomalies(self, request_id: str) -> pd.DataFrame:
        frame = self.flush().read_anomalies()
        return frame[frame["request_id"] == request_id]

    def predictions(self, request_id_prefix: str) -> pd.DataFrame:
        frame = self.flush().read_predictions()
        return frame[frame["request_id"].str.startswith(request_id_prefix)]


class InProcessApiFactory(Protocol):
    def __call__(self, **settings: Any) -> InProcessApi: ...


@pytest.fixture(scope="module")
def inproc_api_factory(tmp_path_factory: pytest.TempPathFactory,
                       bundle: ModelBundle) -> Iterator[InProcessApiFactory]:
    """In-process APIs with Settings overrides (``api={"key": ...}``, ...), each on a new
    project folder and embedded store; closed (spool flushed) at the end of the module."""
    opened: list[InProcessApi] = []

    def make(**overrides: Any) -> InProcessApi:
        settings = Settings(paths={"root": tmp_path_factory.mktemp("inproc")},
                            store={"url": None}, **overrides)
        api = InProcessApi(settings, Scorer(bundle, settings))
        api.client.__enter__()  # runs the lifespan: writer started
        opened.append(api)
        return api

    yield make
    for api in opened:
        api.client.__exit__(None, None, None)


@pytest.fixture(scope="module")
def inproc_api(inproc_api_factory: InProcessApiFactory) -> InProcessApi:
    """The API in-process with default settings, shared by a test module."""
    return inproc_api_factory()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def server_database_url(request: pytest.FixtureRequest) -> str | None:
    """DATABASE_URL for a real API: None (embedded SQLite), or a new migrated PostgreSQL
    database made for this test."""
    if request.param == "sqlite":
        return None
    url = str(request.getfixturevalue("pg_fresh_url"))
    upgrade(url)
    return url
