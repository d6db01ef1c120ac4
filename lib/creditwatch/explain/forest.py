"""A LightGBM model flattened into arrays for the TreeSHAP kernel.

Read from ``Booster.dump_model()`` (17 significant digits: thresholds, leaf values and counts
round-trip exactly). Every tree's nodes are laid out in pre-order, trees one after another,
so a parent always comes before its children and one forward pass over a tree visits every
path. Per node: the split (feature, threshold, where NaN and zero go, the category bitset) and
``bit``, the position of the node's feature among the distinct features of the path from the
root (first appearance order, the same for every leaf below the node). Per leaf: its value,
the distinct features of its path with their *zero fractions* z (the product of
``count(child on the path) / count(node)`` over the path's splits on that feature), exactly
the quantities LightGBM's own ``Tree::TreeSHAP`` uses. The base value is the sum of the trees'
``ExpectedValue()`` (leaf values weighted by ``leaf_count / internal_count`` of the root).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import lightgbm as lgb
import numpy as np

LEAF, NUMERICAL, CATEGORICAL = 0, 1, 2
MAX_PATH_FEATURES = 62  # bit masks of a path's distinct features live in an int64


class UnsupportedModelError(ValueError):
    """A model outside what the engine reproduces (multiclass, random forest, very deep paths)."""


@dataclass(slots=True)
class Forest:
    """The trees as flat arrays (see the module docstring); ``tree_start`` has n_trees + 1."""

    n_features: int
    base_value: float
    tree_start: np.ndarray
    kind: np.ndarray
    feature: np.ndarray
    threshold: np.ndarray
    nan_left: np.ndarray  # numerical: the side NaN goes to
    zero_left: np.ndarray  # numerical, missing type Zero: the side 0 goes to (1/0), else -1
    left: np.ndarray
    right: np.ndarray
    bit: np.ndarray
    cat_start: np.ndarray  # categorical: the bitset's words in cat_words
    cat_len: np.ndarray
    cat_words: np.ndarray
    leaf_of: np.ndarray  # leaf node -> leaf id
    leaf_value: np.ndarray
    path_start: np.ndarray  # leaf id -> its path features in path_feature / path_z
    path_len: np.ndarray
    path_feature: np.ndarray
    path_z: np.ndarray

    @property
    def n_trees(self) -> int:
        return len(self.tree_start) - 1

    @property
    def max_tree_nodes(self) -> int:
        return int(np.diff(self.tree_start).max(initial=1))


def _bitset(categories: str) -> list[int]:
    """LightGBM's uint32 bitset of a categorical split's left categories ("1||4||9")."""
    values = [int(c) for c in categories.split("||")]
    words = [0] * (max(values) // 32 + 1)
    for v in values:
        words[v // 32] |= 1 << (v % 32)
    return words


class _Builder:
    def __init__(self) -> None:
        self.nodes: list[list[Any]] = []  # kind, feature, threshold, nan_left, zero_left, bit,
        #                                    cat_start, cat_len, leaf, left, right
        self.cat_words: list[int] = []
        self.leaf_value: list[float] = []
        self.paths: list[list[tuple[int, float]]] = []

    def tree(self, root: dict[str, Any]) -> float:
        """Append one tree; return its expected value (LightGBM's ``Tree::ExpectedValue``)."""
        if "split_index" not in root:  # a single-leaf tree: a constant, no attributions
            self._leaf(float(root["leaf_value"]), [])
            return float(root["leaf_value"])
        total = float(root["internal_count"])
        leaves: dict[int, tuple[int, float]] = {}
        self._node(root, [], leaves)
        expected = 0.0
        for index in sorted(leaves):
            count, value = leaves[index]
            expected += (count / total) * value
        return expected

    def _leaf(self, value: float, path: list[tuple[int, float]]) -> None:
        if len(path) > MAX_PATH_FEATURES:
            raise UnsupportedModelError(f"a path with {len(path)} distinct features")
        self.nodes.append([LEAF, -1, 0.0, False, -1, 0, 0, 0, len(self.leaf_value), -1, -1])
        self.leaf_value.append(value)
        self.paths.append(path)

    def _node(self, node: dict[str, Any], path: list[tuple[int, float]],
              leaves: dict[int, tuple[int, float]]) -> None:
        if "leaf_index" in node:
            leaves[int(node["leaf_index"])] = (int(node["leaf_count"]), float(node["leaf_value"]))
            self._leaf(float(node["leaf_value"]), path)
            return
        feature = int(node["split_feature"])
        known = [f for f, _ in path]
        bit = known.index(feature) if feature in known else len(path)
        incoming = path[bit][1] if bit < len(path) else 1.0
        me = len(self.nodes)
        row: list[Any] = [NUMERICAL, feature, 0.0, False, -1, bit, 0, 0, -1, -1, -1]
        if node["decision_type"] == "==":
            words = _bitset(str(node["threshold"]))
            row[0], row[6], row[7] = CATEGORICAL, len(self.cat_words), len(words)
            self.cat_words.extend(words)
        else:
            threshold = float(node["threshold"])
            missing, default_left = node["missing_type"], bool(node["default_left"])
            row[2] = threshold
            # NaN is read as 0.0 unless the missing type is NaN; 0.0 is missing for type Zero
            row[3] = default_left if missing in ("NaN", "Zero") else threshold >= 0.0
            row[4] = int(default_left) if missing == "Zero" else -1
        self.nodes.append(row)
        count = float(node["internal_count"])
        for side, slot in (("left_child", 9), ("right_child", 10)):
            child = node[side]
            child_count = float(child["leaf_count"] if "leaf_index" in child else child["internal_count"])
            z = (child_count / count) * incoming
            child_path = list(path)
            if bit < len(path):
                child_path[bit] = (feature, z)
            else:
                child_path.append((feature, z))
            self.nodes[me][slot] = len(self.nodes)
            self._node(child, child_path, leaves)


def build_forest(booster: lgb.Booster) -> Forest:
    """Flatten a binary-objective (or regression) LightGBM booster."""
    dump = booster.dump_model()
    if dump.get("num_tree_per_iteration", 1) != 1 or dump.get("average_output", False):
        raise UnsupportedModelError("only one tree per iteration, boosted (not averaged) trees")
    builder = _Builder()
    tree_start = [0]
    base = 0.0
    for info in dump["tree_info"]:
        base += builder.tree(info["tree_structure"])
        tree_start.append(len(builder.nodes))
    nodes = builder.nodes
    column = lambda j, dtype: np.array([n[j] for n in nodes], dtype=dtype)  # noqa: E731 - local shorthand
    lengths = [len(p) for p in builder.paths]
    return Forest(
        n_features=int(dump["max_feature_idx"]) + 1,
        base_value=base,
        tree_start=np.array(tree_start, dtype=np.int64),
        kind=column(0, np.int8), feature=column(1, np.int64), threshold=column(2, np.float64),
        nan_left=column(3, np.bool_), zero_left=column(4, np.int8), bit=column(5, np.int64),
        cat_start=column(6, np.int64), cat_len=column(7, np.int64),
        cat_words=np.array(builder.cat_words or [0], dtype=np.uint32),
        leaf_of=column(8, np.int64), left=column(9, np.int64), right=column(10, np.int64),
        leaf_value=np.array(builder.leaf_value, dtype=np.float64),
        path_start=np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64),
        path_len=np.array(lengths, dtype=np.int64),
        path_feature=np.array([f for p in builder.paths for f, _ in p], dtype=np.int64),
        path_z=np.array([z for p in builder.paths for _, z in p], dtype=np.float64),
    )
