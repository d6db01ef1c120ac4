"""Two arithmetic namespaces with the same names: numpy columns, and plain Python floats.

Formulas written once against ``xp`` (``xp.div``, ``xp.where``, ...) run on a batch with
:class:`NumpyOps` and on one application with :class:`FloatOps`, where ~30 ufunc calls of fixed
cost each would dominate. The float versions follow numpy's IEEE results: a zero divisor
gives NaN here where numpy gives inf (callers clean inf to NaN), and ``fmin``/``fmax`` skip
NaN like ``np.fmin``/``np.fmax``.
"""

from __future__ import annotations

import math

import numpy as np


class NumpyOps:
    """Column arithmetic; the caller holds an errstate (x/0 gives inf, cleaned after)."""

    div = staticmethod(np.divide)
    where = staticmethod(np.where)
    fmin = staticmethod(np.fmin)
    fmax = staticmethod(np.fmax)
    sqrt = staticmethod(np.sqrt)


class FloatOps:
    """The same operations on floats."""

    @staticmethod
    def div(a: float, b: float) -> float:
        return a / b if b else math.nan

    @staticmethod
    def where(cond: bool, a: float, b: float) -> float:
        return a if cond else b

    @staticmethod
    def fmin(a: float, b: float) -> float:
        return b if a != a else a if b != b or a <= b else b

    @staticmethod
    def fmax(a: float, b: float) -> float:
        return b if a != a else a if b != b or a >= b else b

    sqrt = staticmethod(math.sqrt)

