"""The synthetic generator: schema-faithful applications with their true default probability,
and population shifts ("drift kinds") described in reference units.

``generate`` makes the applications (with ``TARGET`` and ``TRUE_PD``); ``DriftSpec`` describes
a shift (``shift``); ``true_pd`` is the oracle's risk function (``risk``).
"""

from __future__ import annotations

from creditwatch.synthetic.generator import generate
from creditwatch.synthetic.risk import risk_logit, true_pd
from creditwatch.synthetic.shift import DRIFT_KINDS, DriftKind, DriftSpec

__all__ = ["DRIFT_KINDS", "DriftKind", "DriftSpec", "generate", "risk_logit", "true_pd"]
