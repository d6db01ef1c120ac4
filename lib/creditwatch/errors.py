"""The library's exceptions. The API maps them to HTTP codes and the CLI to exit codes, each
in one place."""

from __future__ import annotations


class CreditwatchError(Exception):
    """Base class: a user-facing error with a one-line message."""


class DataValidationError(CreditwatchError):
    """Input data does not fit the application schema."""


class ModelNotFoundError(CreditwatchError):
    """No usable model bundle where one was expected."""


class StoreUnavailableError(CreditwatchError):
    """The prediction store cannot be reached."""
