"""The queries of ops/grafana's dashboards, with Grafana's macros expanded as Grafana does
(for the PostgreSQL data source, and ``$__rate_interval`` for Prometheus), so the tests run
them against a real store and a real Prometheus."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

GRAFANA = Path(__file__).resolve().parents[2] / "ops" / "grafana"
DASHBOARDS = sorted((GRAFANA / "dashboards").glob("*.json"))
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Query:
    dashboard: str  # file stem
    panel: str  # panel title
    datasource: str  # uid
    text: str  # PromQL or SQL as written in the dashboard

    @property
    def is_sql(self) -> bool:
        return self.datasource == "creditwatch-postgres"


def queries() -> Iterator[Query]:
    for path in DASHBOARDS:
        for panel in json.loads(path.read_text())["panels"]:
            for target in panel.get("targets", []):
                uid = target["datasource"]["uid"]
                yield Query(path.stem, panel["title"], uid, target.get("rawSql")
                            or target["expr"])


def expand_sql(sql: str, start: datetime, end: datetime) -> str:
    """``$__timeFilter(col)`` and ``$__timeGroupAlias(col, 'interval')`` as Grafana's
    PostgreSQL data source writes them; any other macro left is an error."""
    def time_filter(m: re.Match[str]) -> str:
        return f"{m.group(1)} BETWEEN '{start.isoformat()}' AND '{end.isoformat()}'"

    def group_alias(m: re.Match[str]) -> str:
        seconds = int(m.group(2)) * _UNITS[m.group(3)]
        return f'floor(extract(epoch from {m.group(1)})/{seconds})*{seconds} AS "time"'

    out = re.sub(r"\$__timeFilter\((\w+)\)", time_filter, sql)
    out = re.sub(r"\$__timeGroupAlias\((\w+),\s*'(\d+)([smhd])'\)", group_alias, out)
    assert "$" not in out, f"unexpanded macro in {out}"
    return out


def expand_promql(expr: str, rate_interval: str) -> str:
    out = expr.replace("$__rate_interval", rate_interval)
    assert "$" not in out, f"unexpanded variable in {out}"
    return out
