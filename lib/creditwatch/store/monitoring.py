"""Drift report history (written by the drift engine) and fired alerts (the alert check)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import pandas as pd
from sqlalchemy import select, update

from creditwatch.store._base import StoreBase, window
from creditwatch.store.models import ALERTS, DRIFT_REPORTS

_REPORTS = DRIFT_REPORTS
_ALERTS = ALERTS
_REPORT_KEYS = frozenset(_REPORTS.c.keys()) - {"id"}
_ALERT_KEYS = frozenset(_ALERTS.c.keys()) - {"id"}


def _row(record: Mapping[str, Any], allowed: frozenset[str], kind: str) -> dict[str, Any]:
    unknown = record.keys() - allowed
    if unknown:
        raise ValueError(f"unknown {kind} keys: {sorted(unknown)}")
    return dict(record)


class MonitoringMixin(StoreBase):
    # -- drift reports -------------------------------------------------------------------
    def write_drift_report(self, report: Mapping[str, Any]) -> int:
        """Store one drift run (keys: the ``drift_reports`` columns; ``created_at``
        defaults to now) and return its id."""
        row = _row(report, _REPORT_KEYS, "drift report")
        row.setdefault("created_at", datetime.now(UTC))
        with self._write() as conn:
            return int(conn.execute(_REPORTS.insert().returning(_REPORTS.c.id), row).scalar_one())

    def update_drift_report(self, report_id: int, **values: Any) -> None:
        """Set columns of a stored report (e.g. ``report_path`` once the HTML is written)."""
        row = _row(values, _REPORT_KEYS, "drift report")
        with self._write() as conn:
            result = conn.execute(update(_REPORTS).where(_REPORTS.c.id == report_id).values(row))
            if result.rowcount != 1:
                raise KeyError(f"no drift report {report_id}")

    def get_drift_report(self, report_id: int) -> dict[str, Any] | None:
        """One report with its per-column details, or None."""
        with self.engine.connect() as conn:
            row = conn.execute(select(_REPORTS).where(_REPORTS.c.id == report_id)).mappings()
            found = row.one_or_none()
        return dict(found) if found is not None else None

    def latest_drift_report(self, model_version: str | None = None) -> dict[str, Any] | None:
        """The most recently created report (optionally for one model version), or None."""
        stmt = select(_REPORTS).order_by(_REPORTS.c.created_at.desc(), _REPORTS.c.id.desc())
        if model_version is not None:
            stmt = stmt.where(_REPORTS.c.model_version == model_version)
        with self.engine.connect() as conn:
            found = conn.execute(stmt.limit(1)).mappings().one_or_none()
        return dict(found) if found is not None else None

    def read_drift_reports(
        self,
        start: datetime | None = None,
        end: datetime | None = None,
        *,
        model_version: str | None = None,
        details: bool = False,
    ) -> pd.DataFrame:
        """Reports whose window starts in ``[start, end)``, by window then creation time;
        the per-column ``details`` only when asked (they are the bulky part)."""
        columns = [c for c in _REPORTS.c if details or c.key != "details"]
        stmt = select(*columns).where(*window(_REPORTS.c.window_start, start, end))
        if model_version is not None:
            stmt = stmt.where(_REPORTS.c.model_version == model_version)
        order = (_REPORTS.c.window_start, _REPORTS.c.created_at, _REPORTS.c.id)
        return self._frame(stmt.order_by(*order))

    # -- alerts --------------------------------------------------------------------------
    def write_alert(self, alert: Mapping[str, Any]) -> int:
        """Record a fired alert (keys: the ``alerts`` columns; ``fired_at`` defaults to now,
        ``dedup_key`` to ``kind``) and return its id."""
        row = _row(alert, _ALERT_KEYS, "alert")
        row.setdefault("fired_at", datetime.now(UTC))
        row.setdefault("dedup_key", row.get("kind"))
        with self._write() as conn:
            return int(conn.execute(_ALERTS.insert().returning(_ALERTS.c.id), row).scalar_one())

    def update_alert_delivery(self, alert_id: int, delivered: Mapping[str, Any]) -> None:
        """Record where an alert was (or failed to be) delivered."""
        with self._write() as conn:
            result = conn.execute(
                update(_ALERTS).where(_ALERTS.c.id == alert_id).values(delivered=dict(delivered))
            )
            if result.rowcount != 1:
                raise KeyError(f"no alert {alert_id}")

    def last_alert(self, dedup_key: str) -> dict[str, Any] | None:
        """The latest alert with this key (for the cool-down), or None."""
        stmt = (
            select(_ALERTS)
            .where(_ALERTS.c.dedup_key == dedup_key)
            .order_by(_ALERTS.c.fired_at.desc(), _ALERTS.c.id.desc())
            .limit(1)
        )
        with self.engine.connect() as conn:
            found = conn.execute(stmt).mappings().one_or_none()
        return dict(found) if found is not None else None

    def read_alerts(
        self,
        start: datetime | None = None,
        end: datetime | None = None,
        *,
        kind: str | None = None,
    ) -> pd.DataFrame:
        """Alerts fired in ``[start, end)``, oldest first."""
        stmt = select(_ALERTS).where(*window(_ALERTS.c.fired_at, start, end))
        if kind is not None:
            stmt = stmt.where(_ALERTS.c.kind == kind)
        return self._frame(stmt.order_by(_ALERTS.c.fired_at, _ALERTS.c.id))
