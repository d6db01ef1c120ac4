"""Which predictions the shadow scores: a share of them, chosen by a hash of the request id.

Deterministic: the same request id is always in or always out, so a client re-sending a
request (same ``X-Request-ID``) is shadowed the same way, and every worker process agrees.
CRC-32 is enough (uniform over ids, ~0.1 µs an id); it is not a security boundary.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence

_SCALE = 2**32


def sampled(request_id: str, share: float) -> bool:
    """True when ``request_id`` falls in the ``share`` (0..1) of ids the shadow scores."""
    if share >= 1.0:
        return True
    return zlib.crc32(request_id.encode()) < share * _SCALE


def sampled_rows(ids: Sequence[str], share: float) -> list[int] | None:
    """The positions of the sampled ``ids``; None when all of them are (``share`` 1)."""
    if share >= 1.0:
        return None
    limit = share * _SCALE
    return [i for i, rid in enumerate(ids) if zlib.crc32(rid.encode()) < limit]
