"""One outcome item: exactly one key naming the prediction, ``defaulted`` 0/1, a time.

The rules, in one place for the API's items and a file's rows:

* exactly one of ``request_id`` (1-64 characters), ``prediction_id`` (the store's id, a
  positive integer) or ``SK_ID_CURR`` (the client id, as the schema bounds it);
* ``defaulted``: 0 or 1 (JSON ``false``/``true`` too);
* ``observed_at``: when the outcome was known, ISO 8601 (UTC without an offset). Matching by
  ``SK_ID_CURR`` takes the client's latest prediction at or before it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from creditwatch.schema import ID_COLUMN, rules
from creditwatch.store.outcomes import INVALID, OUTCOME_KEYS, OutcomeRecord
from creditwatch.store.records import json_text
from creditwatch.windows import parse_time

MAX_REQUEST_ID = 64  # the store's request_id column
MAX_PREDICTION_ID = 2**63 - 1
FIELDS = frozenset({*OUTCOME_KEYS, "defaulted", "observed_at"})


def check_defaulted(value: Any) -> int:
    """0 or 1 from 0/1 or false/true; ValueError otherwise."""
    if isinstance(value, bool) or (type(value) is int and value in (0, 1)):
        return int(value)
    raise ValueError("defaulted must be 0 or 1 (or false/true)")


def check_key(key: str, value: Any) -> str | int:
    """The key's value, checked (an integral float is an integer); ValueError otherwise."""
    if key == "request_id":
        if not isinstance(value, str) or not 0 < len(value) <= MAX_REQUEST_ID:
            raise ValueError(f"request_id must be a string of 1 to {MAX_REQUEST_ID} characters")
        return value
    if key == ID_COLUMN:
        try:
            return rules.client_id(value)  # the schema's SK_ID_CURR rule
        except ValueError as exc:
            raise ValueError(f"{key} {exc}") from None
    if type(value) is float and value.is_integer():
        value = int(value)
    if type(value) is not int or not 1 <= value <= MAX_PREDICTION_ID:
        raise ValueError(f"{key} must be an integer in [1, {MAX_PREDICTION_ID}]")
    return value


def parse_item(item: Any, *, event_id: str, source: str,
               received_at: datetime) -> OutcomeRecord:
    """One outcome item as a store record; ValueError with the reason when it is invalid."""
    if not isinstance(item, Mapping):
        raise ValueError("each outcome must be a JSON object")
    extra = sorted(map(str, item.keys() - FIELDS))
    if extra:
        raise ValueError(f"unknown field(s): {', '.join(extra)}")
    keys = [k for k in OUTCOME_KEYS if item.get(k) is not None]
    if len(keys) != 1:
        raise ValueError(f"give exactly one of {', '.join(OUTCOME_KEYS)}")
    value = check_key(keys[0], item[keys[0]])
    if "defaulted" not in item:
        raise ValueError("defaulted is required")
    defaulted = check_defaulted(item["defaulted"])
    observed = item.get("observed_at")
    if observed is None:
        raise ValueError("observed_at is required (ISO 8601 date-time)")
    if not isinstance(observed, str):
        raise ValueError("observed_at must be an ISO 8601 date-time string")
    return {"event_id": event_id, "key": keys[0], "value": value, "defaulted": defaulted,
            "observed_at": parse_time(observed), "received_at": received_at,
            "source": source}


def invalid_anomaly(event_id: str, where: str, reason: str, item: Any,
                    received_at: datetime, endpoint: str = "/outcomes") -> dict[str, Any]:
    """The anomaly record of an invalid outcome item (``where``: its position)."""
    try:
        excerpt = json_text(item)
    except TypeError:
        excerpt = repr(item)
    return {"occurred_at": received_at, "request_id": event_id[:64], "endpoint": endpoint,
            "kind": "invalid_outcome", "http_status": 422,
            "errors": [{"field": where, "kind": INVALID, "message": reason}],
            "payload_excerpt": excerpt}
