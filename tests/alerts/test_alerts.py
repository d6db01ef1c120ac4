"""Alert checks with real receivers: a local HTTP server for webhooks, aiosmtpd for email."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from creditwatch.alerts import run_check
from creditwatch.analytics import Analytics
from creditwatch.config import Settings
from creditwatch.store import Store
from creditwatch.windows import Window

from tests.support.window import anomalies, drift_report, predictions

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Receiver:
    """A real HTTP server that records the JSON bodies POSTed to it."""

    def __init__(self) -> None:
        self.bodies: list[dict[str, Any]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", 0))
                outer.bodies.append(json.loads(self.rfile.read(length)))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class Mailbox:
    def __init__(self) -> None:
        self.messages: list[bytes] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(envelope.content)
        return "250 OK"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.close()


@pytest.fixture
def mailbox() -> Iterator[tuple[Mailbox, int]]:
    box = Mailbox()
    port = free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    yield box, port
    controller.stop()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(f"sqlite:///{tmp_path / 'alerts.db'}") as s:
        yield s


def seeded(store: Store) -> None:
    """90 slow predictions, 40 % approved, 10 rejections (error rate 10 %), 45 % drift."""
    store.write_predictions(predictions(90, NOW - timedelta(hours=2), latency=150.0, approved=36))
    store.write_anomalies(anomalies(10, NOW - timedelta(hours=1)))
    store.write_drift_report(drift_report(NOW - timedelta(minutes=5), 0.45, "ALERT"))


def test_alerts_reach_webhooks_and_email(tmp_path: Path, store: Store, receiver: Receiver,
                                         mailbox: tuple[Mailbox, int]) -> None:
    """Error rate, latency, drift and approval alerts are sent to Slack, the JSON webhook and
    email, with their values, and recorded in the store."""
    seeded(store)
    box, port = mailbox
    settings = Settings(paths={"root": tmp_path}, alerts={
        "slack_webhook_url": receiver.url, "webhook_url": receiver.url,
        "smtp_host": "127.0.0.1", "smtp_port": port, "smtp_starttls": False,
        "email_to": ["ops@example.com"]})
    result = run_check(store, settings, now=NOW)
    kinds = sorted(a.kind for a in result.fired)
    assert kinds == ["approval_rate", "drift", "error_rate", "latency_mean", "latency_p95"]
    assert result.exit_code == 1
    assert all(d.ok for d in result.deliveries)
    slack = next(b for b in receiver.bodies if "text" in b)
    assert "error rate 10.0% > 5%" in slack["text"]
    hook = next(b for b in receiver.bodies if "alerts" in b)
    by_kind = {a["kind"]: a for a in hook["alerts"]}
    assert by_kind["drift"]["value"] == pytest.approx(0.45)
    assert by_kind["error_rate"]["threshold"] == pytest.approx(0.05)
    mail = message_from_bytes(box.messages[0])
    assert "ops@example.com" in mail["To"] and "drift" in mail["Subject"]
    assert "latency" in mail.get_payload()
    stored = store.read_alerts()
    assert sorted(stored["kind"]) == kinds
    assert stored["delivered"].iloc[0]["email"]["ok"] is True


def test_same_alert_is_not_resent_within_cooldown(tmp_path: Path, store: Store,
                                                  receiver: Receiver) -> None:
    """A second check inside the cool-down sends nothing new but still exits 1."""
    seeded(store)
    settings = Settings(paths={"root": tmp_path},
                        alerts={"webhook_url": receiver.url, "cooldown_minutes": 30})
    first = run_check(store, settings, now=NOW)
    sent = len(receiver.bodies)
    second = run_check(store, settings, now=NOW + timedelta(minutes=10))
    assert first.fired and not second.fired
    assert len(second.suppressed) == len(first.fired)
    assert len(receiver.bodies) == sent and second.exit_code == 1
    third = run_check(store, settings, now=NOW + timedelta(minutes=31))
    assert len(third.fired) == len(first.fired)


def test_unreachable_notifier_is_reported_not_fatal(tmp_path: Path, store: Store) -> None:
    """A webhook on a closed port and an SMTP server that is not there give failed deliveries,
    retried, while the alert is still recorded."""
    seeded(store)
    closed = free_port()
    settings = Settings(paths={"root": tmp_path}, alerts={
        "webhook_url": f"http://127.0.0.1:{closed}/x", "smtp_host": "127.0.0.1",
        "smtp_port": closed, "email_to": ["a@b.c"], "retries": 2, "timeout_s": 1})
    result = run_check(store, settings, now=NOW)
    failed = {d.channel: d for d in result.deliveries if not d.ok}
    assert set(failed) == {"webhook", "email"}
    assert failed["webhook"].attempts == 2 and failed["webhook"].error
    assert len(store.read_alerts()) == len(result.fired)


def test_traffic_dropping_to_zero_fires(tmp_path: Path, store: Store) -> None:
    """No predictions in the window after traffic in the window before is an alert."""
    store.write_predictions(predictions(20, NOW - timedelta(hours=30), latency=5, approved=16))
    result = run_check(store, Settings(paths={"root": tmp_path}), now=NOW)
    assert [a.kind for a in result.fired] == ["no_traffic"]


def test_a_given_window_is_the_one_checked(tmp_path: Path, store: Store) -> None:
    """With an explicit window the check reads that window of server time, not the last 24 h."""
    store.write_predictions(predictions(20, NOW - timedelta(hours=30), latency=5, approved=16))
    window = Window(NOW - timedelta(hours=36), NOW - timedelta(hours=24))
    result = run_check(store, Settings(paths={"root": tmp_path}), window=window, now=NOW)
    k = result.kpis
    assert (k["start"], k["end"], k["total_predictions"]) == (window.start, window.end, 20)
    assert k["previous"]["total_predictions"] == 0
    assert "no_traffic" not in [a.kind for a in result.fired]


def test_outcome_anomalies_are_not_scoring_errors(tmp_path: Path, store: Store) -> None:
    """Outcomes naming unknown predictions are anomalies of /outcomes, not failed scoring
    requests: they leave the error rate alone."""
    store.write_predictions(predictions(50, NOW - timedelta(hours=1), latency=5, approved=40))
    unknown = anomalies(30, NOW - timedelta(minutes=30))
    for row in unknown:
        row.update(endpoint="/outcomes", kind="unknown_prediction", http_status=404)
    store.write_anomalies(unknown)
    result = run_check(store, Settings(paths={"root": tmp_path}), now=NOW)
    assert result.kpis["n_errors"] == 0 and result.kpis["error_rate"] == 0
    assert result.fired == []


def test_quiet_healthy_window_exits_zero(tmp_path: Path, store: Store) -> None:
    """Fast, mostly approved traffic without errors or drift fires nothing."""
    store.write_predictions(predictions(50, NOW - timedelta(hours=1), latency=5, approved=40))
    result = run_check(store, Settings(paths={"root": tmp_path}), now=NOW)
    assert result.fired == [] and result.exit_code == 0


def test_drift_report_without_enough_data_fires_nothing(tmp_path: Path, store: Store) -> None:
    """A latest drift report of a window with too little data to judge (INSUFFICIENT_DATA)
    fires no drift alert, whatever its share."""
    store.write_predictions(predictions(50, NOW - timedelta(hours=1), latency=5, approved=40))
    store.write_drift_report(drift_report(NOW - timedelta(minutes=5), 0.6, "INSUFFICIENT_DATA"))
    result = run_check(store, Settings(paths={"root": tmp_path}), now=NOW)
    assert result.fired == [] and result.verdicts["drift"].level == "unknown"


def test_check_reads_the_analytics_kpis_of_its_window(tmp_path: Path, store: Store) -> None:
    """The check's KPIs are the analytics layer's for its window and the one before (older
    history, left out of its copy, changes nothing)."""
    store.write_predictions(predictions(30, NOW - timedelta(hours=100), latency=9, approved=3))
    store.write_predictions(predictions(40, NOW - timedelta(hours=30), latency=7, approved=30))
    seeded(store)
    settings = Settings(paths={"root": tmp_path})
    result = run_check(store, settings, window=Window(NOW - timedelta(hours=24), NOW), now=NOW)
    with Analytics(store, settings=settings, now=NOW) as whole:
        want = whole.kpis("24h")
    for key in ("total_predictions", "n_errors", "error_rate", "approval_rate",
                "latency_mean_ms", "latency_p95_ms", "drift_share", "drift_status"):
        assert result.kpis[key] == pytest.approx(want[key]), key
    assert result.kpis["previous"]["total_predictions"] == 40
    assert (result.kpis["start"], result.kpis["end"]) == (NOW - timedelta(hours=24), NOW)


def test_cli_exit_codes(tmp_path: Path) -> None:
    """`creditwatch alerts check` exits 0 when all is well and 2 when the store is unreachable."""
    env = {"CREDITWATCH_ROOT": str(tmp_path), "PATH": "/usr/bin:/bin"}
    ok = subprocess.run([sys.executable, "-m", "creditwatch.cli.main", "alerts", "check"],
                        env=env, capture_output=True, text=True, timeout=120)
    assert ok.returncode == 0, ok.stderr
    bad = subprocess.run([sys.executable, "-m", "creditwatch.cli.main", "alerts", "check"],
                         env={**env, "DATABASE_URL": f"postgresql://nobody@127.0.0.1:{free_port()}/x"},
                         capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "alert check failed" in bad.stderr
