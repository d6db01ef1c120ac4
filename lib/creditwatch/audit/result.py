"""What ``audit verify`` found: the broken places and the walk's totals (kept apart from the
walks that compute them)."""

from __future__ import annotations

from dataclasses import dataclass, field

from creditwatch.store.chain import GENESIS, PREDICTION

TABLES = {PREDICTION: "predictions", "outcome": "outcomes"}
MAX_BREAKS = 100  # kept in the result; the count goes on


@dataclass(frozen=True, slots=True)
class Break:
    """One broken place: ``problem`` is edited, deleted, inserted, chain or gap."""

    problem: str
    kind: str
    seq: int | None = None  # the chain entry, when there is one
    row_id: int | None = None

    def describe(self) -> str:
        entry = f"entry {self.seq}" if self.seq is not None else "no entry"
        row = f"{TABLES.get(self.kind, self.kind)} id {self.row_id}"
        return {
            "edited": f"{entry}: {row} was edited (its content no longer matches the chain)",
            "inputs": f"{entry}: {row}: its stored inputs no longer match their digest",
            "deleted": f"{entry}: {row} was deleted",
            "inserted": f"{row} has no chain entry: inserted outside creditwatch",
            "chain": f"{entry}: the chain entry itself was altered",
            "gap": f"{entry}: chain entries before it are missing (deleted)",
        }[self.problem]


@dataclass(slots=True)
class Verification:
    """What ``verify`` walked and found; ``head`` is the last entry's chain hash (keep it
    outside the store, e.g. in a signed report, to anchor the chain)."""

    entries: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    head: str = GENESIS
    breaks: list[Break] = field(default_factory=list)
    n_breaks: int = 0

    @property
    def intact(self) -> bool:
        return self.n_breaks == 0

    @property
    def first(self) -> Break | None:
        """The first broken entry in chain order (rows without an entry last, by id)."""
        if not self.breaks:
            return None
        return min(self.breaks, key=lambda b: (b.seq is None, b.seq or 0, b.row_id or 0))

    def add(self, found: Break) -> None:
        self.n_breaks += 1
        if len(self.breaks) < MAX_BREAKS:
            self.breaks.append(found)
