"""Promoting under load: a real ``creditwatch serve`` (one worker, then two) answers a
stream of /predict and /predict-batch requests from several threads while
``creditwatch model promote`` switches the champion. Nothing fails or is lost, both versions
answer, and every stored prediction carries the version that answered it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from creditwatch.model.bundle import ModelBundle
from creditwatch.registry.versions import add_version

from tests.api.applications import applications
from tests.plugins.api_server import ApiServer, ApiServerFactory

pytestmark = pytest.mark.slow
THREADS = 4
BEFORE = 30  # answers by the old champion before the promotion
AFTER = 15  # answers per thread once every worker has swapped
DEADLINE_S = 240.0


def cli(args: list[str], root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CREDITWATCH_ROOT": str(root),
           "CREDITWATCH_ARTIFACTS_DIR": str(root / "artifacts")}
    env.pop("DATABASE_URL", None)
    return subprocess.run([sys.executable, "-m", "creditwatch.cli.main", *args], env=env,
                          capture_output=True, text=True, timeout=600, cwd=root)


def wait_for(condition: Callable[[], bool], what: str) -> None:
    end = time.monotonic() + DEADLINE_S
    while not condition():
        assert time.monotonic() < end, f"timed out waiting for {what}"
        time.sleep(0.05)


class Traffic:
    """``THREADS`` clients, each alternating one /predict and one /predict-batch of 3, on a
    new connection every time (so the kernel spreads them over the workers)."""

    def __init__(self, server: ApiServer) -> None:
        self.server = server
        self.rows = applications(60, seed=31)
        self.answered: dict[str, str] = {}  # prediction id -> version in the answer
        self.errors: list[str] = []
        self.sent = 0
        self.per_thread = [0] * THREADS
        self.stop = threading.Event()
        self._lock = threading.Lock()
        self._threads = [threading.Thread(target=self._run, args=(t,)) for t in range(THREADS)]

    def __enter__(self) -> Traffic:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *_: Any) -> None:
        self.stop.set()
        for thread in self._threads:
            thread.join(120)

    def _run(self, t: int) -> None:
        limits = httpx.Limits(max_keepalive_connections=0)
        with httpx.Client(base_url=self.server.url, timeout=60, limits=limits) as client:
            i = 0
            while not self.stop.is_set():
                i += 1
                self._one(client, f"lp-{t}-{i}", i, t)

    def _one(self, client: httpx.Client, rid: str, i: int, t: int) -> None:
        batch = i % 2 == 0
        rows = [self.rows[(i * 3 + k) % len(self.rows)] for k in range(3 if batch else 1)]
        with self._lock:
            self.sent += 1
        try:
            if batch:
                r = client.post("/predict-batch", json={"applications": rows},
                                headers={"X-Request-ID": rid})
            else:
                r = client.post("/predict", json=rows[0], headers={"X-Request-ID": rid})
        except httpx.HTTPError as exc:
            with self._lock:
                self.errors.append(f"{rid}: {exc!r}")
            return
        if r.status_code != 200:
            with self._lock:
                self.errors.append(f"{rid}: {r.status_code} {r.text[:200]}")
            return
        body = r.json()
        results = body["results"] if batch else [body]
        with self._lock:
            for result in results:
                self.answered[result["prediction_id"]] = result["model_version"]
            if batch and {x["model_version"] for x in results} != {body["model_version"]}:
                self.errors.append(f"{rid}: a batch answered by two versions")
            self.per_thread[t] += 1


def swapped_pids(server: ApiServer) -> set[int]:
    """The worker processes that logged the swap."""
    pids = set()
    for line in server.log_lines():
        if '"model_promoted"' in line:
            pids.add(json.loads(line)["pid"])
    return pids


@pytest.mark.parametrize("workers", [1, 2])
def test_promoting_under_load_fails_and_loses_nothing(
        api_server_factory: ApiServerFactory, bundle: ModelBundle,
        other_bundle: ModelBundle, workers: int) -> None:
    """0 errors, every request answered and stored, every stored prediction's model_version
    is the version that answered it, both versions answered, every worker swapped."""
    server = api_server_factory(workers=workers, CREDITWATCH_MODEL_POLL_S="0.2")
    artifacts = server.root / "artifacts"
    migrated = cli(["model", "migrate"], server.root)  # the served legacy bundle: champion
    assert migrated.returncode == 0, migrated.stderr
    add_version(artifacts, other_bundle)
    with Traffic(server) as traffic:
        wait_for(lambda: len(traffic.answered) >= BEFORE, "answers before the promotion")
        promoted = cli(["model", "promote", other_bundle.version], server.root)
        assert promoted.returncode == 0, promoted.stderr
        wait_for(lambda: len(swapped_pids(server)) == workers, "every worker to swap")
        marks = list(traffic.per_thread)
        wait_for(lambda: all(n >= m + AFTER for n, m in zip(traffic.per_thread, marks,
                                                            strict=True)), "answers after")
    assert traffic.errors == []
    assert sum(traffic.per_thread) == traffic.sent  # every request answered
    assert set(traffic.answered.values()) == {bundle.version, other_bundle.version}
    assert server.stop(), server.log_tail()  # graceful: the spool is flushed
    stored = server.store().read_predictions(columns=["request_id", "model_version"])
    stored = stored[stored["request_id"].str.startswith("lp-")]
    assert len(stored) == len(traffic.answered)
    assert dict(zip(stored["request_id"], stored["model_version"], strict=True)) == \
        traffic.answered
