"""Validation of an application frame against the schema, as one ``ValidationReport``.

Errors (the file cannot be trusted): a schema column missing; a value outside a field's
``valid`` bounds, not an integer in an integer field, outside a closed category set, or
missing in a required field; a TARGET other than 0/1; a TRUE_PD outside [0, 1]. Everything
else is counted, never an error: values outside ``typical`` (real outliers), the DAYS_EMPLOYED
sentinel, "XNA" values, unknown levels of open category sets, duplicate ids.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from creditwatch.schema import FIELDS, ID_COLUMN, TARGET_COLUMN, XNA, Field

TRUE_PD_COLUMN = "TRUE_PD"
EXTRA_COLUMNS = (TRUE_PD_COLUMN,)  # known non-schema columns a loader keeps
_EXAMPLES = 5


@dataclass
class InvalidValues:
    """Invalid values of one column: how many, why, and a few distinct examples."""

    count: int
    reason: str
    examples: list[Any] = field(default_factory=list)


@dataclass
class ValidationReport:
    """What a frame holds and what is wrong with it (see the module docstring)."""

    rows: int = 0
    has_id: bool = False
    has_target: bool = False
    has_true_pd: bool = False
    missing_columns: list[str] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)
    invalid: dict[str, InvalidValues] = field(default_factory=dict)
    out_of_typical: dict[str, int] = field(default_factory=dict)
    sentinel_count: int = 0
    xna_counts: dict[str, int] = field(default_factory=dict)
    unknown_categories: dict[str, dict[str, int]] = field(default_factory=dict)
    missing_counts: dict[str, int] = field(default_factory=dict)
    duplicate_ids: int = 0

    @property
    def ok(self) -> bool:
        """True when nothing is an error (counts and warnings do not matter)."""
        return not self.missing_columns and not self.invalid

    def errors(self) -> list[str]:
        """One readable line per error."""
        lines = []
        if self.missing_columns:
            shown = ", ".join(self.missing_columns[:10])
            more = len(self.missing_columns) - 10
            lines.append(f"{len(self.missing_columns)} schema column(s) missing: {shown}"
                         + (f" and {more} more" if more > 0 else ""))
        for name, bad in self.invalid.items():
            examples = ", ".join(repr(x) for x in bad.examples)
            lines.append(f"{name}: {bad.count} value(s) {bad.reason} (e.g. {examples})")
        return lines

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready copy."""
        return asdict(self)


def _add_invalid(report: ValidationReport, name: str, values: pd.Series, mask: np.ndarray,
                 reason: str) -> None:
    count = int(mask.sum())
    if not count:
        return
    examples = pd.unique(values[mask])[:_EXAMPLES]
    items = [x.item() if isinstance(x, np.generic) else x for x in examples]
    if name in report.invalid:
        old = report.invalid[name]
        report.invalid[name] = InvalidValues(old.count + count, f"{old.reason}; {reason}",
                                             (old.examples + items)[:_EXAMPLES])
    else:
        report.invalid[name] = InvalidValues(count, reason, items)


def _check_numeric(report: ValidationReport, f: Field, s: pd.Series) -> None:
    x = pd.to_numeric(s, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    present = ~np.isnan(x)
    _add_invalid(report, f.name, s, s.notna().to_numpy() & ~present, "not numbers")
    sentinel = present & (x == f.sentinel) if f.sentinel is not None else np.zeros_like(present)
    if f.sentinel is not None:
        report.sentinel_count += int(sentinel.sum())
    regular = present & ~sentinel
    if f.categories is not None:  # integer-coded categories: flags and region ratings
        allowed = np.array(f.categories, dtype=np.float64)
        _add_invalid(report, f.name, s, regular & ~np.isin(x, allowed),
                     f"not in {{{', '.join(str(c) for c in f.categories)}}}")
        return
    assert f.valid is not None and f.typical is not None
    low, high = f.valid
    with np.errstate(invalid="ignore"):
        outside = regular & ((x < low) | (x > high))
        _add_invalid(report, f.name, s, outside, f"outside the valid range [{low:g}, {high:g}]")
        if f.dtype == "int":
            _add_invalid(report, f.name, s, regular & ~outside & (x != np.round(x)),
                         "not integers")
        t_low, t_high = f.typical
        atypical = int((regular & ~outside & ((x < t_low) | (x > t_high))).sum())
    if atypical:
        report.out_of_typical[f.name] = atypical


def _check_text(report: ValidationReport, f: Field, s: pd.Series) -> None:
    present = s.notna().to_numpy()
    text = s[present].astype(str)
    xna = int((text == XNA).sum())
    if xna:
        report.xna_counts[f.name] = xna
    assert f.categories is not None
    known = text.isin([str(c) for c in f.categories]).to_numpy()
    if f.closed:
        mask = np.zeros(len(s), dtype=bool)
        mask[np.flatnonzero(present)[~known]] = True
        _add_invalid(report, f.name, s, mask,
                     f"not in {{{', '.join(str(c) for c in f.categories)}}}")
    elif not known.all():
        report.unknown_categories[f.name] = {
            str(k): int(v) for k, v in text[~known].value_counts().items()}


def validate_frame(frame: pd.DataFrame, report: ValidationReport | None = None) -> ValidationReport:
    """Check ``frame`` (any dtypes) against the schema; adds to ``report`` when given."""
    report = report or ValidationReport()
    columns = set(frame.columns)
    report.rows = len(frame)
    report.has_id = ID_COLUMN in columns
    report.has_target = TARGET_COLUMN in columns
    report.has_true_pd = TRUE_PD_COLUMN in columns
    known = {f.name for f in FIELDS} | {ID_COLUMN, TARGET_COLUMN, *EXTRA_COLUMNS}
    report.missing_columns = [f.name for f in FIELDS if f.name not in columns]
    report.unknown_columns = [str(c) for c in frame.columns if c not in known]
    for f in FIELDS:
        if f.name not in columns:
            continue
        s = frame[f.name]
        missing = int(s.isna().sum())
        if missing:
            report.missing_counts[f.name] = missing
            if f.required:
                _add_invalid(report, f.name, s, s.isna().to_numpy(), "missing in a required field")
        if f.dtype == "str":
            _check_text(report, f, s)
        else:
            _check_numeric(report, f, s)
    for name, allowed, reason in ((TARGET_COLUMN, None, "not 0 or 1"),
                                  (TRUE_PD_COLUMN, (0.0, 1.0), "outside [0, 1]"),
                                  (ID_COLUMN, (0.0, float(2**62)), "not a positive integer")):
        if name not in columns:
            continue
        x = pd.to_numeric(frame[name], errors="coerce").to_numpy(dtype=np.float64,
                                                                 na_value=np.nan)
        with np.errstate(invalid="ignore"):
            if allowed is None:
                bad = ~np.isin(x, (0.0, 1.0))
            else:
                bad = np.isnan(x) | (x < allowed[0]) | (x > allowed[1])
            if name == ID_COLUMN:
                bad |= ~np.isnan(x) & (x != np.round(x))
        _add_invalid(report, name, frame[name], bad, reason)
    if report.has_id:
        report.duplicate_ids = int(frame[ID_COLUMN].duplicated().sum())
    return report
