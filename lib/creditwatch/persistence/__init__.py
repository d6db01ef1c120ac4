"""Loss-free persistence off the request's hot path: a local append-only spool shipped to the
store in batches by a background writer."""

from creditwatch.persistence.logbuffer import LogBuffer
from creditwatch.persistence.spool import Spool, SpoolSegment
from creditwatch.persistence.writer import BackgroundWriter

__all__ = ["BackgroundWriter", "LogBuffer", "Spool", "SpoolSegment"]
