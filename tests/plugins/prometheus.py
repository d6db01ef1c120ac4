"""Debian's Prometheus for the operations tests: ``promtool`` and a real server on loopback.

``make test`` installs the ``prometheus`` package when it is missing (``make system-deps``).
Without it the tests that need it are skipped locally and fail under CI.

* ``promtool``: the path of ``promtool``;
* ``prometheus_factory(targets, rules=...)``: a started Prometheus on a free loopback port,
  with a temporary storage folder, scraping ``targets`` every second and evaluating the given
  rule files every second; stopped at teardown.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol

import httpx
import pytest
import yaml

from creditwatch.cli.processes import Service, free_port

from tests.plugins.environment import in_ci

CHECKOUT = Path(__file__).resolve().parents[2]
OPS = CHECKOUT / "ops"
SCRAPE_CONFIG = OPS / "prometheus" / "prometheus.yml"
RULES = OPS / "prometheus" / "rules"


def _binary(name: str) -> str:
    found = shutil.which(name) or (f"/usr/bin/{name}" if Path(f"/usr/bin/{name}").exists()
                                   else None)
    if found is None:
        reason = (f"{name} is missing: `make system-deps` installs Debian's prometheus "
                  "(or: sudo apt-get install -y prometheus)")
        if in_ci():
            pytest.fail(f"CI requires {name}: {reason}")
        pytest.skip(reason)
    return found


@pytest.fixture(scope="session")
def promtool() -> str:
    """Path of promtool (skip locally, fail under CI, when missing)."""
    return _binary("promtool")


class Prometheus:
    def __init__(self, service: Service, url: str) -> None:
        self.service, self.url = service, url

    def query(self, expr: str) -> list[dict[str, Any]]:
        """An instant query's result vector (or scalar as one item); AssertionError when
        Prometheus refuses the expression."""
        response = httpx.get(f"{self.url}/api/v1/query", params={"query": expr}, timeout=30)
        body = response.json()
        assert body.get("status") == "success", f"{expr}: {body}"
        data = body["data"]
        return list(data["result"]) if data["resultType"] in ("vector", "matrix") else [data]

    def rules(self) -> list[dict[str, Any]]:
        groups = httpx.get(f"{self.url}/api/v1/rules", timeout=30).json()["data"]["groups"]
        return [rule for group in groups for rule in group["rules"]]

    def targets(self) -> list[dict[str, Any]]:
        data = httpx.get(f"{self.url}/api/v1/targets", timeout=30).json()["data"]
        return list(data["activeTargets"])


class PrometheusFactory(Protocol):
    def __call__(self, targets: list[str]) -> Prometheus: ...


@pytest.fixture
def prometheus_factory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrometheusFactory]:
    """Start Prometheus with ops/prometheus's scrape job and rules, pointed at ``targets``."""
    binary = _binary("prometheus")
    started: list[Service] = []

    def make(targets: list[str]) -> Prometheus:
        root = tmp_path_factory.mktemp("prometheus")
        config = yaml.safe_load(SCRAPE_CONFIG.read_text())
        config["global"] = {"scrape_interval": "1s", "evaluation_interval": "1s"}
        config["scrape_configs"][0]["static_configs"] = [{"targets": targets}]
        shutil.copytree(RULES, root / "rules")
        (root / "prometheus.yml").write_text(yaml.safe_dump(config))
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        cmd = [binary, f"--config.file={root / 'prometheus.yml'}",
               f"--storage.tsdb.path={root / 'data'}", f"--web.listen-address=127.0.0.1:{port}",
               "--log.level=warn"]
        service = Service("prometheus", cmd, f"{url}/-/ready", env={}, cwd=root,
                          log_path=root / "prometheus.log")
        started.append(service)
        service.start(60)
        return Prometheus(service, url)

    yield make
    for service in started:
        service.stop()
