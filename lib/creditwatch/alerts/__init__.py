"""Alerts: the verdicts of a window's KPIs that fire, notifiers, de-duplication."""

from creditwatch.alerts.check import CheckResult, run_check
from creditwatch.alerts.rules import Alert, evaluate

__all__ = ["Alert", "CheckResult", "evaluate", "run_check"]
