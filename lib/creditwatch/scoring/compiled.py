"""Optional compiled trees (lleaves): the forest compiled to native code with LLVM.

Behind ``Settings.model.compiled_trees`` because compiling a few hundred trees takes tens of
seconds once per bundle (cached as ``<artifacts>/compiled/<bundle version>.so``) and needs
the ``fast`` extra. Probabilities equal LightGBM's to 1e-9 (checked by a test); the batch
benchmark records the speed-up.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from creditwatch.config import Settings
from creditwatch.errors import ModelNotFoundError
from creditwatch.model.bundle import ModelBundle


class CompiledForest:
    """``predict(X)`` through lleaves, sized to the machine's cores."""

    def __init__(self, model: Any, n_jobs: int) -> None:
        self.model = model
        self.n_jobs = n_jobs

    def predict(self, x: np.ndarray) -> np.ndarray:
        return np.asarray(self.model.predict(np.ascontiguousarray(x, dtype=np.float64),
                                             n_jobs=self.n_jobs))


def compile_booster(bundle: ModelBundle, settings: Settings) -> CompiledForest:
    try:
        import lleaves
    except ImportError as exc:  # the "fast" extra is optional
        raise ModelNotFoundError(
            "compiled_trees is on but lleaves is not installed: pip install 'creditwatch[fast]'"
        ) from exc
    import os
    import tempfile
    from pathlib import Path

    cache_dir = settings.paths.artifacts / "compiled"
    cache_dir.mkdir(parents=True, exist_ok=True)
    cache = cache_dir / f"{bundle.version}.so"
    with tempfile.TemporaryDirectory() as tmp:
        model_file = Path(tmp) / "model.txt"
        bundle.booster.save_model(str(model_file))
        model = lleaves.Model(model_file=str(model_file))
        model.compile(cache=str(cache))
    return CompiledForest(model, n_jobs=os.cpu_count() or 1)
