"""The Models page's data: the champion and the challenger in shadow, compared.

The period's comparison as a whole and day by day (hour by hour for 24 h), from
``shadow.compare`` over the analytics copy, and the versions the registry's pointers name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pandas as pd

from creditwatch.analytics import Analytics
from creditwatch.registry.pointers import CHALLENGER, CHAMPION, pointed
from creditwatch.shadow.compare import compare, groups_frame, summary_frame
from creditwatch.windows import Chunker, Window

MODELS_ALL_DAYS = 90  # "all time" on the Models page: the last 90 days, day by day


@dataclass(frozen=True)
class ModelsData:
    champion: str | None  # the versions the registry's pointers name now
    challenger: str | None
    period: list[dict[str, Any]]  # WindowComparison.to_dict() of the period, per challenger
    history: pd.DataFrame  # shadow.compare.summary_frame, per window and challenger
    groups: pd.DataFrame  # shadow.compare.groups_frame of the period


def models(a: Analytics, period: str) -> ModelsData:
    window = a.window(period)
    end = window.end or a.window("24h").bounds[1]  # "all" ends now
    start = window.start or end - timedelta(days=MODELS_ALL_DAYS)
    step = timedelta(hours=1) if end - start <= timedelta(days=1) else timedelta(days=1)
    windows = [w for w in Chunker.consecutive(step, start, end) if w.bounds[0] >= start]
    whole = compare(a, [Window(start, end)], a.settings)
    per_window = compare(a, windows, a.settings)
    artifacts = a.settings.paths.artifacts
    return ModelsData(pointed(artifacts, CHAMPION), pointed(artifacts, CHALLENGER),
                      [r.to_dict() for r in whole], summary_frame(per_window),
                      groups_frame(whole))
