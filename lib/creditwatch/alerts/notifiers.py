"""Where alerts go: Slack-compatible webhook, generic JSON webhook, email (SMTP), the log.

Each notifier retries with backoff and returns an outcome instead of raising: a failed
delivery is reported and recorded, never a crash of the check.
"""

from __future__ import annotations

import smtplib
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

import httpx
import structlog

from creditwatch.alerts.rules import Alert
from creditwatch.config import Settings

log = structlog.get_logger("creditwatch.alerts")


@dataclass(frozen=True, slots=True)
class Delivery:
    channel: str
    ok: bool
    attempts: int
    error: str | None = None


def _retry(channel: str, attempts: int, send: Callable[[], None]) -> Delivery:
    error = None
    for attempt in range(1, attempts + 1):
        try:
            send()
            return Delivery(channel, True, attempt)
        except Exception as exc:  # noqa: BLE001 - any transport failure is reported, not raised
            error = f"{type(exc).__name__}: {exc}"[:300]
            if attempt < attempts:
                time.sleep(0.2 * 2 ** (attempt - 1))
    return Delivery(channel, False, attempts, error)


def _post(url: str, payload: dict[str, Any], timeout: float) -> None:
    response = httpx.post(url, json=payload, timeout=timeout)
    response.raise_for_status()


def _text(alerts: list[Alert]) -> str:
    lines = [f"[{a.severity.upper()}] {a.kind}: {a.message}" for a in alerts]
    return "creditwatch alerts\n" + "\n".join(lines)


def _email(s: Settings, alerts: list[Alert]) -> None:
    msg = EmailMessage()
    msg["Subject"] = f"creditwatch: {len(alerts)} alert(s): " + ", ".join(a.kind for a in alerts)
    msg["From"] = s.alerts.email_from
    msg["To"] = ", ".join(s.alerts.email_to)
    msg.set_content(_text(alerts))
    assert s.alerts.smtp_host is not None
    with smtplib.SMTP(s.alerts.smtp_host, s.alerts.smtp_port, timeout=s.alerts.timeout_s) as smtp:
        if s.alerts.smtp_starttls:
            smtp.starttls()
        if s.alerts.smtp_user and s.alerts.smtp_password:
            smtp.login(s.alerts.smtp_user, s.alerts.smtp_password.get_secret_value())
        smtp.send_message(msg)


def notify(s: Settings, alerts: list[Alert]) -> list[Delivery]:
    """Send ``alerts`` to every configured channel; the log always gets them."""
    deliveries = []
    for a in alerts:
        log.warning("alert", kind=a.kind, severity=a.severity, message=a.message, value=a.value,
                    threshold=a.threshold)
    deliveries.append(Delivery("log", True, 1))
    if s.alerts.slack_webhook_url:
        url = s.alerts.slack_webhook_url
        payload = {"text": _text(alerts)}
        deliveries.append(_retry("slack", s.alerts.retries,
                                 lambda: _post(url, payload, s.alerts.timeout_s)))
    if s.alerts.webhook_url:
        url2 = s.alerts.webhook_url
        body = {"source": "creditwatch", "alerts": [a.as_dict() for a in alerts]}
        deliveries.append(_retry("webhook", s.alerts.retries,
                                 lambda: _post(url2, body, s.alerts.timeout_s)))
    if s.alerts.smtp_host and s.alerts.email_to:
        deliveries.append(_retry("email", s.alerts.retries, lambda: _email(s, alerts)))
    return deliveries
