"""What the test run's environment says about its services (tests and benchmarks only).

These variables configure the test suite, not creditwatch, so they are read here and not in
``creditwatch.config``:

* ``TEST_DATABASE_URL`` (or ``CREDITWATCH_TEST_DATABASE_URL``, checked first): admin URL of a
  PostgreSQL server the tests may create and drop their own uniquely named databases on;
* ``CI``: set by CI runners; a missing test service (PostgreSQL, Chromium) then fails the
  tests, never skips them.
"""

from __future__ import annotations

import os

DEFAULT_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
_TRUE = {"1", "true", "yes", "on", "y", "t"}


def admin_database_url() -> str:
    """The PostgreSQL admin URL the tests create their databases on."""
    for name in ("CREDITWATCH_TEST_DATABASE_URL", "TEST_DATABASE_URL"):
        if os.environ.get(name):
            return os.environ[name]
    return DEFAULT_ADMIN_URL


def in_ci() -> bool:
    """True when the ``CI`` variable is set to a true value (``true``, ``1``, ``yes``...)."""
    return os.environ.get("CI", "").strip().lower() in _TRUE
