"""Simulation schedules: which drift each batch carries, and when it is stamped.

A schedule is a list of batches, each with a size and a :class:`DriftSpec`. Write it as a
short spec string, items separated by commas, each ``KIND[:INTENSITY][*COUNT]``::

    clean*3,gradual:0.1,gradual:0.2,gradual:0.3,sudden:0.5,sudden:0.7   (the default)

or as a YAML/JSON file holding a list of ``{drift: "gradual:0.1", size: 50, count: 1}``.
``clean`` is ``none``. The default is the seeds' schedule: 8 batches of 50, batches 1-3
clean, 4-6 gradual drift at 0.1 / 0.2 / 0.3, 7-8 sudden drift at 0.5 / 0.7.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import yaml

from creditwatch.errors import CreditwatchError
from creditwatch.synthetic.shift import DriftSpec

DEFAULT_SPEC = "clean*3,gradual:0.1,gradual:0.2,gradual:0.3,sudden:0.5,sudden:0.7"


class ScheduleError(CreditwatchError):
    """A schedule that cannot be read."""


@dataclass(frozen=True, slots=True)
class BatchPlan:
    index: int  # 1-based, as printed
    size: int
    drift: DriftSpec
    name: str | None = None  # shown instead of the drift (a replay's file rows)

    @property
    def label(self) -> str:
        if self.name is not None:
            return self.name
        return "clean" if self.drift.kind == "none" or self.drift.intensity == 0 else (
            f"{self.drift.kind} {self.drift.intensity:g}")


@dataclass(frozen=True, slots=True)
class Schedule:
    batches: tuple[BatchPlan, ...]

    def __len__(self) -> int:
        return len(self.batches)

    @property
    def total(self) -> int:
        return sum(b.size for b in self.batches)

    @classmethod
    def parse(cls, text: str | None = None, *, batch_size: int = 50,
              n_batches: int | None = None) -> Schedule:
        """A schedule from a spec string or a YAML/JSON file path (default: the seeds')."""
        text = text or DEFAULT_SPEC
        path = Path(text)
        items = _read_file(path, batch_size) if path.suffix in {".yml", ".yaml", ".json"} \
            else _read_spec(text, batch_size)
        if n_batches is not None:
            if n_batches > len(items):  # repeat the last batch's drift
                items += [items[-1]] * (n_batches - len(items))
            items = items[:n_batches]
        if not items:
            raise ScheduleError("the schedule has no batches")
        return cls(tuple(BatchPlan(i + 1, size, drift) for i, (size, drift) in enumerate(items)))


def _drift(text: str) -> DriftSpec:
    text = text.strip()
    try:
        return DriftSpec.parse("none" if text == "clean" else text)
    except (ValueError, TypeError) as exc:
        raise ScheduleError(f"bad drift {text!r}: {exc}") from None


def _read_spec(text: str, size: int) -> list[tuple[int, DriftSpec]]:
    items: list[tuple[int, DriftSpec]] = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        drift, _, count = part.partition("*")
        if count and not count.strip().isdigit():
            raise ScheduleError(f"bad repeat count in {part!r}")
        items += [(size, _drift(drift))] * int(count or 1)
    return items


def _read_file(path: Path, default_size: int) -> list[tuple[int, DriftSpec]]:
    if not path.exists():
        raise ScheduleError(f"schedule file {path} does not exist")
    data = json.loads(path.read_text()) if path.suffix == ".json" else yaml.safe_load(path.read_text())
    if isinstance(data, dict):
        data = data.get("batches")
    if not isinstance(data, list):
        raise ScheduleError(f"{path}: expected a list of batches")
    items: list[tuple[int, DriftSpec]] = []
    for entry in data:
        if not isinstance(entry, dict):
            raise ScheduleError(f"{path}: each batch must be a mapping, got {entry!r}")
        size = int(entry.get("size", default_size))
        if size < 1:
            raise ScheduleError(f"{path}: batch size must be positive")
        items += [(size, _drift(str(entry.get("drift", "none"))))] * int(entry.get("count", 1))
    return items
