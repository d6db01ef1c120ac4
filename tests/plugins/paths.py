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
