"""The API's Prometheus metrics: requests, the write queue and the monitoring gauges.

Every metric is declared here (docs/operations-stack.md lists them with their labels). With
one process, ``/metrics`` renders this process's registry. In multiprocess mode (several
uvicorn workers, see ``api.multiproc``) every worker writes its values to files in the
metrics folder and ``render`` merges all the workers' files: counters and histograms are
summed; the process gauges are set from the writer by each worker (``sample``, on every
render and every second from the monitor thread) and merged per gauge as its
``multiprocess_mode`` says; the monitoring gauges, set by the one worker that refreshes them
(see ``api.monitor``), show the most recent value.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

if TYPE_CHECKING:
    from creditwatch.writer import BackgroundWriter

_LATENCY_BUCKETS = (0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5)
_PROBABILITY_BUCKETS = tuple(i / 20 for i in range(1, 21))
_COALESCED_BUCKETS = (1, 2, 4, 8, 16, 32, 64, 128)


class ApiMetrics:
    def __init__(self, writer: BackgroundWriter, multiprocess_dir: Path | None = None) -> None:
        """``multiprocess_dir``: the folder of every worker's metric files when this process
        runs in multiprocess mode (``api.multiproc.enabled()``), else None."""
        self.writer = writer
        self.multiprocess_dir = multiprocess_dir
        self.own = r = CollectorRegistry()  # this process's metrics
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
        # The challenger in shadow (``creditwatch.shadow``), counted by its thread.
        self.shadow_scored = Counter("creditwatch_shadow_scored",
                                     "Predictions the challenger scored in shadow", registry=r)
        self.shadow_dropped = Counter("creditwatch_shadow_dropped",
                                      "Predictions not shadowed: the shadow queue was full",
                                      registry=r)
        self.shadow_failures = Counter("creditwatch_shadow_failures",
                                       "Challenger failures in shadow, by stage (load, score)",
                                       ["stage"], registry=r)
        # Process gauges, set by ``sample``: summed over the live workers (queue), over every
        # worker since the server started (stored, rejected), the worst live worker (store_up).
        self.queue = Gauge("creditwatch_write_queue_depth",
                           "Spooled records not yet committed to the store", registry=r,
                           multiprocess_mode="livesum")
        self.stored = Gauge("creditwatch_stored_records",
                            "Records shipped to the store since the server started", registry=r,
                            multiprocess_mode="sum")
        self.rejected = Gauge("creditwatch_rejected_records",
                              "Spooled records the store refused, kept in rejected-*.jsonl",
                              registry=r, multiprocess_mode="sum")
        self.store_up = Gauge("creditwatch_store_up",
                              "1 when the last write to the store worked (every worker's)",
                              registry=r, multiprocess_mode="livemin")
        self._declare_monitoring(r)
        self._children: dict[tuple[int, tuple[str, ...]], Any] = {}
        # The scoring endpoints' answers exist at 0 from the start, so "no traffic" is a
        # series that stays flat rather than an absent one (Prometheus' rules need the former).
        for endpoint in ("/predict", "/predict-batch"):
            self.child(self.requests, endpoint, "200")
        self.registry = r
        if multiprocess_dir is not None:
            from prometheus_client.multiprocess import MultiProcessCollector

            self.registry = CollectorRegistry()
            MultiProcessCollector(self.registry, path=str(multiprocess_dir))
        self.sample()

    def _declare_monitoring(self, r: CollectorRegistry) -> None:
        """The monitoring gauges, read from the store by ``api.monitor`` (never per request)."""
        recent: Final = "mostrecent"  # the value the refreshing worker set last
        self.drift_status = Gauge("creditwatch_drift_status",
                                  "1 for the status of the latest drift report, 0 for the others",
                                  ["status"], registry=r, multiprocess_mode=recent)
        self.drift_share = Gauge("creditwatch_drift_share",
                                 "Share of drifted columns in the latest drift report",
                                 registry=r, multiprocess_mode=recent)
        self.drift_window_end = Gauge("creditwatch_drift_window_end_timestamp_seconds",
                                      "End of the latest drift report's window (Unix time)",
                                      registry=r, multiprocess_mode=recent)
        self.alerts_active = Gauge("creditwatch_alerts_active",
                                   "Alerts fired within their cool-down, by kind and severity",
                                   ["kind", "severity"], registry=r, multiprocess_mode=recent)
        self.model_auc = Gauge("creditwatch_model_auc",
                               "AUC of the latest performance report (estimated with its band, "
                               "realized) and of the bundle's held-out reference", ["kind"],
                               registry=r, multiprocess_mode=recent)
        self.concept_drift = Gauge("creditwatch_model_concept_drift",
                                   "1 when the latest performance report signals concept drift",
                                   registry=r, multiprocess_mode=recent)
        self.performance_window_end = Gauge(
            "creditwatch_performance_window_end_timestamp_seconds",
            "End of the latest performance report's window (Unix time)", registry=r,
            multiprocess_mode=recent)
        self.alert_labels: set[tuple[str, str]] = set()  # (kind, severity) ever set
        self.monitor_up = Gauge("creditwatch_monitor_up",
                                "1 when the last refresh of the monitoring gauges read the store",
                                registry=r, multiprocess_mode=recent)
        self.monitor_refreshed = Gauge("creditwatch_monitor_refresh_timestamp_seconds",
                                       "When the monitoring gauges were last refreshed (Unix time)",
                                       registry=r, multiprocess_mode=recent)

    def child(self, metric: Any, *labels: str) -> Any:
        """``metric.labels(*labels)``, kept: prometheus_client builds the label key anew on
        every call, several microseconds a request on the hot path. Label sets are few
        (endpoints, statuses, decisions, record kinds), so the cache stays small."""
        key = (id(metric), labels)
        found = self._children.get(key)
        if found is None:
            found = self._children[key] = metric.labels(*labels)
        return found

    def count_shadow(self, event: str, n: int) -> None:
        """The shadow's events (``Shadow(count=...)``): scored, dropped, or a failure stage."""
        if event == "scored":
            self.shadow_scored.inc(n)
        elif event == "dropped":
            self.shadow_dropped.inc(n)
        else:
            self.child(self.shadow_failures, event).inc(n)

    def sample(self) -> None:
        """Set this process's gauges from its writer."""
        writer = self.writer
        self.queue.set(writer.pending_records())
        self.stored.set(writer.shipped)
        self.rejected.set(writer.rejected)
        self.store_up.set(float(writer.store_ok))

    def render(self) -> bytes:
        self.sample()
        return generate_latest(self.registry)
