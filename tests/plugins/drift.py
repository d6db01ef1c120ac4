"""Synthetic applications for the drift tests: one reference and a pool of window rows.

Both come from ``creditwatch.synthetic.generator.generate`` (the project's schema-faithful generator)
with different seeds, so every window is a fresh sample of the reference distribution.
"""

from __future__ import annotations

import pandas as pd
import pytest

from creditwatch.synthetic.generator import generate

REFERENCE_ROWS = 20_000
WINDOW_POOL_ROWS = 100_000  # 200 windows of 500 rows


@pytest.fixture(scope="session")
def drift_reference_frame() -> pd.DataFrame:
    """The reference: 20 000 clean synthetic applications."""
    return generate(REFERENCE_ROWS, 101)


@pytest.fixture(scope="session")
def drift_window_pool() -> pd.DataFrame:
    """100 000 more clean applications from another seed, cut into windows by the tests."""
    return generate(WINDOW_POOL_ROWS, 202)
