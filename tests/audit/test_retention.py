"""`retention purge`: old raw inputs and feature values removed in bounded batches, the
decisions, outcomes and audit chain kept; refused below the legal minimum (both stores)."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from creditwatch.audit import verify
from creditwatch.cli.main import app
from creditwatch.config import get_settings
from creditwatch.store import Store

from tests.store.records import prediction
from tests.store.test_outcomes import outcome

runner = CliRunner()
NOW = datetime.now(UTC)
DECISION = ["request_id", "received_at", "model_version", "probability", "decision",
            "threshold", "client_id", "inputs_digest"]


def _fill(store: Store) -> None:
    """20 predictions 500 days old, 10 from yesterday, outcomes for some old ones."""
    old = [prediction(NOW - timedelta(days=500, minutes=i), request_id=f"old{i}")
           for i in range(20)]
    new = [prediction(NOW - timedelta(days=1, minutes=i), request_id=f"new{i}")
           for i in range(10)]
    store.write_predictions(old + new)
    store.write_outcomes([outcome(f"e{i}", "request_id", f"old{i}", 1,
                                  observed=NOW - timedelta(days=400)) for i in range(5)])


def _snapshot(store: Store) -> tuple[object, ...]:
    with store.engine.connect() as conn:
        inputs = dict(conn.execute(text("SELECT request_id, inputs FROM predictions")).all())
        features = conn.execute(text("SELECT count(*) FROM feature_values")).scalar_one()
        outcomes = conn.execute(text("SELECT count(*) FROM outcomes")).scalar_one()
    decisions = store.read_predictions(columns=DECISION).sort_values("request_id")
    return inputs, features, outcomes, decisions.reset_index(drop=True)


def test_purge_removes_old_inputs_and_keeps_decisions_and_the_chain(store: Store) -> None:
    """Purging at 400 days in batches of 3: the 20 old predictions lose their inputs and
    their feature values; the new ones keep both; every decision column, the outcomes and
    the audit chain (inputs walk included) are unchanged."""
    _fill(store)
    inputs, features, outcomes, decisions = _snapshot(store)
    result = store.purge_inputs(NOW - timedelta(days=400), batch=3)
    assert (result.predictions, result.feature_values) == (20, 60)
    after_inputs, after_features, after_outcomes, after_decisions = _snapshot(store)
    for rid, value in after_inputs.items():
        if rid.startswith("old"):
            assert value in ({}, "{}"), rid
        else:
            assert value == inputs[rid]
    assert (after_features, after_outcomes) == (features - 60, outcomes)
    assert after_decisions.equals(decisions)
    with store.engine.connect() as conn:
        checked = verify(conn, inputs=True)
    assert checked.intact, [b.describe() for b in checked.breaks]
    again = store.purge_inputs(NOW - timedelta(days=400))
    assert (again.predictions, again.feature_values) == (0, 0)


def test_purge_empties_the_reasons_values_and_keeps_their_codes(store: Store) -> None:
    """An old refused prediction's reasons lose the applicant's values (``[]``; read back as
    no values) and keep their codes and fields; a new one's reasons are untouched (on
    PostgreSQL the old one goes by the month path, and the chain still verifies)."""
    reasons = [{"code": "EXT", "text": "external scores low", "fields": ["EXT_SOURCE_1"],
                "values": {"EXT_SOURCE_1": 0.12}, "contribution": 0.4}]
    store.write_predictions([
        prediction(NOW - timedelta(days=500), request_id="old", decision="REFUSED",
                   reasons=reasons),
        prediction(NOW - timedelta(days=1), request_id="new", decision="REFUSED",
                   reasons=reasons)])
    store.purge_inputs(NOW - timedelta(days=400))
    with store.engine.connect() as conn:
        rows = dict(conn.execute(text(
            "SELECT p.request_id, CAST(r.field_values AS TEXT) FROM prediction_reasons r "
            "JOIN predictions p ON p.id = r.prediction_id")).all())
        assert verify(conn, inputs=True).intact
    assert json.loads(rows["old"]) == [] and json.loads(rows["new"]) == [0.12]
    old = store.read_decision("old")  # what GET /predictions/{id} answers
    assert old is not None
    assert [(r["code"], r["fields"], r["values"]) for r in old["reasons"]] == [
        ("EXT", ["EXT_SOURCE_1"], {})]


def test_dry_run_counts_and_changes_nothing(store: Store) -> None:
    """A dry run reports what a purge would remove and leaves every row as it was."""
    _fill(store)
    before = _snapshot(store)
    result = store.purge_inputs(NOW - timedelta(days=400), dry_run=True)
    assert (result.predictions, result.feature_values, result.dry_run) == (20, 60, True)
    after = _snapshot(store)
    assert after[:3] == before[:3] and after[3].equals(before[3])


def test_purge_runs_beside_live_writes(store: Store) -> None:
    """A writer thread storing predictions and outcomes throughout a purge in batches of 2
    loses nothing and is never refused; the chain still verifies afterwards."""
    _fill(store)
    stop, errors, written = threading.Event(), [], [0]

    def traffic() -> None:
        try:
            while not stop.is_set() or written[0] < 50:
                rid = f"live{written[0]}"
                store.write_predictions([prediction(NOW, request_id=rid)])
                store.write_outcomes([outcome(f"o{rid}", "request_id", rid, 0)])
                written[0] += 1
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)

    thread = threading.Thread(target=traffic)
    thread.start()
    try:
        result = store.purge_inputs(NOW - timedelta(days=400), batch=2)
    finally:
        stop.set()
        thread.join()
    assert errors == [] and result.predictions == 20
    assert store.count_predictions() == 30 + written[0]
    with store.engine.connect() as conn:
        assert verify(conn, inputs=True).intact


def test_cli_refuses_below_the_minimum_and_purges_above_it(
        store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """`retention purge --older-than 30d` is refused in one line with exit 2 (minimum 183
    days) and changes nothing; raising the minimum refuses 400d too; at 400d with the
    default minimum it purges and says what it kept."""
    _fill(store)
    monkeypatch.setenv("DATABASE_URL", store.engine.url.render_as_string(hide_password=False))
    get_settings.cache_clear()
    try:
        before = _snapshot(store)
        refused = runner.invoke(app, ["retention", "purge", "--older-than", "30d"])
        assert refused.exit_code == 2
        assert "below the retention minimum of 183 days" in refused.output
        monkeypatch.setenv("CREDITWATCH_RETENTION_MIN_DAYS", "600")
        get_settings.cache_clear()
        assert runner.invoke(app, ["retention", "purge", "--older-than", "400d"]).exit_code == 2
        assert _snapshot(store)[:3] == before[:3]
        monkeypatch.delenv("CREDITWATCH_RETENTION_MIN_DAYS")
        get_settings.cache_clear()
        dry = runner.invoke(app, ["retention", "purge", "--older-than", "400d", "--dry-run"])
        assert dry.exit_code == 0 and "would remove the inputs of 20 predictions" in dry.output
        done = runner.invoke(app, ["retention", "purge", "--older-than", "400d"])
        assert done.exit_code == 0, done.output
        assert "removed the inputs of 20 predictions and 60 feature values" in done.output
    finally:
        get_settings.cache_clear()
