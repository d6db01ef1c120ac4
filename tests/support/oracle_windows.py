"""Windows of synthetic applications with outcomes drawn from TRUE_PD, per drift kind: the
shared data of the performance oracle test and the performance benchmark.

Each kind gets ``windows`` windows of ``size`` applications, split evenly over its intensities
and generated in one frame per intensity (then sliced). ``concept`` windows reuse the clean
frame's inputs (the generator's concept kind leaves every input identical, a tested property)
and draw new outcomes from the changed link's TRUE_PD, which saves generating them again.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import expit

from creditwatch.model.bundle import ModelBundle
from creditwatch.synthetic.generator import generate
from creditwatch.synthetic.risk import risk_logit
from creditwatch.synthetic.shift import CONCEPT_EXT, CONCEPT_SHOCK, DriftSpec, Link

KINDS: dict[str, tuple[float, ...]] = {
    "clean": (0.0,),
    "gradual": (0.1, 0.2, 0.3),
    "sudden": (0.3, 0.5, 0.7),
    "feature_shift": (0.25, 0.5, 1.0),
    "concept": (0.5, 0.75, 1.0),
}


@dataclass
class KindWindows:
    """All windows of one kind, stacked: inputs, raw model scores, outcomes, TRUE_PD."""

    kind: str
    size: int
    inputs: pd.DataFrame
    scores: np.ndarray
    outcomes: np.ndarray
    true_pd: np.ndarray
    intensity: np.ndarray  # per window

    @property
    def n_windows(self) -> int:
        return len(self.scores) // self.size

    def window(self, i: int) -> slice:
        return slice(i * self.size, (i + 1) * self.size)


def _split(windows: int, parts: int) -> list[int]:
    base, extra = divmod(windows, parts)
    return [base + (k < extra) for k in range(parts)]


def make_windows(bundle: ModelBundle, *, windows: int = 200, size: int = 2_000,
                 seed: int = 2024, kinds: tuple[str, ...] = tuple(KINDS)) -> dict[str, KindWindows]:
    """``windows`` windows per kind in ``kinds``, scored by ``bundle``'s model."""
    out: dict[str, KindWindows] = {}
    clean: KindWindows | None = None
    for k, kind in enumerate(kinds):
        if kind == "concept":
            continue
        frames, levels = [], []
        for j, (i, count) in enumerate(zip(KINDS[kind], _split(windows, len(KINDS[kind])),
                                           strict=True)):
            spec = None if kind == "clean" else DriftSpec(kind, i)  # type: ignore[arg-type]
            frames.append(generate(count * size, seed + 100 * k + j, spec))
            levels += [i] * count
        frame = pd.concat(frames, ignore_index=True)
        out[kind] = _scored(kind, size, frame, bundle, np.array(levels))
        if kind == "clean":
            clean = out[kind]
    if "concept" in kinds:
        base = clean if clean is not None else _scored(
            "clean", size, generate(windows * size, seed, None), bundle, np.zeros(windows))
        out["concept"] = _relabelled(base, windows, seed)
    return out


def _scored(kind: str, size: int, frame: pd.DataFrame, bundle: ModelBundle,
            levels: np.ndarray) -> KindWindows:
    scores = np.asarray(bundle.booster.predict(bundle.pipeline.transform(frame)), dtype=float)
    return KindWindows(kind, size, frame, scores, frame["TARGET"].to_numpy(float),
                       frame["TRUE_PD"].to_numpy(float), levels)


def _relabelled(base: KindWindows, windows: int, seed: int) -> KindWindows:
    """Concept windows: the clean windows' inputs and scores, outcomes from the changed link."""
    counts = _split(windows, len(KINDS["concept"]))
    levels = np.repeat(KINDS["concept"], counts)
    rows = np.repeat(levels, base.size)
    truth = np.empty(len(rows))
    for i in KINDS["concept"]:
        sel = rows == i
        link = Link(shock=CONCEPT_SHOCK * i, ext_scale=1.0 - CONCEPT_EXT * i)
        truth[sel] = expit(risk_logit(base.inputs[sel], link))
    y = (np.random.default_rng(seed).random(len(truth)) < truth).astype(float)
    return KindWindows("concept", base.size, base.inputs, base.scores, y, truth, levels)
