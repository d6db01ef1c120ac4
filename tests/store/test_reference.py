"""The training reference: stored per model version, read back with its dtypes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from creditwatch.model.bundle import ModelBundle
from creditwatch.store import Store, load_reference


@pytest.fixture
def reference() -> pd.DataFrame:
    rng = np.random.default_rng(5)
    n = 500
    amounts = rng.lognormal(12, 0.5, n)
    amounts[::7] = np.nan
    return pd.DataFrame({
        "AMT_CREDIT": amounts,
        "CNT_CHILDREN": pd.Series(rng.integers(0, 4, n), dtype="Int64").where(
            np.arange(n) % 9 != 0, pd.NA),
        "DAYS_BIRTH": rng.integers(-25_000, -7_000, n),
        "CODE_GENDER": pd.Series(rng.choice(["F", "M"], n), dtype=object).where(
            np.arange(n) % 11 != 0, None),
        "FLAG_OWN_CAR": pd.Series(rng.choice(["Y", "N"], n), dtype="category"),
        "REG_REGION_NOT_LIVE_REGION": rng.random(n) < 0.1,
        "ORGANIZATION_TYPE": ["Société 😀"] * n,
    })


def test_reference_round_trips_with_dtypes(store: Store, reference: pd.DataFrame) -> None:
    """Every column comes back with its values, missing entries and dtype, in order."""
    stats = {"n_rows": 500, "fields": {"AMT_CREDIT": {"mean": 1.5e5, "quantiles": [1, 2]}}}
    assert store.write_reference("m1", reference, stats)
    stored = store.read_reference("m1")
    assert stored is not None
    assert stored.model_version == "m1" and stored.stats == stats
    assert stored.loaded_at.tzinfo is not None
    pd.testing.assert_frame_equal(stored.data, reference)


def test_load_is_idempotent_per_model_version(store: Store, reference: pd.DataFrame) -> None:
    """Loading the same model version again changes nothing unless asked to replace."""
    assert load_reference(store, "m1", reference, {"v": 1})
    assert not load_reference(store, "m1", reference.head(10), {"v": 2})
    first = store.read_reference("m1")
    assert first is not None and len(first.data) == 500 and first.stats == {"v": 1}
    assert load_reference(store, "m1", reference.head(10), {"v": 2}, replace=True)
    replaced = store.read_reference("m1")
    assert replaced is not None and len(replaced.data) == 10 and replaced.stats == {"v": 2}
    assert len(store.reference_versions()) == 1


def test_latest_version_and_column_subset(store: Store, reference: pd.DataFrame) -> None:
    """Without a version the latest loaded reference is read; a column subset reads only
    those columns; an unknown version is None."""
    store.write_reference("m1", reference)
    store.write_reference("m2", reference.head(20))
    latest = store.read_reference(columns=["CODE_GENDER", "AMT_CREDIT"])
    assert latest is not None and latest.model_version == "m2"
    assert list(latest.data.columns) == ["AMT_CREDIT", "CODE_GENDER"]  # stored order
    assert len(latest.data) == 20
    assert store.read_reference("nope") is None
    assert store.reference_versions()["model_version"].tolist() == ["m2", "m1"]


def test_bundle_reference_loads_as_is(store: Store, bundle: ModelBundle) -> None:
    """The trained bundle's reference sample and statistics are stored and read back equal."""
    assert load_reference(store, bundle.version, bundle.reference, bundle.reference_stats)
    stored = store.read_reference(bundle.version)
    assert stored is not None
    pd.testing.assert_frame_equal(stored.data, bundle.reference)
    assert stored.stats == bundle.reference_stats
