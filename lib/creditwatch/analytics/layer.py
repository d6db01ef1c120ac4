"""``Analytics``: every monitoring aggregate, one object (see the package docstring)."""

from __future__ import annotations

from creditwatch.analytics.business import BusinessMixin
from creditwatch.analytics.features import FeaturesMixin
from creditwatch.analytics.monitoring import MonitoringMixin
from creditwatch.analytics.operations import OperationsMixin
from creditwatch.analytics.outcomes import OutcomesMixin


class Analytics(OperationsMixin, BusinessMixin, MonitoringMixin, FeaturesMixin, OutcomesMixin):
    """Monitoring aggregates over the configured store, computed in DuckDB.

    ``Analytics(store)``, ``Analytics(settings)``, ``Analytics("postgresql://...")`` or
    ``Analytics()`` (the configured store). Every method takes a period ("24h", "7d", "30d",
    "all", "12h"..., or ``(start, end)``) and returns a DataFrame or a small dict.
    ``time_column`` is the clock of predictions: ``received_at`` (server time, default, as
    the alerts use) or ``application_time`` (the client's, as drift windows use).
    ``since``: copy only the rows received from then on (see ``LocalCopy``).
    """

    def __enter__(self) -> Analytics:
        return self
