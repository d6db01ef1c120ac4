"""Probability of default from the feature matrix.

Batches go through ``Booster.predict``. A single row, and each row of a small batch (the
API's coalesced /predict requests, see ``creditwatch.api.coalesce``), goes through
LightGBM's C "fast single row" API (``LGBM_BoosterPredictForMatSingleRowFast``): its
configuration is prepared once, so a call skips the per-call parameter parsing and array
checks that dominate ``Booster.predict`` on a few rows (measured: two rows cost more through
``Booster.predict`` than one row twice through the fast path). Same trees, same arithmetic:
probabilities are identical. A FastConfig is not safe to share between threads, so each
thread gets its own.
"""

from __future__ import annotations

import ctypes
import threading
from typing import Any

import lightgbm as lgb
import numpy as np
from lightgbm.basic import _LIB, _safe_call

_PREDICT_NORMAL = 0
_DTYPE_FLOAT64 = 1
# Up to this many rows, one fast single-row call per row beats one Booster.predict call.
SMALL_BATCH = 32


class _FastRow:
    """One thread's prepared single-row predictor.

    The row is copied into a buffer whose address is taken once: building ctypes pointers
    per call cost more than half of the C call itself."""

    def __init__(self, booster: lgb.Booster, n_features: int) -> None:
        self.handle = ctypes.c_void_p()
        _safe_call(_LIB.LGBM_BoosterPredictForMatSingleRowFastInit(
            booster._handle, ctypes.c_int(_PREDICT_NORMAL), ctypes.c_int(0),
            ctypes.c_int(-1), ctypes.c_int(_DTYPE_FLOAT64), ctypes.c_int32(n_features),
            ctypes.c_char_p(b"num_threads=1"), ctypes.byref(self.handle)))
        self.row = np.zeros(n_features)
        self.out = np.zeros(1)
        self.out_len = ctypes.c_int64()
        self._args = (self.handle, self.row.ctypes.data_as(ctypes.c_void_p),
                      ctypes.byref(self.out_len),
                      self.out.ctypes.data_as(ctypes.POINTER(ctypes.c_double)))
        self._predict = _LIB.LGBM_BoosterPredictForMatSingleRowFast

    def __call__(self, row: np.ndarray) -> float:
        self.row[:] = row
        _safe_call(self._predict(*self._args))
        return float(self.out[0])

    def __del__(self) -> None:
        if self.handle:
            _LIB.LGBM_FastConfigFree(self.handle)


class Predictor:
    """Booster-backed predictor with a fast path for one row."""

    def __init__(self, booster: lgb.Booster) -> None:
        self.booster = booster
        self.n_features = booster.num_feature()
        self._local = threading.local()
        self._compiled: Any = None

    def use_compiled(self, compiled: Any) -> None:
        """Route batches through compiled trees (an object with ``predict(X)``)."""
        self._compiled = compiled

    def predict(self, x: np.ndarray) -> np.ndarray:
        if x.shape[0] <= SMALL_BATCH:
            fast = getattr(self._local, "fast", None)
            if fast is None:
                fast = self._local.fast = _FastRow(self.booster, self.n_features)
            return np.array([fast(row) for row in x], dtype=float)
        if self._compiled is not None:
            return np.asarray(self._compiled.predict(x), dtype=float)
        return np.asarray(self.booster.predict(x), dtype=float)
