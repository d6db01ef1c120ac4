"""Prometheus metrics of one API process (each uvicorn worker exposes its own)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

if TYPE_CHECKING:
    from creditwatch.writer import BackgroundWriter

_LATENCY_BUCKETS = (0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5)
_PROBABILITY_BUCKETS = tuple(i / 20 for i in range(1, 21))
_COALESCED_BUCKETS = (1, 2, 4, 8, 16, 32, 64, 128)


class ApiMetrics:
    def __init__(self, writer: BackgroundWriter) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.requests = Counter("creditwatch_requests", "HTTP requests by endpoint and status",
                                ["endpoint", "status"], registry=r)
        self.latency = Histogram("creditwatch_request_latency_seconds", "Request latency",
                                 ["endpoint"], buckets=_LATENCY_BUCKETS, registry=r)
        self.decisions = Counter("creditwatch_decisions", "Decisions made", ["decision"],
                                 registry=r)
        self.probability = Histogram("creditwatch_probability", "Predicted default probability",
                                     buckets=_PROBABILITY_BUCKETS, registry=r)
        self.coalesced = Histogram("creditwatch_predict_coalesced",
                                   "/predict requests scored in one pass (see api.coalesce)",
                                   buckets=_COALESCED_BUCKETS, registry=r)
        self.spooled = Counter("creditwatch_spooled_records", "Records written to the local spool",
                               ["kind"], registry=r)
        queue = Gauge("creditwatch_write_queue_depth",
                      "Spooled records not yet committed to the store", registry=r)
        queue.set_function(writer.pending_records)
        stored = Gauge("creditwatch_stored_records", "Records this process shipped to the store",
                       registry=r)
        stored.set_function(lambda: writer.shipped)
        rejected = Gauge("creditwatch_rejected_records",
                         "Spooled records the store refused, kept in rejected-*.jsonl", registry=r)
        rejected.set_function(lambda: writer.rejected)
        store_up = Gauge("creditwatch_store_up", "1 when the last write to the store worked",
                         registry=r)
        store_up.set_function(lambda: float(writer.store_ok))

        self._children: dict[tuple[int, tuple[str, ...]], Any] = {}

    def child(self, metric: Any, *labels: str) -> Any:
        """``metric.labels(*labels)``, kept: prometheus_client builds the label key anew on
        every call, several microseconds a request on the hot path. Label sets are few
        (endpoints, statuses, decisions, record kinds), so the cache stays small."""
        key = (id(metric), labels)
        found = self._children.get(key)
        if found is None:
            found = self._children[key] = metric.labels(*labels)
        return found

    def render(self) -> bytes:
        return generate_latest(self.registry)
