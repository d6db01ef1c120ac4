"""The declarative registry of drift methods."""

from __future__ import annotations

import numpy as np
import pytest

from creditwatch.config_groups import DriftConfig
from creditwatch.drift import registry
from creditwatch.drift.registry import DriftMethod


def test_every_method_is_registered_with_its_threshold_setting() -> None:
    """Each statistic module registered its name, kinds, role and the drift setting that holds
    its threshold, whose default is the documented one (PSI is reported only)."""
    table = {m.name: (m.kinds, m.role, m.setting, m.gate) for m in registry.REGISTRY.values()}
    assert table == {
        "chi2": (("categorical",), "test", "alpha", False),
        "jensen_shannon": (("categorical",), "effect", "min_jensen_shannon", True),
        "ks": (("numeric",), "test", "alpha", False),
        "missing_rate": (("numeric", "categorical"), "signal", "min_missing_change", False),
        "psi": (("numeric", "categorical"), "effect", None, False),
        "wasserstein": (("numeric",), "effect", "min_wasserstein", True),
    }
    defaults = DriftConfig()
    assert {m.name: getattr(defaults, m.setting) for m in registry.REGISTRY.values()
            if m.setting} == {"chi2": 0.05, "jensen_shannon": 0.05, "ks": 0.05,
                              "missing_rate": 0.05, "wasserstein": 0.1}


def test_lookup_by_kind() -> None:
    """The engine finds one test and one gating effect size per column kind."""
    assert registry.test_for("numeric").name == "ks"
    assert registry.test_for("categorical").name == "chi2"
    assert registry.gate_for("numeric").name == "wasserstein"
    assert registry.gate_for("categorical").name == "jensen_shannon"
    assert {m.name for m in registry.methods_for("numeric")} == {
        "ks", "wasserstein", "psi", "missing_rate"}
    with pytest.raises(KeyError, match="unknown drift method"):
        registry.get("anderson")


def test_pair_functions_run_on_raw_samples() -> None:
    """Every registered pair function accepts two raw samples of one column."""
    rng = np.random.default_rng(0)
    num_a, num_b = rng.normal(size=200), rng.normal(1.0, size=150)
    cat_a = rng.choice(np.array(["x", "y", "z"], dtype=object), size=200)
    cat_b = rng.choice(np.array(["x", "y"], dtype=object), size=150)
    assert registry.get("ks").pair(num_a, num_b)[1] < 0.01
    assert registry.get("wasserstein").pair(num_a, num_b) > 0.3
    assert registry.get("psi").pair(num_a, num_b) > 0.1
    assert registry.get("chi2").pair(cat_a, cat_b)[1] < 1e-6
    assert registry.get("jensen_shannon").pair(cat_a, cat_b) > 0.2
    assert registry.get("missing_rate").pair(num_a, num_b)[2] == 1.0


def test_a_kind_cannot_get_two_tests_or_two_gates() -> None:
    """Registering a second test or gate for a kind, or a duplicate name, is refused."""
    def noop(*_: object) -> None:
        return None

    for method in (
        DriftMethod("ks", ("numeric",), "effect", None, noop, noop, "duplicate name"),
        DriftMethod("anderson", ("numeric",), "test", "alpha", noop, noop, "second test"),
        DriftMethod("energy", ("numeric",), "effect", "alpha", noop, noop, "second gate",
                    gate=True),
    ):
        with pytest.raises(ValueError, match="already"):
            registry.register(method)
    with pytest.raises(ValueError, match="setting"):
        registry.register(DriftMethod("hellinger", ("categorical",), "effect", None, noop, noop,
                                      "gate without a setting", gate=True))
    assert "anderson" not in registry.REGISTRY and "hellinger" not in registry.REGISTRY
