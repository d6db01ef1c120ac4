"""The drift methods, registered declaratively: name, column kinds, role, threshold setting, functions.

Each statistic lives in its own module (``ks``, ``chi2``, ``psi``, ``wasserstein``,
``jensen_shannon``, ``missing``) and registers itself here when the package is imported. An
entry carries two functions:

* ``batch``: the vectorised form the engine calls once per window on all columns of a kind
  (numeric methods read a :class:`~creditwatch.drift.numeric.NumericBatch`, categorical ones a
  :class:`~creditwatch.drift.categorical.CategoricalBatch`);
* ``pair``: the same statistic on two raw samples of one column, for notebooks and for the
  oracle tests; it runs through the batch code, so testing it tests the engine.

Roles: ``test`` gives a p-value (its threshold is alpha), ``effect`` gives an effect size (its
threshold is the minimum effect for a column to count as drifted when ``gate`` is set; other
effects are reported only), ``signal`` is reported beside the verdict (missing rate). The
threshold values are settings: ``setting`` names the ``Settings.drift`` field that holds one.
The engine asks :func:`test_for` and :func:`gate_for` which method to use for each kind.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from creditwatch.schema import Kind

Role = Literal["test", "effect", "signal"]


@dataclass(frozen=True, slots=True)
class DriftMethod:
    """One registered statistic."""

    name: str
    kinds: tuple[Kind, ...]
    role: Role
    setting: str | None  # the ``Settings.drift`` field holding its threshold; None: reported only
    batch: Callable[..., Any]
    pair: Callable[..., Any]
    description: str
    gate: bool = False  # the effect size that must reach its minimum for a column to drift


REGISTRY: dict[str, DriftMethod] = {}


def register(method: DriftMethod) -> DriftMethod:
    """Add ``method``; names are unique, a kind has at most one test and one gate, and a
    gate names the setting of its minimum."""
    if method.name in REGISTRY:
        raise ValueError(f"drift method {method.name!r} is already registered")
    if method.gate and method.setting is None:
        raise ValueError(f"the gate {method.name!r} needs the setting of its minimum")
    for kind in method.kinds:
        for other in REGISTRY.values():
            if kind in other.kinds and method.role == other.role == "test":
                raise ValueError(f"{kind} columns already have the test {other.name!r}")
            if kind in other.kinds and method.gate and other.gate:
                raise ValueError(f"{kind} columns already have the gate {other.name!r}")
    REGISTRY[method.name] = method
    return method


def get(name: str) -> DriftMethod:
    """The method called ``name``; ``KeyError`` lists the known ones."""
    try:
        return REGISTRY[name]
    except KeyError:
        raise KeyError(f"unknown drift method {name!r}; known: {sorted(REGISTRY)}") from None


def test_for(kind: Kind) -> DriftMethod:
    """The hypothesis test applied to columns of ``kind``."""
    return _one(kind, lambda m: m.role == "test", "test")


def gate_for(kind: Kind) -> DriftMethod:
    """The effect size whose minimum a column of ``kind`` must reach to count as drifted."""
    return _one(kind, lambda m: m.gate, "gating effect size")


def methods_for(kind: Kind) -> list[DriftMethod]:
    """Every method that applies to ``kind``, in registration order."""
    return [m for m in REGISTRY.values() if kind in m.kinds]


def _one(kind: Kind, keep: Callable[[DriftMethod], bool], what: str) -> DriftMethod:
    found = [m for m in REGISTRY.values() if kind in m.kinds and keep(m)]
    if not found:
        raise LookupError(f"no {what} registered for {kind} columns")
    return found[0]
