"""Which raw application fields each model feature is computed from.

Read off the formulas themselves, never retyped: :func:`feature_sources` evaluates the derived
features' formulas (``_formulas`` in :mod:`creditwatch.features.derive`) once on *tracers*, values
that carry the set of raw fields they were computed from through every arithmetic operation.
A new derived feature therefore gets its sources without anyone writing them down, and a
changed formula changes them. Raw model features come from the field of the same name.
"""

from __future__ import annotations

import functools
from typing import Any

from creditwatch import schema
from creditwatch.features.derive import _COLUMNS, _EXT, DERIVED_FEATURES, _formulas


class _Traced:
    """A stand-in value: the raw fields it depends on; arithmetic unions them."""

    __slots__ = ("fields",)
    __hash__ = None  # type: ignore[assignment]  # __eq__ returns a tracer, not a bool

    def __init__(self, fields: frozenset[str]) -> None:
        self.fields = fields

    def _join(self, *others: Any) -> _Traced:
        fields = set(self.fields)
        for other in others:
            if isinstance(other, _Traced):
                fields |= other.fields
        return _Traced(frozenset(fields))

    def __add__(self, other: Any) -> _Traced:
        return self._join(other)

    __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = __truediv__ = __rtruediv__ = __add__

    def __eq__(self, other: object) -> _Traced:  # type: ignore[override]  # traces like numpy
        return self._join(other)

    def __neg__(self) -> _Traced:
        return self


def _join(*values: Any) -> _Traced:
    return _Traced(frozenset())._join(*values)


class _TraceOps:
    """The arithmetic namespace of :mod:`creditwatch.arith`, on tracers."""

    div = where = fmin = fmax = staticmethod(_join)

    @staticmethod
    def sqrt(value: Any) -> _Traced:
        return _join(value)


def _field(name: str) -> _Traced:
    return _Traced(frozenset({name}))


@functools.cache
def feature_sources() -> dict[str, tuple[str, ...]]:
    """Model feature name -> the raw fields it is computed from, in schema order."""
    employed = _field("DAYS_EMPLOYED")
    derived = _formulas(
        lambda key: _field(schema.FIELD_NAMES[_COLUMNS[key]]), employed, employed,
        [_field(schema.FIELD_NAMES[i]) for i in _EXT], _TraceOps)
    order = {name: i for i, name in enumerate(schema.FIELD_NAMES)}
    out: dict[str, tuple[str, ...]] = {name: (name,) for name in schema.FIELD_NAMES}
    for name, traced in zip(DERIVED_FEATURES, derived, strict=True):
        out[name] = tuple(sorted(traced.fields, key=order.__getitem__))
    return out
