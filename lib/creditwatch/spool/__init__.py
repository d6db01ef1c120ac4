"""The local append-only spool: every record is written here before its answer leaves, and the
log lines the writer ships with them."""

from creditwatch.spool.logbuffer import LogBuffer
from creditwatch.spool.spool import Spool, SpoolSegment

__all__ = ["LogBuffer", "Spool", "SpoolSegment"]
