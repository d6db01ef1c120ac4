"""ops/fluent-bit: the parser the config uses reads the JSON lines the real API writes.

Fluent Bit itself is not packaged for the Debian release here, so it is not run: these
tests check that the config is consistent (the filter names a defined parser, the parsers
file is the one loaded) and that every JSON line a real API process wrote to stdout parses
as that parser expects (JSON, its time key present, in its time format)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.api.applications import applications
from tests.plugins.api_server import ApiServer

FLUENT_BIT = Path(__file__).resolve().parents[2] / "ops" / "fluent-bit"


def sections(path: Path) -> list[tuple[str, dict[str, str]]]:
    """Fluent Bit's classic format: ``[SECTION]`` headers and ``Key Value`` lines."""
    out: list[tuple[str, dict[str, str]]] = []
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            out.append((line[1:-1], {}))
        else:
            key, _, value = line.partition(" ")
            out[-1][1][key] = value.strip()
    return out


def parser() -> dict[str, str]:
    config = sections(FLUENT_BIT / "fluent-bit.conf")
    [service] = [body for name, body in config if name == "SERVICE"]
    [filt] = [body for name, body in config if name == "FILTER" and body["Name"] == "parser"]
    parsers = {body["Name"]: body for name, body in
               sections(FLUENT_BIT / service["Parsers_File"]) if name == "PARSER"}
    return parsers[filt["Parser"]]


def python_time_format(fluent: str) -> str:
    """Fluent Bit's strptime plus ``%L`` (fractional seconds) as Python's ``%f``."""
    return fluent.replace("%L", "%f")


def test_the_filter_uses_a_json_parser_defined_in_the_loaded_parsers_file() -> None:
    """The parser filter reads the `log` key with a parser of the parsers file, in JSON
    format, with a time key and format."""
    p = parser()
    assert p["Format"] == "json"
    assert p["Time_Key"] and p["Time_Format"]


@pytest.mark.slow
def test_every_json_line_the_api_writes_parses_with_the_configured_parser(
        api_server: ApiServer) -> None:
    """After predictions, a rejection and a graceful stop, every stdout line of the real API
    that is JSON carries the parser's time key, in the parser's time format, in UTC, close
    to now; request lines carry level, event and request_id."""
    with api_server.client() as client:
        for app in applications(5, seed=81):
            assert client.post("/predict", json=app).status_code == 200
        assert client.post("/predict", json={"AMT_CREDIT": -1}).status_code == 422
    assert api_server.stop()
    p = parser()
    records = [json.loads(line) for line in api_server.log_lines() if line.startswith("{")]
    assert len(records) >= 7  # started, 6 requests, stopping
    fmt = python_time_format(p["Time_Format"])
    for record in records:
        stamp = datetime.strptime(record[p["Time_Key"]], fmt).replace(tzinfo=UTC)
        assert abs((datetime.now(UTC) - stamp).total_seconds()) < 3600
    requests = [r for r in records if r["event"] == "request"]
    assert len(requests) == 6
    assert all(r["level"] == "info" and r["request_id"] for r in requests)
