"""The background writer: ships the spool to the store in batches, off the request path."""

from creditwatch.writer.writer import BackgroundWriter

__all__ = ["BackgroundWriter"]
