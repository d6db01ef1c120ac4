"""Proof that the decision log is complete and unaltered: ``verify`` walks the hash chain
that the store writes with every prediction and outcome (``creditwatch.store.chain``)."""

from __future__ import annotations

from creditwatch.audit.result import Break, Verification
from creditwatch.audit.verify import verify

__all__ = ["Break", "Verification", "verify"]
