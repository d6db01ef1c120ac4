"""The library's exceptions. The API maps them to HTTP codes and the CLI to exit codes, each
in one place."""

from __future__ import annotations


class CreditwatchError(Exception):
    """Base class: a user-facing error with a one-line message."""


class DataValidationError(CreditwatchError):
    """Input data does not fit the application schema.

    ``report`` carries the full ``creditwatch.schema.frames.ValidationReport`` when there is one.
    """

    def __init__(self, message: str, *, report: object | None = None) -> None:
        super().__init__(message)
        self.report = report


class DataFileError(CreditwatchError):
    """A data file is missing, unreadable or of an unsupported type."""


class ConfigurationError(CreditwatchError, ValueError):
    """A setting or option has an invalid value (e.g. the drift setting 'gradual:1.5').

    Also a ValueError, so callers that validate plain values keep catching it.
    """


class ModelNotFoundError(CreditwatchError):
    """No usable model bundle where one was expected."""


class StoreUnavailableError(CreditwatchError):
    """The prediction store cannot be reached."""
