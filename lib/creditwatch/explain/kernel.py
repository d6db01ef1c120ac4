"""The TreeSHAP kernels, compiled with numba.

Path-dependent TreeSHAP (the algorithm of LightGBM's ``pred_contrib``) reorganised by leaf, as
in Fast TreeSHAP v2 (Yang, 2021). For a leaf of value v whose path has d distinct features
with zero fractions z, a row either follows every split of the path on a feature (the feature
is in S) or not. With K = the product of z over the features not in S and
``G(U) = sum_m e_m(z_U) * w_d(|U| - m)`` (e_m the elementary symmetric polynomials of the z of
U, ``w_d(k) = k! (d-k-1)! / d!`` the Shapley weights), the leaf adds

* ``v * K * (1 - z_i) * G(S - {i})`` to a feature i in S,
* ``-v * K * G(S)`` to a feature i not in S,

which is LightGBM's ``Tree::TreeSHAP`` summed in closed form. G depends only on the leaf and
S, so it is precomputed for every subset S (2^d values per leaf, :func:`fill_tables`) for
leaves with few path features; the others compute it on the fly in O(d^2)
(:func:`_leaf_on_the_fly`): a big table costs a cache miss per lookup, more than the sums.
Per row, one forward pass over each tree's pre-ordered nodes evaluates every split once and
carries down the mask of the path features the row failed (``failed``), so a row costs
O(nodes + sum of d over leaves) lookups instead of TreeSHAP's O(leaves * depth^2).

Split semantics are LightGBM's (``Tree::NumericalDecision`` / ``CategoricalDecision``), and a
value within 1e-35 of zero reads as 0.0, as LightGBM's dense-matrix reader makes it.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, uint64

ZERO_THRESHOLD = float(np.float32(1e-35))  # LightGBM's kZeroThreshold, a float literal
_INT_LIMIT = 2147483648.0  # a category code at or above this is not an int (goes right)


def shapley_weights(max_d: int) -> np.ndarray:
    """``w[d, k] = k! (d-k-1)! / d! = 1 / (d * C(d-1, k))``, correctly rounded."""
    w = np.zeros((max_d + 1, max_d + 1))
    for d in range(1, max_d + 1):
        for k in range(d):
            w[d, k] = 1.0 / (d * math.comb(d - 1, k))
    return w


@njit(cache=True)
def fill_tables(leaf_value: np.ndarray, path_start: np.ndarray, path_len: np.ndarray,
                path_z: np.ndarray, table_start: np.ndarray, tables: np.ndarray,
                w: np.ndarray) -> None:
    """``A(S) = v * K(S) * G(S)`` for every subset S of every tabled leaf, at
    ``tables[table_start[leaf] + S]``."""
    for leaf in range(len(path_start)):
        t0, d, p0 = table_start[leaf], path_len[leaf], path_start[leaf]
        if t0 < 0 or d == 0:
            continue
        n = 1 << d
        e = np.zeros((n, d + 1))  # e[S, m]: m-th elementary symmetric polynomial of z_S
        size = np.zeros(n, np.int64)
        product = np.ones(n)  # product[S]: the product of z over S
        e[0, 0] = 1.0
        for s in range(1, n):
            b = 0
            while not (s >> b) & 1:
                b += 1
            prev = s ^ (1 << b)
            size[s] = size[prev] + 1
            z = path_z[p0 + b]
            product[s] = product[prev] * z
            e[s, 0] = e[prev, 0]
            for m in range(1, size[s] + 1):
                e[s, m] = e[prev, m] + z * e[prev, m - 1]
        for s in range(n):
            g = 0.0
            for m in range(size[s] + 1):
                g += e[s, m] * w[d, size[s] - m]
            tables[t0 + s] = leaf_value[leaf] * product[(n - 1) ^ s] * g


@njit(cache=True, inline="always")
def _leaf_on_the_fly(phi: np.ndarray, nb: int, r: int, inside: int, c: float, d: int, p0: int,
                     path_feature: np.ndarray, path_z: np.ndarray, w: np.ndarray,
                     e: np.ndarray) -> None:
    """One leaf without a table, for row ``r`` of a block of ``nb`` (``phi[feature * nb + r]``):
    e(z_S) in O(d^2), then each e(z_S - {i}) by dividing out (1 + z_i t) (forward deflation,
    stable for z <= 1), O(d) per feature."""
    e[0] = 1.0
    size = 0
    for p in range(d):
        if (inside >> p) & 1:
            size += 1
            e[size] = 0.0
            z = path_z[p0 + p]
            for m in range(size, 0, -1):
                e[m] += z * e[m - 1]
    g_all = 0.0
    for m in range(size + 1):
        g_all += e[m] * w[d, size - m]
    for p in range(d):
        if (inside >> p) & 1:
            z = path_z[p0 + p]
            below = 1.0  # e_0 of S - {p}
            g = w[d, size - 1]
            for m in range(1, size):
                below = e[m] - z * below
                g += below * w[d, size - 1 - m]
            phi[uint64(path_feature[p0 + p] * nb + r)] += c * (1.0 - z) * g
        else:
            phi[uint64(path_feature[p0 + p] * nb + r)] -= c * g_all


@njit(cache=True, inline="always")
def _shap_pass(x: np.ndarray, out: np.ndarray, base: float, tree_start: np.ndarray,
               kind: np.ndarray, feature: np.ndarray, threshold: np.ndarray,
               nan_left: np.ndarray, zero_left: np.ndarray, bit: np.ndarray,
               cat_start: np.ndarray, cat_len: np.ndarray, cat_words: np.ndarray,
               leaf_of: np.ndarray, left: np.ndarray, right: np.ndarray,
               leaf_value: np.ndarray, path_start: np.ndarray, path_len: np.ndarray,
               path_feature: np.ndarray, path_z: np.ndarray, path_ratio: np.ndarray,
               table_start: np.ndarray, tables: np.ndarray, w: np.ndarray,
               failed_at: np.ndarray, values: np.ndarray, phi: np.ndarray,
               scratch: np.ndarray, block: int) -> None:
    """``out`` (n x (features + 1)) receives each row's contributions, base value last.

    One algorithm for one row and for many: rows go through the trees in blocks of up to
    ``block`` (one row is a block of one), each node and each leaf's table visited once per
    block. It is inlined into :func:`shap_one` (block 1), :func:`shap_few` and
    :func:`shap_rows` (block :data:`BLOCK`), so the compiler sees a constant block: for one
    row the loops over the block are single iterations it removes, as fast as a kernel
    written for one row.

    The caller's flat buffers (no allocation per call), each line ``nb`` (the rows of the
    current block) long, so that one row's lines are contiguous too: ``failed_at`` (max tree
    nodes lines, int64: per node of the current tree, per row, the mask of the path features
    the row failed), ``values`` (features lines: the block's values), ``phi`` (features + 1
    lines), and ``scratch`` (max path features + 2). Indices are cast to unsigned: numba
    checks signed ones for wraparound."""
    n_rows, n_features = x.shape
    for r0 in range(0, n_rows, block):
        nb = block if n_rows - r0 >= block else n_rows - r0
        for f in range(n_features):
            for r in range(nb):
                v = x[r0 + r, f]
                values[f * nb + r] = 0.0 if -ZERO_THRESHOLD <= v <= ZERO_THRESHOLD else v
        phi[: (n_features + 1) * nb] = 0.0
        for t in range(len(tree_start) - 1):
            s0, s1 = tree_start[t], tree_start[t + 1]
            failed_at[:nb] = 0
            for node in range(s0, s1):
                at = uint64((node - s0) * nb)
                if kind[uint64(node)] == 0:
                    leaf = uint64(leaf_of[uint64(node)])
                    d = path_len[leaf]
                    if d == 0:
                        continue
                    p0, t0 = path_start[leaf], table_start[leaf]
                    full = (np.int64(1) << d) - 1
                    if t0 < 0:
                        for r in range(nb):
                            failed = failed_at[at + uint64(r)]
                            c = leaf_value[leaf]
                            for p in range(d):
                                c *= path_z[p0 + p] if (failed >> p) & 1 else 1.0
                            _leaf_on_the_fly(phi, nb, r, full & ~failed, c, d, p0, path_feature,
                                             path_z, w, scratch)
                        continue
                    # selects, not branches: whether a row follows a path is a coin flip to
                    # the branch predictor
                    for p in range(d):
                        i = uint64(p0 + p)
                        ratio, flag = path_ratio[i], np.int64(1) << p
                        target = uint64(path_feature[i] * nb)
                        for r in range(nb):
                            inside = full & ~failed_at[at + uint64(r)]
                            follows = inside & flag
                            coef = ratio if follows else -1.0
                            phi[target + uint64(r)] += coef * tables[uint64(t0 + (inside ^ follows))]
                    continue
                f = uint64(feature[uint64(node)] * nb)
                flag = np.int64(1) << bit[uint64(node)]
                on_left = uint64((left[uint64(node)] - s0) * nb)
                on_right = uint64((right[uint64(node)] - s0) * nb)
                numerical = kind[uint64(node)] == 1
                thr, nan_side, zero_side = threshold[node], nan_left[node], zero_left[node]
                words, n_words = cat_start[node], cat_len[node]
                for r in range(nb):
                    v = values[f + uint64(r)]
                    if numerical:
                        if v != v:
                            go_left = nan_side
                        elif zero_side >= 0 and v == 0.0:
                            go_left = zero_side == 1
                        else:
                            go_left = v <= thr
                    else:  # categorical: NaN, negative and unlisted codes go right
                        go_left = False
                        if -1.0 < v < _INT_LIMIT:  # NaN compares False; int() truncates like C++
                            code = int(v)
                            if (code >> 5) < n_words:
                                word = cat_words[uint64(words + (code >> 5))]
                                go_left = (word >> (code & 31)) & 1 == 1
                    failed = failed_at[at + uint64(r)]
                    failed_at[on_left + uint64(r)] = failed if go_left else failed | flag
                    failed_at[on_right + uint64(r)] = failed | flag if go_left else failed
        for r in range(nb):
            for f in range(n_features):
                out[r0 + r, f] = phi[f * nb + r]
            out[r0 + r, n_features] = phi[n_features * nb + r] + base


BLOCK = 32  # rows through the trees together (one table visit per leaf per block)
# The API calls the kernel on its event loop thread for well under a millisecond: releasing
# the GIL there would hand it to the store's writer thread, and getting it back can take a
# whole switch interval (5 ms; measured: /predict with reasons at concurrency 1 went from
# 15 ms to 3 ms under load when the one-row kernel kept the GIL). Only the large batches,
# split over threads, release it.


@njit(cache=True)
def shap_one(x: np.ndarray, out: np.ndarray, base: float, tree_start: np.ndarray,
             kind: np.ndarray, feature: np.ndarray, threshold: np.ndarray,
             nan_left: np.ndarray, zero_left: np.ndarray, bit: np.ndarray,
             cat_start: np.ndarray, cat_len: np.ndarray, cat_words: np.ndarray,
             leaf_of: np.ndarray, left: np.ndarray, right: np.ndarray,
             leaf_value: np.ndarray, path_start: np.ndarray, path_len: np.ndarray,
             path_feature: np.ndarray, path_z: np.ndarray, path_ratio: np.ndarray,
             table_start: np.ndarray, tables: np.ndarray, w: np.ndarray,
             failed_at: np.ndarray, values: np.ndarray, phi: np.ndarray,
             scratch: np.ndarray) -> None:
    """:func:`_shap_pass` a row at a time (the one-row API case), holding the GIL."""
    _shap_pass(x, out, base, tree_start, kind, feature, threshold, nan_left, zero_left, bit,
               cat_start, cat_len, cat_words, leaf_of, left, right, leaf_value, path_start,
               path_len, path_feature, path_z, path_ratio, table_start, tables, w, failed_at,
               values, phi, scratch, 1)


@njit(cache=True)
def shap_few(x: np.ndarray, out: np.ndarray, base: float, tree_start: np.ndarray,
             kind: np.ndarray, feature: np.ndarray, threshold: np.ndarray,
             nan_left: np.ndarray, zero_left: np.ndarray, bit: np.ndarray,
             cat_start: np.ndarray, cat_len: np.ndarray, cat_words: np.ndarray,
             leaf_of: np.ndarray, left: np.ndarray, right: np.ndarray,
             leaf_value: np.ndarray, path_start: np.ndarray, path_len: np.ndarray,
             path_feature: np.ndarray, path_z: np.ndarray, path_ratio: np.ndarray,
             table_start: np.ndarray, tables: np.ndarray, w: np.ndarray,
             failed_at: np.ndarray, values: np.ndarray, phi: np.ndarray,
             scratch: np.ndarray) -> None:
    """:func:`_shap_pass` in blocks of :data:`BLOCK` rows, holding the GIL (a coalesced
    pass's refused rows)."""
    _shap_pass(x, out, base, tree_start, kind, feature, threshold, nan_left, zero_left, bit,
               cat_start, cat_len, cat_words, leaf_of, left, right, leaf_value, path_start,
               path_len, path_feature, path_z, path_ratio, table_start, tables, w, failed_at,
               values, phi, scratch, BLOCK)


@njit(cache=True, nogil=True)
def shap_rows(x: np.ndarray, out: np.ndarray, base: float, tree_start: np.ndarray,
              kind: np.ndarray, feature: np.ndarray, threshold: np.ndarray,
              nan_left: np.ndarray, zero_left: np.ndarray, bit: np.ndarray,
              cat_start: np.ndarray, cat_len: np.ndarray, cat_words: np.ndarray,
              leaf_of: np.ndarray, left: np.ndarray, right: np.ndarray,
              leaf_value: np.ndarray, path_start: np.ndarray, path_len: np.ndarray,
              path_feature: np.ndarray, path_z: np.ndarray, path_ratio: np.ndarray,
              table_start: np.ndarray, tables: np.ndarray, w: np.ndarray,
              failed_at: np.ndarray, values: np.ndarray, phi: np.ndarray,
              scratch: np.ndarray) -> None:
    """:func:`_shap_pass` in blocks of :data:`BLOCK` rows, without the GIL (a large batch,
    split over threads)."""
    _shap_pass(x, out, base, tree_start, kind, feature, threshold, nan_left, zero_left, bit,
               cat_start, cat_len, cat_words, leaf_of, left, right, leaf_value, path_start,
               path_len, path_feature, path_z, path_ratio, table_start, tables, w, failed_at,
               values, phi, scratch, BLOCK)
