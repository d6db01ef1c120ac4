"""Validation of an application frame (a file) against the rule kernel, as one report.

Errors (the file cannot be trusted): a schema column missing; a value breaking a rule of
``creditwatch.schema.rules`` (outside the valid bounds, not an integer in an integer field,
outside a closed category set, missing in a required field); an id that is missing or not
an SK_ID_CURR (in a file, an id column identifies every row); a TARGET other than 0/1; a
TRUE_PD outside [0, 1]. Everything else is counted, never an error: values outside
``typical`` (real outliers), the DAYS_EMPLOYED sentinel, "XNA" values, unknown levels of
open category sets, duplicate ids, unknown columns (left out by the loader).

A file has no JSON types: text that reads as a number is a number, anything in a text field
is text.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from creditwatch.schema import rules
from creditwatch.schema.fields import FIELDS, ID_COLUMN, TARGET_COLUMN, TRUE_PD_COLUMN, XNA
from creditwatch.schema.rules import FIELD_RULES, FieldRule

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


def _numbers(s: pd.Series) -> np.ndarray:
    return pd.to_numeric(s, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)


def _set_text(levels: tuple[str | int, ...]) -> str:
    return f"not in {{{', '.join(str(c) for c in levels)}}}"


def _check_numeric(report: ValidationReport, i: int, s: pd.Series) -> None:
    r = FIELD_RULES[i]
    x = _numbers(s)
    present = ~np.isnan(x)
    _add_invalid(report, r.name, s, s.notna().to_numpy() & ~present, "not numbers")
    sentinel = x == r.sentinel  # never true without a sentinel (NaN)
    report.sentinel_count += int(sentinel.sum())
    with np.errstate(invalid="ignore"):  # infinities: outside the bounds, never non-integers
        outside, not_int = rules.numeric_violations(x, r.low, r.high, r.sentinel, r.integer)
        if r.number_set:
            outside |= rules.outside_set(x, rules.NUMBER_SETS[i])
    outside &= ~not_int
    if r.levels is not None:  # integer-coded categories: flags and region ratings
        _add_invalid(report, r.name, s, outside, _set_text(r.levels))
    else:
        _add_invalid(report, r.name, s, outside, f"outside the valid range [{r.low:g}, {r.high:g}]")
    _add_invalid(report, r.name, s, not_int, "not integers")
    typical = r.field.typical
    if typical is not None and r.levels is None:
        valid = present & ~sentinel & ~outside & ~not_int
        with np.errstate(invalid="ignore"):
            atypical = int((valid & ((x < typical[0]) | (x > typical[1]))).sum())
        if atypical:
            report.out_of_typical[r.name] = atypical


def _check_text(report: ValidationReport, r: FieldRule, s: pd.Series) -> None:
    present = s.notna().to_numpy()
    text = s[present].astype(str)
    xna = (text == XNA).to_numpy()
    if xna.any():
        report.xna_counts[r.name] = int(xna.sum())
    levels = r.levels if r.levels is not None else r.field.categories or ()
    known = text.isin([str(c) for c in levels]).to_numpy()
    if r.xna_missing:
        known |= xna
    if r.levels is not None:
        mask = np.zeros(len(s), dtype=bool)
        mask[np.flatnonzero(present)[~known]] = True
        _add_invalid(report, r.name, s, mask, _set_text(r.levels))
    elif not known.all():
        report.unknown_categories[r.name] = {
            str(k): int(v) for k, v in text[~known].value_counts().items()}


def _check_labels(report: ValidationReport, frame: pd.DataFrame, columns: set[str]) -> None:
    """The id, TARGET and TRUE_PD columns, when present: every row needs a valid value."""
    low, high = rules.TRUE_PD_BOUNDS
    if TARGET_COLUMN in columns:
        x = _numbers(frame[TARGET_COLUMN])
        _add_invalid(report, TARGET_COLUMN, frame[TARGET_COLUMN], ~np.isin(x, rules.TARGET_VALUES),
                     f"not {' or '.join(map(str, rules.TARGET_VALUES))}")
    if TRUE_PD_COLUMN in columns:
        x = _numbers(frame[TRUE_PD_COLUMN])
        bad = ~((x >= low) & (x <= high))  # NaN too
        _add_invalid(report, TRUE_PD_COLUMN, frame[TRUE_PD_COLUMN], bad, f"outside [{low:g}, {high:g}]")
    if ID_COLUMN in columns:
        ids = pd.to_numeric(frame[ID_COLUMN], errors="coerce")
        # integer ids stay integers, compared exactly (a float cannot tell 2**62 + 1 from 2**62)
        exact = isinstance(ids.dtype, np.dtype) and ids.dtype.kind in "iu"
        x = ids.to_numpy() if exact else ids.to_numpy(dtype=np.float64, na_value=np.nan)
        _add_invalid(report, ID_COLUMN, frame[ID_COLUMN], rules.client_id_violations(x),
                     f"not {rules.CLIENT_ID_RULE}")


def validate_frame(frame: pd.DataFrame, report: ValidationReport | None = None) -> ValidationReport:
    """Check ``frame`` (any dtypes) against the schema; adds to ``report`` when given."""
    report = report or ValidationReport()
    columns = set(frame.columns)
    report.rows = len(frame)
    report.has_id = ID_COLUMN in columns
    report.has_target = TARGET_COLUMN in columns
    report.has_true_pd = TRUE_PD_COLUMN in columns
    report.missing_columns = [f.name for f in FIELDS if f.name not in columns]
    report.unknown_columns = [str(c) for c in frame.columns if c not in rules.FILE_COLUMNS]
    for i, r in enumerate(FIELD_RULES):
        if r.name not in columns:
            continue
        s = frame[r.name]
        missing = int(s.isna().sum())
        if missing:
            report.missing_counts[r.name] = missing
            if r.field.required:
                _add_invalid(report, r.name, s, s.isna().to_numpy(), "missing in a required field")
        if r.field.dtype == "str":
            _check_text(report, r, s)
        else:
            _check_numeric(report, i, s)
    _check_labels(report, frame, columns)
    if report.has_id:
        report.duplicate_ids = int(frame[ID_COLUMN].duplicated().sum())
    return report
