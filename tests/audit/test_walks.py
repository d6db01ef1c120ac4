"""The fast walks of ``audit verify`` (driver cursor, key-range pages, one hash call a row)
reach the reference walks' verdicts, on both stores, intact or tampered."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from creditwatch.audit import Verification, verify
from creditwatch.audit.fast import hasher
from creditwatch.store import Store
from creditwatch.store.chain import FIELDS, PREDICTION, canonical_time, row_hash

from tests.audit.test_verify import _fill

TAMPERING = [
    "UPDATE predictions SET probability = 0.99 WHERE request_id = 'r7'",
    "UPDATE outcomes SET defaulted = 1 - defaulted WHERE event_id = 'e2'",
    "DELETE FROM predictions WHERE request_id = 'r12'",
    "UPDATE audit_log SET row_hash = chain_hash WHERE seq = 20",
    "DELETE FROM audit_log WHERE seq = 25",
    "UPDATE predictions SET inputs = '{\"AMT_CREDIT\": 1.0}' WHERE request_id = 'r4'",
    "INSERT INTO predictions (request_id, received_at, application_time, endpoint, "
    "model_version, probability, decision, threshold, http_status, inputs, inputs_digest) "
    "SELECT 'forged', received_at, application_time, endpoint, model_version, 0.01, "
    "'approve', threshold, http_status, inputs, inputs_digest FROM predictions "
    "WHERE request_id = 'r3'",
]
WALKS = ("reference", "fast")


def _verdicts(store: Store, **kwargs: object) -> list[Verification]:
    with store.engine.connect() as conn:
        return [verify(conn, walks=walks, **kwargs)  # type: ignore[arg-type]
                for walks in WALKS]


def _same(results: list[Verification]) -> None:
    first = results[0]
    for other in results[1:]:
        assert (other.entries, other.rows, other.head, other.n_breaks) == (
            first.entries, first.rows, first.head, first.n_breaks)
        assert sorted(map(repr, other.breaks)) == sorted(map(repr, first.breaks))
        assert other.first == first.first


def test_the_fast_walk_agrees_with_the_reference_on_an_intact_store(
        store: Store) -> None:
    """Same entries, rows, head and no break, whichever walk."""
    _fill(store)
    results = _verdicts(store, inputs=True)
    assert results[0].intact and results[0].entries == 36
    _same(results)


def test_the_fast_walk_finds_what_the_reference_finds(store: Store) -> None:
    """Edits, deletions, a forged row, an altered and a deleted entry and edited inputs, all
    at once: both walks report the same breaks, with and without --since."""
    _fill(store)
    with store.engine.begin() as conn:
        for statement in TAMPERING:
            conn.execute(text(statement))
    results = _verdicts(store, inputs=True)
    assert {b.problem for b in results[0].breaks} == {
        "edited", "deleted", "chain", "gap", "inputs", "inserted"}
    _same(results)
    since = _verdicts(store, since=datetime(2026, 3, 1, 0, 10, tzinfo=UTC))
    _same(since)


def test_a_time_stored_in_another_text_form_is_judged_by_the_reference_hash(
        tmp_path: Path) -> None:
    """A time rewritten in SQL as other text for the same instant (SQLite only: PostgreSQL
    stores timestamps, not text) misses the fast hash; the reference hash, which normalises
    times, decides: intact."""
    with Store(f"sqlite:///{tmp_path / 'store.db'}") as store:
        _fill(store, 5)
        with store.engine.begin() as conn:
            conn.execute(text("UPDATE predictions SET received_at = "
                              "'2026-03-01T00:01:00+00:00' WHERE request_id = 'r1'"))
        results = _verdicts(store)
    assert results[0].intact
    _same(results)


values = st.one_of(st.none(), st.integers(-(2**63), 2**63 - 1),
                   st.floats(allow_nan=False), st.text(max_size=20))


@settings(max_examples=300, deadline=None)
@given(st.lists(values, min_size=len(FIELDS[PREDICTION]), max_size=len(FIELDS[PREDICTION])),
       # hypothesis takes naive bounds and adds the zone itself
       st.datetimes(min_value=datetime(1970, 1, 1), max_value=datetime(2100, 1, 1),  # noqa: DTZ001
                    timezones=st.just(UTC)))
def test_the_fast_row_hash_is_the_reference_row_hash(row: list[object], at: datetime) -> None:
    """For times already in canonical text (what both stores hand the fast walk), any
    ints, floats (signed zeros, infinities, exponents), texts and NULLs: one hash."""
    for i, name in enumerate(FIELDS[PREDICTION]):
        if name in {"received_at", "application_time"}:
            row[i] = canonical_time(at + timedelta(microseconds=i))
    infinite = [v for v in row if isinstance(v, float) and math.isinf(v)]
    assert hasher(PREDICTION)(row) == row_hash(PREDICTION, row), infinite
