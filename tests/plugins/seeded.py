"""Stores seeded with scored synthetic traffic, drift reports and alerts (both kinds).

``seed_monitoring`` writes, relative to ``NOW``: 1800 clean predictions over the 10 days
before the last two, 900 drifted ones over the last two days (3 % of requests rejected,
as 422 anomalies), the bundle's reference sample, drift reports for six daily windows (the
last window checked twice) and three alerts. ``seeded_store`` is one such store per kind for
the whole session: tests read it and never write to it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest

from creditwatch.analytics import Analytics
from creditwatch.config import Settings
from creditwatch.model.bundle import ModelBundle
from creditwatch.scoring import Scorer
from creditwatch.store import Store, pgadmin, upgrade
from creditwatch.synthetic.shift import DriftSpec

from tests.plugins.postgres import STORES
from tests.support.seed import seed_store

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def seed_monitoring(store: Store, bundle: ModelBundle, *, now: datetime = NOW,
                    scale: int = 1) -> None:
    """Fill ``store`` as described in the module docstring (``scale`` multiplies volumes)."""
    scorer = Scorer(bundle, Settings(store={"url": None}))
    seed_store(store, scorer, 1800 * scale, start=now - timedelta(days=12),
               end=now - timedelta(days=2), seed=1, error_rate=0.03, batch=1000)
    seed_store(store, scorer, 900 * scale, start=now - timedelta(days=2), end=now, seed=2,
               drift=DriftSpec("sudden", 0.7), error_rate=0.03, batch=1000)
    store.write_reference(bundle.version, bundle.reference)
    for day in range(6, 0, -1):
        start = now - timedelta(days=day)
        share = 0.05 * (7 - day)
        store.write_drift_report({
            "created_at": min(start + timedelta(days=1, minutes=5), now - timedelta(hours=2)),
            "window_start": start,
            "window_end": start + timedelta(days=1), "model_version": bundle.version,
            "n_reference": len(bundle.reference), "n_predictions": 180 + day,
            "n_features_analyzed": 100, "n_features_drifted": round(100 * share),
            "drift_share": share, "weighted_drift_score": share / 2,
            "status": "ALERT" if share > 0.3 else "WARNING" if share >= 0.1 else "OK",
        })
    last = now - timedelta(days=1)
    store.write_drift_report({  # the last window checked again: the history keeps this one
        "created_at": now - timedelta(minutes=30), "window_start": last, "window_end": now,
        "model_version": bundle.version, "n_reference": len(bundle.reference),
        "n_predictions": 450, "n_features_analyzed": 100, "n_features_drifted": 42,
        "drift_share": 0.42, "weighted_drift_score": 0.5, "status": "ALERT",
    })
    for hours, kind, severity in ((100, "latency_p95", "warning"), (30, "drift", "critical"),
                                  (2, "error_rate", "critical")):
        store.write_alert({"fired_at": now - timedelta(hours=hours), "kind": kind,
                           "severity": severity, "message": f"{kind} over its threshold",
                           "value": 1.0, "threshold": 0.5})


@contextmanager
def seeded_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
               bundle: ModelBundle) -> Iterator[str]:
    """URL of a new store of the kind ``request.param`` names, seeded with the monitoring
    data; a PostgreSQL database made for it is dropped afterwards."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('seeded') / 'store.db'}"
        with Store(url) as store:
            seed_monitoring(store, bundle)
        yield url
        return
    admin = request.getfixturevalue("pg_admin_url")
    name = pgadmin.unique_name()
    url = pgadmin.create_database(admin, name)
    try:
        upgrade(url)
        with Store(url) as store:
            seed_monitoring(store, bundle)
        yield url
    finally:
        pgadmin.drop_database(admin, name)


@pytest.fixture(scope="session", params=STORES)
def seeded_store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
                 bundle: ModelBundle) -> Iterator[Store]:
    """A store of each kind holding the seeded monitoring data (read-only for tests)."""
    with seeded_url(request, tmp_path_factory, bundle) as url, Store(url) as store:
        yield store


@pytest.fixture
def seeded_analytics(seeded_store: Store) -> Iterator[Analytics]:
    """An ``Analytics`` over ``seeded_store`` whose relative periods end at ``NOW``."""
    with Analytics(seeded_store, settings=Settings(store={"url": None}), now=NOW,
                   refresh_s=0, full_check_s=0) as analytics:
        yield analytics
