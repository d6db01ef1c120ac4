"""Where alerts come from besides the window's KPIs: each source judges one stored part of
the monitoring (model performance, fairness, ...) as of the check and returns its verdicts
(``analytics.health.Verdict``); a bad verdict fires its alert, with the same cool-down,
de-duplication and notifiers as the KPIs' (see ``check``).

A source is ``source(store, settings, window, now) -> {kind: Verdict}``: ``window`` is the
server-time window the check looks at, ``now`` the check's time. Sources read what their
own runs stored (they never recompute a figure), so the alert says what the dashboard and
the reports show. Register a source by adding it to ``SOURCES``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime

from creditwatch.alerts.fairness import fairness_source
from creditwatch.analytics.health import Verdict
from creditwatch.config import Settings
from creditwatch.store import Store
from creditwatch.windows import Window

Source = Callable[[Store, Settings, Window, datetime], Mapping[str, Verdict]]

SOURCES: tuple[Source, ...] = (fairness_source,)
