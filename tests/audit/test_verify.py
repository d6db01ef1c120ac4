"""The audit chain: written with every stored prediction and outcome, verified by walking it,
broken by any edit, deletion or insertion made behind creditwatch's back (both stores)."""

from __future__ import annotations

import threading
from datetime import timedelta
from hashlib import sha256

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from creditwatch.audit import verify
from creditwatch.cli.main import app
from creditwatch.config import get_settings
from creditwatch.store import Store
from creditwatch.store.chain import GENESIS

from tests.store.records import T0, prediction
from tests.store.test_outcomes import outcome

runner = CliRunner()


def _fill(store: Store, n: int = 30) -> None:
    """n predictions in three batches (one replayed), outcomes with a correction."""
    records = [prediction(T0 + timedelta(minutes=i), request_id=f"r{i}",
                          probability=0.01 * i) for i in range(n)]
    store.write_predictions(records[: n // 2])
    store.write_predictions(records)  # the first half again: a replayed spool adds nothing
    store.write_outcomes([outcome(f"e{i}", "request_id", f"r{i}", i % 2) for i in range(5)])
    store.write_outcomes([outcome("e-fix", "request_id", "r0", 1)])  # a correction


def _check(store: Store, **kwargs: object) -> object:
    with store.engine.connect() as conn:
        return verify(conn, **kwargs)  # type: ignore[arg-type]


def test_every_stored_row_is_chained_and_the_chain_verifies(store: Store) -> None:
    """Each prediction and outcome row gets one entry, numbered 1..n without gaps; the
    walk finds the chain intact and its head is the last entry's chain hash."""
    _fill(store)
    result = _check(store, inputs=True)
    assert result.intact, [b.describe() for b in result.breaks]
    assert result.rows == {"predictions": 30, "outcomes": 6}
    assert result.entries == 36
    with store.engine.connect() as conn:
        seqs = [r[0] for r in conn.execute(text("SELECT seq FROM audit_log ORDER BY seq"))]
        head = conn.execute(text("SELECT chain_hash FROM audit_log WHERE seq = 36")).scalar()
    assert seqs == list(range(1, 37))
    assert result.head == head


def test_the_row_hash_is_the_documented_canonical_form(store: Store) -> None:
    """Hand computation: the first entry's row hash is SHA-256 of the documented fields
    joined by U+001F, and its chain hash SHA-256 of the genesis hash and that row hash."""
    record = prediction(T0, request_id="hand", probability=0.125, threshold=0.4,
                        inputs={"SK_ID_CURR": 7, "AMT_CREDIT": 1e20, "NAME": "é"})
    store.write_predictions([record])
    # inputs: sorted keys, compact (orjson's form of the float 1e20)
    inputs = b'{"AMT_CREDIT":1e+20,"NAME":"\xc3\xa9","SK_ID_CURR":7}'
    fields = ["prediction", "1", "hand", "2026-03-01 00:00:00.000000",
              "2026-03-01 00:00:00.000000", "/predict", "m1", "0.125", "approve", "0.4",
              "7", sha256(inputs).hexdigest()]
    expected = sha256("\x1f".join(fields).encode()).hexdigest()
    with store.engine.connect() as conn:
        row, chained = conn.execute(text("SELECT row_hash, chain_hash FROM audit_log")).one()
        digest = conn.execute(text("SELECT inputs_digest FROM predictions")).scalar()
    assert digest == sha256(inputs).hexdigest()
    assert row == expected
    assert chained == sha256((GENESIS + expected).encode()).hexdigest()
    assert _check(store, inputs=True).intact  # JSONB's rewrite of 1e20 digests the same


@pytest.mark.parametrize(("statement", "problem", "seq"), [
    ("UPDATE predictions SET probability = 0.99 WHERE request_id = 'r7'", "edited", 8),
    ("UPDATE outcomes SET defaulted = 1 - defaulted WHERE event_id = 'e2'", "edited", 33),
    ("DELETE FROM predictions WHERE request_id = 'r12'", "deleted", 13),
    ("UPDATE audit_log SET row_hash = chain_hash WHERE seq = 20", "chain", 20),
    ("DELETE FROM audit_log WHERE seq = 25", "gap", 26),
], ids=["edit-probability", "edit-outcome", "delete-row", "edit-entry", "delete-entry"])
def test_an_edit_or_deletion_in_sql_names_the_first_broken_entry(
        store: Store, statement: str, problem: str, seq: int) -> None:
    """An edit or deletion made directly in SQL breaks the chain at the entry it touched."""
    _fill(store)
    with store.engine.begin() as conn:
        conn.execute(text(statement))
    result = _check(store)
    assert not result.intact
    assert (result.first.problem, result.first.seq) == (problem, seq)
    assert f"entry {seq}" in result.first.describe()


def test_a_row_inserted_in_sql_has_no_entry(store: Store) -> None:
    """A prediction copied in with plain SQL (same columns as a real one) is found: it has
    no chain entry."""
    _fill(store)
    with store.engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO predictions (request_id, received_at, application_time, endpoint, "
            "model_version, probability, decision, threshold, http_status, inputs, "
            "inputs_digest) SELECT 'forged', received_at, application_time, endpoint, "
            "model_version, 0.01, 'approve', threshold, http_status, inputs, inputs_digest "
            "FROM predictions WHERE request_id = 'r3'"))
        forged = conn.execute(text("SELECT id FROM predictions WHERE request_id = 'forged'"))
        pid = forged.scalar_one()
    result = _check(store)
    assert [(b.problem, b.row_id) for b in result.breaks] == [("inserted", pid)]
    assert result.first.describe() == (f"predictions id {pid} has no chain entry: inserted "
                                       "outside creditwatch")


def test_edited_inputs_are_found_by_the_inputs_walk(store: Store) -> None:
    """Editing only a stored input leaves the decision's hash intact (the digest stands in
    for the inputs); ``inputs=True`` recomputes the digest and finds it."""
    _fill(store)
    new = '{"AMT_CREDIT": 1.0, "SK_ID_CURR": 100002}'
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE predictions SET inputs = :v WHERE request_id = 'r4'"),
                     {"v": new})
    assert _check(store).intact
    deep = _check(store, inputs=True)
    assert [(b.problem, b.seq) for b in deep.breaks] == [("inputs", 5)]


def test_since_walks_only_what_was_written_from_then(store: Store) -> None:
    """--since checks the chain from the entry before the first one written since, and
    the rows received since; an older edit is outside it."""
    _fill(store)
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE predictions SET probability = 0.5 WHERE request_id = 'r1'"))
        cut = conn.execute(text("SELECT max(written_at) FROM audit_log")).scalar()
    assert not _check(store).intact
    later = _check(store, since=T0 + timedelta(minutes=10))
    assert later.intact and later.rows["predictions"] == 20
    assert cut is not None


def test_concurrent_writers_build_one_chain(store: Store) -> None:
    """Eight threads writing predictions and outcomes at once leave one gapless chain that
    verifies, with one entry per row."""
    errors: list[BaseException] = []

    def work(t: int) -> None:
        try:
            for b in range(5):
                ids = [f"t{t}-{b}-{i}" for i in range(20)]
                store.write_predictions([prediction(T0 + timedelta(seconds=t), request_id=r)
                                         for r in ids])
                store.write_outcomes([outcome(f"o-{r}", "request_id", r, 1) for r in ids[:5]])
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(t,)) for t in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    result = _check(store)
    assert result.intact, [b.describe() for b in result.breaks]
    assert result.entries == 8 * 5 * 25


def test_cli_exits_0_when_intact_and_1_naming_the_first_broken_entry(
        store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """`creditwatch audit verify` prints what it walked and exits 0; after an edit it
    exits 1 and names the broken entry."""
    _fill(store)
    monkeypatch.setenv("DATABASE_URL", store.engine.url.render_as_string(hide_password=False))
    get_settings.cache_clear()
    try:
        ok = runner.invoke(app, ["audit", "verify"])
        assert ok.exit_code == 0, ok.output
        assert "36 chain entries and 30 predictions, 6 outcomes walked" in ok.output
        assert "intact" in ok.output
        with store.engine.begin() as conn:
            conn.execute(text("UPDATE predictions SET decision = 'REFUSED' WHERE id = 3"))
            conn.execute(text("UPDATE predictions SET model_version = 'm0' WHERE id = 9"))
        broken = runner.invoke(app, ["audit", "verify"])
        assert broken.exit_code == 1
        assert "entry 3: predictions id 3 was edited" in broken.output
        assert "2 problem(s) in all" in broken.output
        bad = runner.invoke(app, ["audit", "verify", "--since", "yesterday-ish"])
        assert bad.exit_code == 2 and "Traceback" not in bad.output
    finally:
        get_settings.cache_clear()
