"""Audit log: the hash chain over stored predictions and outcomes, each prediction's inputs
digest (``store.chain``), and when the retention purge removed its inputs.

The rows already stored are chained here, predictions then outcomes, each in id order, so
``audit verify`` holds on an upgraded store from its first row.

Revision ID: 0005_audit_log
Revises: 0004_prediction_reasons
Create Date: 2026-12-07
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from creditwatch.store.chain import (
    ENTRY_COLUMNS,
    GENESIS,
    OUTCOME,
    OUTCOME_FIELDS,
    PREDICTION,
    PREDICTION_FIELDS,
    inputs_digest,
    keyset_pages,
    link,
    row_hash,
)
from creditwatch.store.types import BIGINT_PK, UTCDateTime, sqlite_time

revision = "0005_audit_log"
down_revision = "0004_prediction_reasons"
branch_labels = None
depends_on = None

CHUNK = 5_000


def upgrade() -> None:
    op.add_column("predictions", sa.Column("inputs_digest", sa.String(64), nullable=True))
    op.add_column("predictions", sa.Column("inputs_purged_at", UTCDateTime(), nullable=True))
    op.create_table(
        "audit_log",
        sa.Column("seq", BIGINT_PK, autoincrement=False, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("row_id", sa.BigInteger(), nullable=False),
        sa.Column("row_hash", sa.String(64), nullable=False),
        sa.Column("chain_hash", sa.String(64), nullable=False),
        sa.Column("written_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_audit_log")),
        sa.UniqueConstraint("kind", "row_id", name=op.f("uq_audit_log_kind_row_id")),
    )
    op.create_index(op.f("ix_audit_log_written_at"), "audit_log", ["written_at"])
    _chain_existing_rows(op.get_bind())


def _chain_existing_rows(conn: sa.Connection) -> None:
    pg = conn.dialect.name == "postgresql"
    now = datetime.now(UTC)
    written_at = now if pg else sqlite_time(now)
    seq, chained = 0, GENESIS  # the head

    def add(kind: str, rows: list[tuple[int, str]]) -> None:
        nonlocal seq, chained
        entries = []
        for rid, digest in rows:
            seq, chained = seq + 1, link(chained, digest)
            entries.append(dict(zip(ENTRY_COLUMNS, (seq, kind, rid, digest, chained,
                                                    written_at), strict=True)))
        if entries:
            marks = ", ".join(f":{c}" for c in ENTRY_COLUMNS)
            conn.execute(sa.text(f"INSERT INTO audit_log ({', '.join(ENTRY_COLUMNS)}) "
                                 f"VALUES ({marks})"), entries)

    inputs = "inputs::text" if pg else "inputs"
    columns = ", ".join(PREDICTION_FIELDS[:-1])
    for rows in keyset_pages(conn, f"SELECT {columns}, {inputs} FROM predictions "
                                   f"WHERE id > :last ORDER BY id LIMIT {CHUNK}"):
        digests = [(int(r[0]), inputs_digest(r[-1])) for r in rows]
        conn.execute(sa.text("UPDATE predictions SET inputs_digest = :d WHERE id = :i"),
                     [{"d": d, "i": i} for i, d in digests])
        add(PREDICTION, [(int(r[0]), row_hash(PREDICTION, (*r[:-1], d)))
                         for r, (_, d) in zip(rows, digests, strict=True)])
    for rows in keyset_pages(conn, f"SELECT {', '.join(OUTCOME_FIELDS)} FROM outcomes "
                                   f"WHERE id > :last ORDER BY id LIMIT {CHUNK}"):
        add(OUTCOME, [(int(r[0]), row_hash(OUTCOME, tuple(r))) for r in rows])

def downgrade() -> None:
    op.drop_table("audit_log")
    op.drop_column("predictions", "inputs_purged_at")
    op.drop_column("predictions", "inputs_digest")
