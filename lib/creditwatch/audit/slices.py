"""``audit verify`` in slices, one per process: the walk is local, so it splits.

Each chain entry is checked against its stored predecessor only (its ``chain_hash`` must be
SHA-256 of the previous entry's ``chain_hash`` and its own ``row_hash``), so the chain is
intact exactly when every slice of it is, each slice starting from the stored hash of the
last entry before it. Rows are checked one by one against their entries, so they split by id.
A slice is a range of ``seq`` and, per table, a range of ids; slice 0 runs in the calling
process while the others run in worker processes (spawned: each opens its own connection
from the store URL), and their results are added in slice order.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from typing import Any

from sqlalchemy import Connection, create_engine, text

from creditwatch.audit import fast, reference
from creditwatch.audit.fast import Range
from creditwatch.audit.result import MAX_BREAKS, TABLES, Verification
from creditwatch.store.chain import GENESIS, KINDS, PREDICTION

WALKS = {"fast": fast, "reference": reference}


@dataclass(frozen=True, slots=True)
class Slice:
    """The part of the walk one process does."""

    seq: Range | None  # None: no chain entries to check
    ids: dict[str, Range]  # per kind


def _split(lo: int, hi: int, n: int) -> list[Range]:
    """``(lo, hi]`` cut into ``n`` consecutive ranges of (nearly) equal length."""
    cuts = [lo + (hi - lo) * i // n for i in range(n + 1)]
    return [(cuts[i], cuts[i + 1]) for i in range(n)]


def plan(conn: Connection, first: int | None, n: int) -> list[Slice]:
    """``n`` slices covering the entries from ``first`` on (None: none) and every row."""
    top = conn.execute(text("SELECT max(seq) FROM audit_log")).scalar()
    seqs: list[Range | None] = ([None] * n if first is None or top is None
                                else list(_split(first - 1, int(top), n)))
    ids: dict[str, list[Range]] = {}
    for kind in KINDS:
        low, high = conn.execute(text(f"SELECT min(id), max(id) FROM {TABLES[kind]}")).one()
        ids[kind] = _split(-1 if low is None else int(low) - 1, -1 if high is None
                           else int(high), n)
    return [Slice(seqs[i], {kind: ids[kind][i] for kind in KINDS}) for i in range(n)]


def walk(conn: Connection, part: Slice, bound: Any, inputs: bool, walks: str,
         result: Verification, tick: Callable[[int], None]) -> None:
    """Walk one slice on ``conn`` into ``result``."""
    module = WALKS[walks]
    if part.seq is not None:
        lo = part.seq[0]
        before = conn.execute(text("SELECT seq, chain_hash FROM audit_log WHERE seq <= :lo "
                                   "ORDER BY seq DESC LIMIT 1"), {"lo": lo}).first()
        expected, previous = (1, GENESIS) if before is None else (int(before[0]) + 1,
                                                                  str(before[1]))
        result.head = module.walk_chain(conn, part.seq, expected, previous, result, tick)
    for kind in KINDS:
        module.walk_rows(conn, kind, bound, inputs and kind == PREDICTION, result, tick,
                         ids=part.ids[kind])


def _remote(url: str, part: Slice, bound: Any, inputs: bool, walks: str) -> Verification:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            result = Verification()
            walk(conn, part, bound, inputs, walks, result, lambda n: None)
            return result
    finally:
        engine.dispose()


def run(conn: Connection, parts: list[Slice], bound: Any, inputs: bool, walks: str,
        result: Verification, tick: Callable[[int], None]) -> None:
    """Walk ``parts[0]`` here and the others in worker processes; add them all to
    ``result`` in slice order."""
    url = conn.engine.url.render_as_string(hide_password=False)
    with ProcessPoolExecutor(len(parts) - 1, mp_context=get_context("spawn")) as pool:
        futures = [pool.submit(_remote, url, part, bound, inputs, walks) for part in parts[1:]]
        walk(conn, parts[0], bound, inputs, walks, result, tick)
        for future in futures:
            add(result, future.result(), tick)


def add(total: Verification, part: Verification, tick: Callable[[int], None]) -> None:
    """Add a later slice's result to ``total``."""
    total.entries += part.entries
    for table, n in part.rows.items():
        total.rows[table] = total.rows.get(table, 0) + n
    if part.entries:
        total.head = part.head
    total.breaks.extend(part.breaks[: MAX_BREAKS - len(total.breaks)])
    total.n_breaks += part.n_breaks
    tick(part.entries + sum(part.rows.values()))
