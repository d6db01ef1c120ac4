"""The data tier: synthetic applications (with drift), and the real-file loader and validator.

``generate`` makes schema-faithful synthetic applications with their true default
probability; ``DriftSpec`` describes a population drift in reference units; ``load_applications``
reads the real Kaggle files (or the same table written by ``write_applications``) into schema
dtypes with a ``ValidationReport``.
"""

from __future__ import annotations

from creditwatch.data.drift import DRIFT_KINDS, DriftKind, DriftSpec
from creditwatch.data.loader import (
    LoadedApplications,
    load_applications,
    read_table,
    to_schema_frame,
    write_applications,
)
from creditwatch.data.risk import risk_logit, true_pd
from creditwatch.data.synth import generate
from creditwatch.data.validation import (
    TRUE_PD_COLUMN,
    InvalidValues,
    ValidationReport,
    validate_frame,
)

__all__ = [
    "DRIFT_KINDS",
    "TRUE_PD_COLUMN",
    "DriftKind",
    "DriftSpec",
    "InvalidValues",
    "LoadedApplications",
    "ValidationReport",
    "generate",
    "load_applications",
    "read_table",
    "risk_logit",
    "to_schema_frame",
    "true_pd",
    "validate_frame",
    "write_applications",
]
