"""Outcome intake: whether scored clients defaulted, from the API or from a file.

``items`` checks one outcome (the API's items and a file's rows follow the same rules),
``files`` reads a CSV or Parquet file of outcomes, ``load`` writes them to the store in
batches. Matching each outcome to its prediction, idempotence and corrections are the
store's (``creditwatch.store.outcomes``).
"""

from __future__ import annotations

from creditwatch.outcomes.files import OutcomeFile, read_outcome_file
from creditwatch.outcomes.items import invalid_anomaly, parse_item
from creditwatch.outcomes.load import LoadSummary, load_outcomes

__all__ = ["LoadSummary", "OutcomeFile", "invalid_anomaly", "load_outcomes", "parse_item",
           "read_outcome_file"]
