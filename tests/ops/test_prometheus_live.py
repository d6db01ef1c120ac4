"""Debian's real Prometheus scraping a real 2-worker API under simulated traffic: every
alert expression evaluates, every recording rule and every PromQL query of the Grafana
dashboards returns data, and Prometheus counts exactly the requests sent."""

from __future__ import annotations

import random
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import yaml

from creditwatch.store import Store, upgrade

from tests.api.applications import applications
from tests.ops.test_prometheus_rules import RULES
from tests.plugins.api_server import ApiServer, ApiServerFactory
from tests.plugins.prometheus import Prometheus, PrometheusFactory
from tests.support.grafana import expand_promql, queries

pytestmark = [pytest.mark.slow, pytest.mark.postgres]


def seed_monitoring_rows(url: str) -> None:
    """A recent drift report, two alerts still cooling down, and a performance report."""
    now = datetime.now(UTC)
    with Store(url) as store:
        store.write_drift_report({
            "created_at": now, "window_start": now - timedelta(days=1), "window_end": now,
            "n_predictions": 500, "n_features_analyzed": 40, "n_features_drifted": 14,
            "drift_share": 0.35, "status": "ALERT"})
        for kind in ("drift", "error_rate"):
            store.write_alert({"fired_at": now - timedelta(minutes=5), "kind": kind,
                               "severity": "warning", "message": kind})
        store.write_performance_report({
            "window_start": now - timedelta(days=1), "window_end": now, "model_version": "m1",
            "n_predictions": 2000, "n_labelled": 1800, "immature": False,
            "extrapolating": False, "auc_estimated": 0.62, "auc_estimated_low": 0.58,
            "auc_estimated_high": 0.66, "auc_realized": 0.6, "concept_drift": False})


def traffic(server: ApiServer, seconds: float) -> dict[str, int]:
    """Simulated clients for ``seconds``: single predictions, batches of 5 and about 1 in 8
    invalid requests, from 4 threads; the answers counted by endpoint and status."""
    apps = applications(400, seed=71)
    deadline = time.monotonic() + seconds

    def client(worker: int) -> dict[str, int]:
        rng = random.Random(worker)
        counts: dict[str, int] = {}
        with httpx.Client(base_url=server.url, timeout=60) as http:
            while time.monotonic() < deadline:
                roll = rng.random()
                if roll < 0.12:
                    response = http.post("/predict", json={"AMT_CREDIT": -1})
                    endpoint = "/predict"
                elif roll < 0.2:
                    response = http.post("/predict-batch",
                                         json={"applications": rng.sample(apps, 5)})
                    endpoint = "/predict-batch"
                else:
                    response = http.post("/predict", json=rng.choice(apps))
                    endpoint = "/predict"
                key = f"{endpoint} {response.status_code}"
                counts[key] = counts.get(key, 0) + 1
                time.sleep(0.01)
        return counts

    total: dict[str, int] = {}
    with ThreadPoolExecutor(4) as pool:
        for counts in pool.map(client, range(4)):
            for key, n in counts.items():
                total[key] = total.get(key, 0) + n
    return total


def wait_for_rules(prometheus: Prometheus, timeout: float = 60) -> list[dict[str, Any]]:
    deadline = time.monotonic() + timeout
    while True:
        rules = prometheus.rules()
        if rules and all(r.get("lastEvaluation", "").startswith("20") for r in rules):
            return rules
        assert time.monotonic() < deadline, "rules not evaluated"
        time.sleep(0.5)


def test_prometheus_scrapes_the_api_and_every_rule_and_dashboard_query_has_data(
        api_server_factory: ApiServerFactory, prometheus_factory: PrometheusFactory,
        pg_fresh_url: str) -> None:
    """A 2-worker API on PostgreSQL with drift, alert and performance rows, scraped every
    second by Prometheus with ops/prometheus's rules while 4 clients send traffic for 10 s:
    the target is up; every rule is evaluated without error and every alert expression is a
    valid query; each recording rule and each dashboard PromQL query returns data; the
    AUC-below-band and drift alerts fire on the seeded rows; and Prometheus's count of
    answered requests equals the clients'."""
    upgrade(pg_fresh_url)
    seed_monitoring_rows(pg_fresh_url)
    server = api_server_factory(database_url=pg_fresh_url, workers=2,
                                CREDITWATCH_MONITOR_REFRESH_S="1")
    prometheus = prometheus_factory([f"127.0.0.1:{server.port}"])
    sent = traffic(server, 10)
    assert sent.get("/predict 422", 0) > 0 and sent.get("/predict-batch 200", 0) > 0
    time.sleep(3)  # the last requests scraped
    assert [t["health"] for t in prometheus.targets()] == ["up"]
    rules = wait_for_rules(prometheus)
    assert {r["health"] for r in rules} == {"ok"}, [r for r in rules if r["health"] != "ok"]
    for rule in yaml.safe_load(RULES.read_text())["groups"][1]["rules"]:
        prometheus.query(rule["expr"])  # valid PromQL, evaluated
    for rule in yaml.safe_load(RULES.read_text())["groups"][0]["rules"]:
        assert prometheus.query(rule["record"]), rule["record"]
    for query in queries():
        if not query.is_sql:
            expr = expand_promql(query.text, "10s")
            assert prometheus.query(expr), f"{query.dashboard} / {query.panel}: {expr}"
    firing = {r["name"] for r in rules if r.get("type") == "alerting" and r["state"] != "inactive"}
    assert {"CreditwatchDataDrift", "CreditwatchEstimatedAucBelowBand"} <= firing
    for endpoint, status in (("/predict", "200"), ("/predict", "422"),
                             ("/predict-batch", "200")):
        [sample] = prometheus.query(
            f'sum(creditwatch_requests_total{{endpoint="{endpoint}",status="{status}"}})')
        assert float(sample["value"][1]) == sent[f"{endpoint} {status}"]
