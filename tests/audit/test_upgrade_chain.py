"""Upgrading a populated store chains the rows it already holds (both stores)."""

from __future__ import annotations

from creditwatch.audit import verify
from creditwatch.store import upgrade
from creditwatch.store.engine import make_engine

from tests.store.test_upgrade_populated import ROWS, populate


def test_upgrade_chains_every_existing_prediction_and_outcome(empty_store_url: str) -> None:
    """A store populated at the revision before the audit log is upgraded; every existing
    prediction and outcome gets an entry, predictions first, and the chain verifies
    (inputs digests included)."""
    upgrade(empty_store_url, "0004_prediction_reasons")
    engine = make_engine(empty_store_url)
    try:
        populate(engine)
        upgrade(empty_store_url)
        with engine.connect() as conn:
            result = verify(conn, inputs=True)
    finally:
        engine.dispose()
    assert result.intact, [b.describe() for b in result.breaks]
    assert result.rows == {"predictions": ROWS, "outcomes": ROWS}
    assert result.entries == 2 * ROWS
