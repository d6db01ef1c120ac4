"""Steady /predict traffic from background threads, recording what the API answered.

Each request carries its own SK_ID_CURR and X-Request-ID (``traffic-<SK_ID_CURR>``, which
the API uses as prediction id), so a stored prediction can be traced back to the request that
made it even when the client never saw the answer (the connection died with the server).
Outcomes per request:

* answered: a 200, with its prediction id;
* refused: connection refused/reset before sending: the server never had the request;
* in flight: the connection died after the request was sent (the server was killed while
  handling it); such a request may or may not have been answered, so may or may not be stored.
"""

from __future__ import annotations

import itertools
import threading
import time
from typing import Any

import httpx

from tests.api.applications import applications


class Traffic:
    def __init__(self, url: str, *, threads: int = 3, first_id: int = 1_000_000) -> None:
        self.url = url
        self.apps = applications(200, seed=61, with_id=False)
        self._ids = itertools.count(first_id)
        self._lock = threading.Lock()
        self.answered: dict[int, str] = {}  # SK_ID_CURR -> prediction id
        self.in_flight: set[int] = set()
        self.refused = 0
        self.other: list[tuple[int, str]] = []  # unexpected statuses
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._run, daemon=True) for _ in range(threads)]

    def __enter__(self) -> Traffic:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(30)

    def _run(self) -> None:
        client = httpx.Client(base_url=self.url, timeout=30)
        i = 0
        while not self._stop.is_set():
            client_id = next(self._ids)
            body = self.apps[i % len(self.apps)] | {"SK_ID_CURR": client_id}
            i += 1
            try:
                response = client.post("/predict", json=body,
                                       headers={"X-Request-ID": f"traffic-{client_id}"})
            except (httpx.ConnectError, httpx.ConnectTimeout):
                with self._lock:
                    self.refused += 1
                time.sleep(0.05)  # the server is down: do not spin
                continue
            except httpx.TransportError:
                with self._lock:
                    self.in_flight.add(client_id)
                client.close()
                client = httpx.Client(base_url=self.url, timeout=30)
                continue
            with self._lock:
                if response.status_code == 200:
                    self.answered[client_id] = response.json()["prediction_id"]
                else:
                    self.other.append((response.status_code, response.text[:300]))
        client.close()

    def wait_answered(self, count: int, timeout: float = 60.0) -> None:
        """Block until ``count`` more answers than now have come back."""
        target = len(self.answered) + count
        deadline = time.monotonic() + timeout
        while len(self.answered) < target:
            if time.monotonic() > deadline:
                raise AssertionError(f"only {len(self.answered)} answers, wanted {target}; "
                                     f"refused {self.refused}, other {self.other[:3]}")
            time.sleep(0.05)
