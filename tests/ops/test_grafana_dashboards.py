"""ops/grafana: provisioning files and dashboards; every SQL panel query runs against a real
seeded PostgreSQL store and returns the columns its panel expects. (The PromQL panels run
against a real Prometheus in test_prometheus_live.py. Grafana itself cannot be installed
here: these tests check its inputs, not Grafana.)"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta

import pytest
import sqlalchemy as sa
import yaml

from creditwatch.model.bundle import ModelBundle
from creditwatch.store import Store, pgadmin, upgrade

from tests.plugins.seeded import NOW, seed_monitoring
from tests.support.grafana import DASHBOARDS, GRAFANA, Query, expand_sql, queries

# Each SQL panel's columns, in order (written by hand: the oracle).
SQL_COLUMNS = {
    "Drift share per window": ["time", "drift_share", "n_features_drifted"],
    "Drift reports": ["time", "window_start", "window_end", "status", "drift_share",
                      "n_predictions"],
    "Decisions per hour": ["time", "approved", "refused"],
    "Approval rate and mean probability per hour": ["time", "approval_rate",
                                                    "mean_probability"],
    "Alerts fired": ["time", "kind", "severity", "message", "value", "threshold"],
}


def datasource_uids() -> set[str]:
    text = (GRAFANA / "provisioning" / "datasources" / "creditwatch.yml").read_text()
    return {d["uid"] for d in yaml.safe_load(text)["datasources"]}


def test_dashboards_are_valid_and_use_only_provisioned_data_sources() -> None:
    """Both dashboards parse, have unique uids and panel ids, and every panel and query
    names a data source the provisioning file defines (Prometheus or the store)."""
    assert {p.stem for p in DASHBOARDS} == {"service", "model"}
    uids = datasource_uids()
    assert uids == {"creditwatch-prometheus", "creditwatch-postgres"}
    seen = set()
    for path in DASHBOARDS:
        board = json.loads(path.read_text())
        assert board["uid"] not in seen
        seen.add(board["uid"])
        ids = [p["id"] for p in board["panels"]]
        assert len(ids) == len(set(ids))
        for panel in board["panels"]:
            assert panel["datasource"]["uid"] in uids, panel["title"]
    assert {q.datasource for q in queries()} <= uids
    provider = yaml.safe_load(
        (GRAFANA / "provisioning" / "dashboards" / "creditwatch.yml").read_text())
    assert provider["providers"][0]["options"]["path"] == "/var/lib/grafana/dashboards"


def test_the_sql_oracle_covers_every_sql_panel() -> None:
    """The expected-columns table names exactly the SQL panels of the dashboards."""
    assert {q.panel for q in queries() if q.is_sql} == set(SQL_COLUMNS)


@pytest.fixture(scope="module")
def seeded_pg(pg_admin_url: str, bundle: ModelBundle) -> Iterator[str]:
    name = pgadmin.unique_name()
    url = pgadmin.create_database(pg_admin_url, name)
    try:
        upgrade(url)
        with Store(url) as store:
            seed_monitoring(store, bundle)
        yield url
    finally:
        pgadmin.drop_database(pg_admin_url, name)


@pytest.mark.postgres
@pytest.mark.slow
@pytest.mark.parametrize("query", [q for q in queries() if q.is_sql], ids=lambda q: q.panel)
def test_every_sql_panel_runs_on_a_seeded_store_and_returns_its_columns(
        seeded_pg: str, query: Query) -> None:
    """With Grafana's macros expanded for the seeded fortnight, the panel's SQL runs on
    PostgreSQL, returns rows, and its columns are the ones the panel expects."""
    sql = expand_sql(query.text, NOW - timedelta(days=14), NOW + timedelta(hours=1))
    with Store(seeded_pg) as store, store.engine.connect() as conn:
        result = conn.execute(sa.text(sql))
        columns, rows = list(result.keys()), result.fetchall()
    assert columns == SQL_COLUMNS[query.panel]
    assert rows, f"{query.panel}: no rows"
