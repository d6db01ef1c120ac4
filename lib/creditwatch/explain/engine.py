"""Exact TreeSHAP contributions of a LightGBM model, fast.

:class:`TreeShap` gives the numbers of ``Booster.predict(x, pred_contrib=True)`` (one column
per model feature, then the base value; each row sums to the raw margin) from the flattened
forest (:mod:`.forest`) through the one compiled kernel (:mod:`.kernel`; a row alone is a
block of one), a large batch split over threads (the kernel releases the GIL). The kernel is
compiled once per installation (numba's cache beside the module) and warmed up when the
engine is built, so the first scored application does not pay for it. A call costs no numba
dispatch and no allocation beyond its answer: the engine calls the compiled entry point of
the one signature it uses, with work buffers kept per thread.
:func:`lightgbm_contributions` is the reference path, LightGBM's own TreeSHAP, which the tests
and the benchmark compare against.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import lightgbm as lgb
import numpy as np
from numba import typeof

from creditwatch.explain import kernel
from creditwatch.explain.forest import Forest, build_forest
from creditwatch.explain.kernel import BLOCK, fill_tables, shapley_weights

# Leaves whose path has at most this many distinct features get a table of 2^d values
# (32 KB at most); the others are computed on the fly (see .kernel). A table lookup is
# cheaper than the sums even for d = 12 (measured), a larger table mostly misses the cache.
DEFAULT_TABLE_FEATURES = 12
DEFAULT_TABLE_BUDGET = 1 << 23  # values (64 MB): tables go to the leaves with fewest features
PARALLEL_ROWS = 256  # from here on a batch is split over threads


def lightgbm_contributions(booster: lgb.Booster, x: np.ndarray) -> np.ndarray:
    """LightGBM's own TreeSHAP (the reference): n x (features + 1), base value last."""
    return np.asarray(booster.predict(x, pred_contrib=True), dtype=float)


def table_layout(forest: Forest, max_features: int, budget: int) -> tuple[np.ndarray, int]:
    """Each leaf's offset in the table array (-1: computed on the fly) and the total size.

    Leaves with at most ``max_features`` path features are tabled, fewest features first,
    while the total stays within ``budget`` values. A leaf with a zero fraction of 0 on its
    path is computed on the fly (the tabled form divides by z)."""
    path_len = forest.path_len
    has_zero = np.zeros(len(path_len), dtype=bool)
    zero_at = np.flatnonzero(forest.path_z == 0.0)
    if len(zero_at):
        has_zero[np.searchsorted(forest.path_start, zero_at, side="right") - 1] = True
    eligible = (path_len > 0) & ~has_zero
    sizes = np.where(eligible, np.left_shift(1, np.minimum(path_len, 62)), 0)
    cap = 0
    for d in range(1, max_features + 1):
        if sizes[eligible & (path_len <= d)].sum() > budget:
            break
        cap = d
    sizes = np.where(eligible & (path_len <= cap), sizes, 0)
    offsets = np.cumsum(sizes) - sizes
    return np.where(sizes > 0, offsets, -1).astype(np.int64), int(sizes.sum())


class TreeShap:
    """Contributions of one booster's trees; build once, call from any thread."""

    def __init__(self, booster: lgb.Booster, *, table_features: int = DEFAULT_TABLE_FEATURES,
                 table_budget: int = DEFAULT_TABLE_BUDGET, threads: int | None = None) -> None:
        started = time.perf_counter()
        forest = build_forest(booster)
        self.forest = forest
        self.n_features = forest.n_features
        self.base_value = forest.base_value
        self.threads = threads or os.cpu_count() or 1
        table_start, size = table_layout(forest, table_features, table_budget)
        tables = np.zeros(max(size, 1))
        weights = shapley_weights(int(forest.path_len.max(initial=0)) + 1)
        fill_tables(forest.leaf_value, forest.path_start, forest.path_len, forest.path_z,
                    table_start, tables, weights)
        self.tabled_leaves = int((table_start >= 0).sum())
        self.table_bytes = int(size) * 8
        self._args = _kernel_args(forest, table_start, tables, weights)
        self._buffer_shapes = (forest.max_tree_nodes, self.n_features, weights.shape[0] + 1)
        self._local = threading.local()
        self._one: Callable[..., None] = kernel.shap_one  # the dispatchers until warmed up
        self._few: Callable[..., None] = kernel.shap_few
        self._rows: Callable[..., None] = kernel.shap_rows
        self.contributions(np.zeros((2, self.n_features)))  # compile, or load numba's cache
        self.contributions(np.zeros((1, self.n_features)))
        self._run(np.zeros((2, self.n_features)), np.zeros((2, self.n_features + 1)),
                  kernel.shap_rows)
        x, out = np.zeros((1, self.n_features)), np.zeros((1, self.n_features + 1))
        signature = tuple(typeof(a) for a in (x, out, *self._args, *self._buffers()))
        # the compiled entry points: no type dispatch per call (the engine's arguments always
        # have these types: float64 C-contiguous matrices, its own arrays)
        self._one = kernel.shap_one.overloads[signature].entry_point
        self._few = kernel.shap_few.overloads[signature].entry_point
        self._rows = kernel.shap_rows.overloads[signature].entry_point
        self.build_seconds = time.perf_counter() - started

    def _buffers(self) -> tuple[np.ndarray, ...]:
        """This thread's work buffers for the kernel (made on its first call)."""
        buffers: tuple[np.ndarray, ...] | None = getattr(self._local, "buffers", None)
        if buffers is None:
            nodes, features, scratch = self._buffer_shapes
            buffers = (np.zeros(nodes * BLOCK, np.int64), np.zeros(features * BLOCK),
                       np.zeros((features + 1) * BLOCK), np.zeros(scratch))
            self._local.buffers = buffers
        return buffers

    def _run(self, x: np.ndarray, out: np.ndarray, kernel: Callable[..., None]) -> None:
        kernel(x, out, *self._args, *self._buffers())

    def contributions(self, x: np.ndarray) -> np.ndarray:
        """n x (features + 1): each feature's contribution to the raw margin, base value last."""
        x = np.ascontiguousarray(x, dtype=np.float64)
        if x.ndim != 2 or x.shape[1] != self.n_features:
            raise ValueError(f"expected a (rows, {self.n_features}) matrix, got {x.shape}")
        n = x.shape[0]
        out = np.empty((n, self.n_features + 1))
        if n == 1:
            self._run(x, out, self._one)
        elif n < PARALLEL_ROWS or self.threads == 1:
            self._run(x, out, self._few)
        else:  # contiguous row ranges: each slice of x and out stays C-contiguous
            bounds = np.linspace(0, n, self.threads + 1).astype(int)
            with ThreadPoolExecutor(self.threads) as pool:
                list(pool.map(lambda a, b: self._run(x[a:b], out[a:b], self._rows), bounds[:-1],
                              bounds[1:]))
        return out


def _kernel_args(forest: Forest, table_start: np.ndarray, tables: np.ndarray,
                 weights: np.ndarray) -> tuple[object, ...]:
    f = forest
    with np.errstate(divide="ignore"):  # z = 0 only on leaves computed on the fly
        ratio = (1.0 - f.path_z) / f.path_z
    return (f.base_value, f.tree_start, f.kind, f.feature, f.threshold, f.nan_left, f.zero_left,
            f.bit, f.cat_start, f.cat_len, f.cat_words, f.leaf_of, f.left, f.right, f.leaf_value,
            f.path_start, f.path_len, f.path_feature, f.path_z, ratio, table_start, tables, weights)
