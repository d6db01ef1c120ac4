"""What a simulation did, batch by batch, and the outcomes it sent back (result objects, no I/O)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from creditwatch.simulate.schedule import BatchPlan
from creditwatch.windows import Window


@dataclass
class BatchResult:
    plan: BatchPlan
    window: Window | None
    planned: int = 0
    accepted: int = 0
    rejected: int = 0  # answered 4xx
    server_errors: int = 0  # answered 5xx
    not_sent: int = 0  # never answered (connection errors after retries)
    deliberate_bad: int = 0
    latencies_ms: list[float] = field(default_factory=list)
    probabilities: list[float] = field(default_factory=list)
    approvals: int = 0
    drift_status: str | None = None

    def record(self, status: int | None, latency_ms: float, data: Any, *, deliberate: bool) -> None:
        self.deliberate_bad += deliberate
        if status is None:
            self.not_sent += 1
            return
        self.latencies_ms.append(latency_ms)
        if status == 200 and isinstance(data, dict):
            self.accepted += 1
            self.probabilities.append(float(data["probability"]))
            self.approvals += data.get("decision") == "APPROVED"
        elif status >= 500:
            self.server_errors += 1
        else:
            self.rejected += 1

    def record_many(self, status: int | None, latency_ms: float,
                    results: list[dict[str, Any]] | None, n: int) -> None:
        if status is None:
            self.not_sent += n
            return
        self.latencies_ms.append(latency_ms)
        if results is not None:
            self.accepted += len(results)
            self.probabilities += [float(r["probability"]) for r in results]
            self.approvals += sum(r.get("decision") == "APPROVED" for r in results)
        elif status >= 500:
            self.server_errors += n
        else:
            self.rejected += n

    @property
    def sent(self) -> int:
        return self.accepted + self.rejected + self.server_errors

    def row(self) -> dict[str, Any]:
        lat = np.array(self.latencies_ms) if self.latencies_ms else None
        return {
            "batch": self.plan.index,
            "drift": self.plan.label,
            "window_start": self.window.start if self.window else None,
            "planned": self.planned,
            "sent": self.sent,
            "accepted": self.accepted,
            "rejected": self.rejected,
            "server_errors": self.server_errors,
            "not_sent": self.not_sent + max(0, self.planned - self.sent - self.not_sent),
            "mean_latency_ms": float(lat.mean()) if lat is not None else None,
            "p95_latency_ms": float(np.percentile(lat, 95)) if lat is not None else None,
            "approval_rate": self.approvals / self.accepted if self.accepted else None,
            "mean_probability": float(np.mean(self.probabilities)) if self.probabilities else None,
            "drift_status": self.drift_status,
        }


@dataclass
class OutcomeTally:
    """The outcomes sent back through ``POST /outcomes`` (see ``simulate.outcomes``)."""

    labelled: int = 0  # accepted applications drawn into the labelled share
    statuses: Counter[str] = field(default_factory=Counter)  # per item, as the API answered
    rejected: int = 0  # items of requests answered 4xx
    server_errors: int = 0  # items of requests answered 5xx
    not_sent: int = 0  # items of requests never answered
    not_due: int = 0  # observed after the run's end: not sent

    def record(self, status: int | None, data: Any, n: int) -> None:
        if status is None:
            self.not_sent += n
        elif status in (200, 202) and isinstance(data, dict):
            self.statuses.update(str(r.get("status")) for r in data.get("results", ()))
        elif status >= 500:
            self.server_errors += n
        else:
            self.rejected += n

    @property
    def sent(self) -> int:
        """Items of answered requests."""
        return self.statuses.total() + self.rejected + self.server_errors

    def summary(self) -> str:
        states = ", ".join(f"{s} {n:,}" for s, n in self.statuses.most_common())
        parts = [f"outcomes: {self.sent:,} of {self.labelled:,} labelled sent"
                 + (f" ({states})" if states else "")]
        parts += [f"{n:,} {what}" for n, what in (
            (self.rejected, "refused (4xx)"), (self.server_errors, "server errors (5xx)"),
            (self.not_sent, "not answered"), (self.not_due, "not yet due")) if n]
        return ", ".join(parts)


@dataclass
class Refusals:
    """Rows the API refused (4xx), by the field it named (a row naming two fields counts
    under both; a refusal naming no field is under ``(request)``)."""

    rows: int = 0
    by_field: dict[str, list[int]] = field(default_factory=dict)  # field: file rows (0-based)

    def add(self, row: int, fields: list[str]) -> None:
        self.rows += 1
        for name in dict.fromkeys(fields or ["(request)"]):
            self.by_field.setdefault(name, []).append(row)

    def summary(self, examples: int = 5) -> list[str]:
        """One line per field, most refused first, with the first file rows (1-based, the
        header not counted)."""
        lines = []
        for name, rows in sorted(self.by_field.items(), key=lambda kv: (-len(kv[1]), kv[0])):
            shown = ", ".join(str(r + 1) for r in sorted(rows)[:examples])
            lines.append(f"{name}: {len(rows):,} row(s) refused (rows {shown}"
                         + (", ..." if len(rows) > examples else "") + ")")
        return lines


@dataclass
class SimulationResult:
    planned: int
    batches: list[BatchResult] = field(default_factory=list)
    outcomes: OutcomeTally = field(default_factory=OutcomeTally)
    interrupted: bool = False
    unreachable: bool = False
    refusals: Refusals = field(default_factory=Refusals)
    already_sent: int = 0  # a resumed replay: rows answered by the earlier run(s)

    @property
    def sent(self) -> int:
        return sum(b.sent for b in self.batches)

    @property
    def accepted(self) -> int:
        return sum(b.accepted for b in self.batches)

    @property
    def not_sent(self) -> int:
        return self.planned - self.sent

    @property
    def complete(self) -> bool:
        """Every planned request was answered (rejections of deliberate bad ones included),
        and so was every outcome sent."""
        return (not self.interrupted and not self.unreachable and self.not_sent == 0
                and self.outcomes.not_sent == 0)

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame([b.row() for b in self.batches])
