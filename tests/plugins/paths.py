"""Fixtures for an isolated project root per test: no test writes into the checkout."""

from __future__ import annotations

from pathlib import Path

import pytest

from creditwatch.config import Settings

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings rooted in a fresh temporary project folder, embedded store."""
    return Settings(paths={"root": tmp_path}, store={"url": None})


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--screenshots", metavar="DIR", default=None,
                     help="write the dashboard browser tests' screenshots to DIR (`make "
                          "screenshots` passes reports/screenshots); default: a temporary folder")


@pytest.fixture(scope="session")
def screenshot_dir(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
                   ) -> Path:
    """Where the browser tests save their screenshots: ``--screenshots DIR``, else a
    temporary folder, so a test run never rewrites the README's tracked screenshots."""
    chosen = request.config.getoption("--screenshots")
    return Path(chosen).resolve() if chosen else tmp_path_factory.mktemp("screenshots")
