"""Shared fixtures live in tests/plugins/, one module per real component."""

pytest_plugins = [
    "tests.plugins.paths",
    "tests.plugins.postgres",
    "tests.plugins.bundle",
    "tests.plugins.api_server",
    "tests.plugins.seeded",
    "tests.plugins.drift",
    "tests.plugins.prometheus",
    "tests.plugins.signals",
]
