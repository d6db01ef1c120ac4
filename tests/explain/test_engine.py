"""The TreeSHAP engine against LightGBM's own pred_contrib, to 1e-9, on every kind of row."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import lightgbm as lgb
import numpy as np
import pandas as pd
import pytest

from creditwatch import schema
from creditwatch.explain import TreeShap, lightgbm_contributions
from creditwatch.explain.engine import PARALLEL_ROWS
from creditwatch.files.loader import load_applications
from creditwatch.model.bundle import ModelBundle
from creditwatch.synthetic.generator import generate

from tests.plugins.paths import FIXTURES

TOL = 1e-9


def assert_exact(engine: TreeShap, booster: lgb.Booster, x: np.ndarray) -> None:
    """Per feature equal to pred_contrib, and each row sums to the raw margin (1e-9), through
    the batch path and the one-row path."""
    expected = lightgbm_contributions(booster, x)
    got = engine.contributions(x)
    np.testing.assert_allclose(got, expected, rtol=0, atol=TOL)
    np.testing.assert_allclose(got.sum(axis=1), booster.predict(x, raw_score=True), rtol=0, atol=TOL)
    for i in range(0, len(x), max(1, len(x) // 25)):
        np.testing.assert_allclose(engine.contributions(x[i : i + 1])[0], expected[i], rtol=0, atol=TOL)


def hostile_rows(bundle: ModelBundle, n: int, seed: int) -> np.ndarray:
    """Model rows from synthetic applications with NaN, zeros, tiny values, the DAYS_EMPLOYED
    sentinel, unknown categories and out-of-range values sprinkled in."""
    apps = generate(n, seed, id_start=500_000).drop(columns=["TARGET", "TRUE_PD"])
    rng = np.random.default_rng(seed)
    apps.loc[rng.random(n) < 0.3, "DAYS_EMPLOYED"] = schema.DAYS_EMPLOYED_SENTINEL
    apps.loc[rng.random(n) < 0.2, "OCCUPATION_TYPE"] = "Astronaut"  # unknown: scored as missing
    apps.loc[rng.random(n) < 0.2, "AMT_INCOME_TOTAL"] = 5e9  # far outside the typical range
    apps.loc[rng.random(n) < 0.1, "DAYS_BIRTH"] = -45_000
    values = bundle.pipeline.encode(apps).values.copy()
    u = rng.random(values.shape)
    values[u < 0.10] = np.nan
    values[(u >= 0.10) & (u < 0.13)] = 0.0
    values[(u >= 0.13) & (u < 0.14)] = 1e-40  # LightGBM reads |v| <= 1e-35 as zero
    values[(u >= 0.14) & (u < 0.15)] = -0.0
    return bundle.pipeline.transform_encoded(_encoded(values))


def _encoded(values: np.ndarray):  # type: ignore[no-untyped-def]
    from creditwatch.features import Encoded

    return Encoded(values, np.zeros(values.shape, bool), np.zeros(values.shape, bool))


@pytest.fixture(scope="module")
def engine(bundle: ModelBundle) -> TreeShap:
    return TreeShap(bundle.booster)


@pytest.fixture(scope="module")
def deep_booster(bundle: ModelBundle) -> lgb.Booster:
    """400 deep trees (min 5 rows per leaf, 63 leaves) on the bundle's features."""
    apps = generate(8_000, 21)
    x = bundle.pipeline.transform(apps)
    data = lgb.Dataset(x, apps["TARGET"].to_numpy(), feature_name=bundle.feature_names,
                       categorical_feature=bundle.pipeline.categorical_features)
    params = {"objective": "binary", "num_leaves": 63, "min_data_in_leaf": 5, "learning_rate": 0.05,
              "max_cat_to_onehot": 4, "feature_fraction": 0.7, "verbose": -1, "seed": 5,
              "num_threads": 1}
    return lgb.train(params, data, num_boost_round=400)


def test_synthetic_rows_equal_pred_contrib(engine: TreeShap, bundle: ModelBundle) -> None:
    """Synthetic applications: contributions equal pred_contrib and sum to the raw margin."""
    assert_exact(engine, bundle.booster, bundle.pipeline.transform(generate(600, 8, id_start=1)))


def test_hostile_rows_equal_pred_contrib(engine: TreeShap, bundle: ModelBundle) -> None:
    """Rows with NaN, zeros, 1e-40, -0.0, the DAYS_EMPLOYED sentinel, unknown categories and
    out-of-range values give LightGBM's contributions."""
    assert_exact(engine, bundle.booster, hostile_rows(bundle, 600, 9))


def test_rows_full_of_missing_values(engine: TreeShap, bundle: ModelBundle) -> None:
    """An all-NaN row, an all-zero row and an all-sentinel employment row are exact."""
    x = np.full((3, len(bundle.feature_names)), np.nan)
    x[1] = 0.0
    x[2, schema.FIELD_NAMES.index("DAYS_EMPLOYED")] = schema.DAYS_EMPLOYED_SENTINEL
    assert_exact(engine, bundle.booster, x)


def test_real_format_rows(engine: TreeShap, bundle: ModelBundle) -> None:
    """The real-format fixture rows, read through the loader, are exact."""
    frames = [load_applications(FIXTURES / name).frame
              for name in ("application_train_sample.csv", "application_test_sample.csv")]
    assert_exact(engine, bundle.booster, bundle.pipeline.transform(pd.concat(frames)))


def test_large_batch_over_threads(bundle: ModelBundle) -> None:
    """A batch large enough to be split over threads gives the single-thread numbers."""
    x = hostile_rows(bundle, PARALLEL_ROWS * 2 + 7, 10)
    threaded = TreeShap(bundle.booster, threads=3).contributions(x)
    single = TreeShap(bundle.booster, threads=1).contributions(x)
    np.testing.assert_array_equal(threaded, single)
    np.testing.assert_allclose(threaded, lightgbm_contributions(bundle.booster, x), rtol=0, atol=TOL)


def test_leaves_computed_on_the_fly(bundle: ModelBundle) -> None:
    """Without any table (every leaf computed on the fly) the numbers are the same."""
    engine = TreeShap(bundle.booster, table_features=0)
    assert engine.tabled_leaves == 0
    assert_exact(engine, bundle.booster, hostile_rows(bundle, 200, 11))


def test_a_tight_table_budget_keeps_the_numbers(bundle: ModelBundle) -> None:
    """A budget that tables only the shallowest leaves mixes both kinds of leaves, exactly."""
    engine = TreeShap(bundle.booster, table_budget=5_000)
    assert 0 < engine.tabled_leaves < len(engine.forest.leaf_value)
    assert engine.table_bytes <= 5_000 * 8
    assert_exact(engine, bundle.booster, hostile_rows(bundle, 200, 12))


def test_400_deep_trees(deep_booster: lgb.Booster, bundle: ModelBundle) -> None:
    """A model with 400 trees of 63 leaves (paths deeper than the served model's) is exact."""
    engine = TreeShap(deep_booster)
    assert engine.forest.n_trees == 400
    assert int(engine.forest.path_len.max()) > 12  # some leaves go through the on-the-fly path
    assert_exact(engine, deep_booster, hostile_rows(bundle, 300, 13))


@pytest.mark.parametrize("params", [
    {"zero_as_missing": True},  # missing type Zero
    {"use_missing": False},  # missing type None: NaN is read as 0.0
    {"max_cat_to_onehot": 64, "min_data_per_group": 5, "cat_smooth": 1.0},  # many-category bitsets
])
def test_split_kinds(params: dict[str, object]) -> None:
    """Zero-as-missing, no-missing and many-category splits follow LightGBM's semantics."""
    rng = np.random.default_rng(4)
    n = 4_000
    x = rng.normal(size=(n, 6))
    x[:, 0] = rng.integers(0, 70, n)  # a categorical with codes beyond one 32-bit word
    x[rng.random((n, 6)) < 0.15] = np.nan
    x[rng.random((n, 6)) < 0.15] = 0.0
    y = ((np.nan_to_num(x[:, 1]) + (np.nan_to_num(x[:, 0]) % 7 == 3) + rng.normal(size=n)) > 0.5)
    data = lgb.Dataset(x, y.astype(int), categorical_feature=[0])
    booster = lgb.train({"objective": "binary", "num_leaves": 15, "min_data_in_leaf": 10,
                         "verbose": -1, "seed": 1, **params}, data, num_boost_round=40)
    probe = x[:500].copy()
    probe[:50, 0] = rng.integers(70, 200, 50)  # unseen categories
    probe[50:60, 0] = -3.0  # a negative category goes right
    probe[60:70, 0] = -0.5  # truncates to category 0, as LightGBM's int cast does
    assert_exact(TreeShap(booster), booster, probe)


def test_one_kernel_for_every_pass_size(engine: TreeShap, bundle: ModelBundle) -> None:
    """One row at a time, passes of 33 rows (a full block and a partial one) and one pass of
    70 give bit-identical contributions, equal to pred_contrib."""
    x = hostile_rows(bundle, 70, 14)
    whole = engine.contributions(x)
    singles = np.vstack([engine.contributions(x[i : i + 1]) for i in range(len(x))])
    pieces = np.vstack([engine.contributions(x[i : i + 33]) for i in range(0, len(x), 33)])
    np.testing.assert_array_equal(singles, whole)
    np.testing.assert_array_equal(pieces, whole)
    np.testing.assert_allclose(whole, lightgbm_contributions(bundle.booster, x), rtol=0, atol=TOL)


def test_concurrent_callers_keep_their_own_buffers(engine: TreeShap, bundle: ModelBundle) -> None:
    """Threads calling one engine at the same time (each with its own work buffers) get the
    numbers a lone caller gets: one row, small passes, and large batches (which run without
    the GIL, so they overlap each other and the other calls)."""
    x = hostile_rows(bundle, PARALLEL_ROWS + 10, 15)
    expected = engine.contributions(x)
    spans = [(i, i + size) for size in (1, 5) for i in range(0, 40, size)]
    spans += [(0, len(x)), (5, len(x))] * 3

    def run(span: tuple[int, int]) -> bool:
        a, b = span
        return bool(np.array_equal(engine.contributions(x[a:b]), expected[a:b]))

    with ThreadPoolExecutor(4) as pool:
        assert all(pool.map(run, spans))
