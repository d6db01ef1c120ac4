"""Dockerfile and compose.yaml against the code: every creditwatch command they run parses
with the real CLI, every CREDITWATCH_ variable they (or ops/) name is a setting and their
values validate, and the ports agree (command, published port, EXPOSE, health checks,
Prometheus' target, the dashboard's default). No container engine runs here: these files
are checked, not built."""

from __future__ import annotations

import json
import os
import re
import shlex
from pathlib import Path
from typing import Any

import click
import pytest
import typer.main
import yaml

from creditwatch.cli.main import app
from creditwatch.config import Settings, env_names, groups

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "compose.yaml"
DOCKERFILE = ROOT / "Dockerfile"
REQUIRED = {"api", "dashboard", "postgres", "prometheus", "grafana", "reports", "alerts"}


def services() -> dict[str, dict[str, Any]]:
    return dict(yaml.safe_load(COMPOSE.read_text())["services"])


def dockerfile_instructions() -> list[tuple[str, str]]:
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text())
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            out.append((word.upper(), rest.strip()))
    return out


def shell_commands(value: Any) -> list[list[str]]:
    """The command lines in a compose ``command``/``test`` or a Dockerfile CMD: an exec list
    is one; a shell string is split on ``;``, ``&&``, ``||`` and newlines."""
    if isinstance(value, list) and value and value[0] in ("CMD", "CMD-SHELL"):
        value = value[1:]
    if isinstance(value, list) and len(value) > 1:
        return [[str(v) for v in value]]
    text = value[0] if isinstance(value, list) else str(value)
    lines = [shlex.split(part) for part in re.split(r";|&&|\|\||\n", text) if part.strip()]
    return [argv[1:] if argv[0] in ("do", "then", "else") else argv for argv in lines]


def creditwatch_invocations() -> list[tuple[str, list[str]]]:
    """(where, argv after ``creditwatch``) for every creditwatch command the files run."""
    found = []
    for name, service in services().items():
        for key in ("command", "entrypoint"):
            if key in service:
                found += [(f"compose {name}", argv[1:]) for argv in shell_commands(service[key])
                          if argv and argv[0] == "creditwatch"]
    for word, rest in dockerfile_instructions():
        if word in ("CMD", "ENTRYPOINT", "RUN") and rest.startswith("["):
            argv = json.loads(rest)
            if argv[0] == "creditwatch":
                found.append((f"Dockerfile {word}", argv[1:]))
    return found


def test_compose_has_every_service_of_the_stack() -> None:
    """api, dashboard, postgres, prometheus, grafana, the report runner and the alert check."""
    assert services().keys() >= REQUIRED


@pytest.mark.parametrize(("where", "argv"), creditwatch_invocations(),
                         ids=[" ".join(a[:2]) + f" ({w})" for w, a in creditwatch_invocations()])
def test_every_creditwatch_command_parses_with_the_real_cli(where: str, argv: list[str]) -> None:
    """Each creditwatch command line names an existing (sub)command and its options parse
    with that command's real Typer/Click parameters (unknown options, wrong values fail)."""
    command: click.Command = typer.main.get_command(app)
    args = list(argv)
    while isinstance(command, click.Group):
        assert args and args[0] in command.commands, f"{where}: no command {args[:1]}"
        command = command.commands[args.pop(0)]
    command.make_context(command.name, args)  # raises on an unknown option or a bad value


def test_the_commands_cover_serve_dashboard_reports_and_the_alert_check() -> None:
    """The files start the API, the dashboard, the report runner, the drift run and the
    alert check, and migrate the store."""
    named = {" ".join(argv[:2]) if argv[0] in ("report", "db", "alerts", "drift") else argv[0]
             for _, argv in creditwatch_invocations()}
    assert named >= {"serve", "dashboard", "report run", "alerts check", "drift run",
                     "db upgrade"}


def known_variables() -> set[str]:
    return {name for group, model in groups().items() for field in model.model_fields
            for name in env_names(group, field)}


def named_variables() -> dict[str, set[str]]:
    files = [COMPOSE, DOCKERFILE, *sorted(p for p in (ROOT / "ops").rglob("*") if p.is_file())]
    return {str(p.relative_to(ROOT)): set(re.findall(r"\bCREDITWATCH_[A-Z0-9_]+", p.read_text()))
            for p in files}


def test_every_creditwatch_variable_named_is_a_setting() -> None:
    """Every CREDITWATCH_* name in compose.yaml, the Dockerfile and ops/ sets a field of
    Settings (flat or nested name)."""
    known = known_variables()
    unknown = {f: names - known for f, names in named_variables().items() if names - known}
    assert unknown == {}
    assert named_variables()["compose.yaml"]  # the check has something to check


def _environment(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment", {})
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    # ${VAR:-default} as compose substitutes it with VAR unset
    return {k: re.sub(r"\$\{\w+:-([^}]*)\}", r"\1", str(v)) for k, v in env.items()}


@pytest.mark.parametrize("name", sorted(REQUIRED - {"postgres", "prometheus", "grafana"}))
def test_each_creditwatch_service_environment_validates(
        name: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Settings built from a service's environment (plus the Dockerfile's ENV) load without
    a validation error, and the store URL points at the compose PostgreSQL service."""
    monkeypatch.chdir(tmp_path)  # no .env of the checkout
    for var in [v for v in os.environ if v.startswith("CREDITWATCH_")]:
        monkeypatch.delenv(var)
    for word, rest in dockerfile_instructions():
        if word == "ENV":
            for key, value in re.findall(r"(\w+)=(\S+)", rest):
                if key.startswith("CREDITWATCH_"):
                    monkeypatch.setenv(key, value)
    for key, value in _environment(services()[name]).items():
        monkeypatch.setenv(key, value)
    settings = Settings()
    assert "@postgres:5432/creditwatch" in settings.store_url


def _port(url: str) -> int:
    match = re.search(r":(\d+)/", url)
    assert match, url
    return int(match.group(1))


def test_ports_agree_between_commands_compose_dockerfile_and_prometheus() -> None:
    """Each service started with ``--port P`` publishes container port P, the Dockerfile
    exposes it, health checks probe it; Prometheus scrapes the API's port, the clients' API
    URL uses it, the dashboard's port is the dashboard.port default, and Grafana's
    Prometheus data source uses the published Prometheus port."""
    found = services()
    exposed = {int(p) for word, rest in dockerfile_instructions() if word == "EXPOSE"
               for p in rest.split()}
    ports: dict[str, int] = {}
    for name in ("api", "dashboard"):
        argv = found[name]["command"]
        ports[name] = port = int(argv[argv.index("--port") + 1])
        assert port in {int(str(p).split(":")[-1]) for p in found[name]["ports"]}
        assert port in exposed
    assert ports["dashboard"] == Settings().dashboard.port
    [health] = [rest for word, rest in dockerfile_instructions() if word == "HEALTHCHECK"]
    assert _port(health) == ports["api"] and "/health" in health
    assert _port(" ".join(found["dashboard"]["healthcheck"]["test"])) == ports["dashboard"]
    scrape = yaml.safe_load((ROOT / "ops" / "prometheus" / "prometheus.yml").read_text())
    [job] = scrape["scrape_configs"]
    assert job["static_configs"][0]["targets"] == [f"api:{ports['api']}"]
    assert _environment(found["api"])["CREDITWATCH_API_URL"] == f"http://api:{ports['api']}"
    datasources = yaml.safe_load((ROOT / "ops" / "grafana" / "provisioning" / "datasources"
                                  / "creditwatch.yml").read_text())["datasources"]
    [prometheus] = [d for d in datasources if d["type"] == "prometheus"]
    published = {int(str(p).split(":")[-1]) for p in found["prometheus"]["ports"]}
    assert _port(prometheus["url"] + "/") in published


def test_dockerfile_is_multi_stage_non_root_with_a_health_check() -> None:
    """At least two FROM stages (build, runtime, baked), a non-root USER, a HEALTHCHECK on
    /health, and the bundle either mounted (runtime) or copied in (baked target)."""
    instructions = dockerfile_instructions()
    stages = [rest.split()[-1] for word, rest in instructions if word == "FROM"]
    assert {"build", "runtime", "baked"} <= set(stages)
    users = [rest for word, rest in instructions if word == "USER"]
    assert users and users[-1] not in ("root", "0")
    assert any(word == "HEALTHCHECK" and "/health" in rest for word, rest in instructions)
    assert any(word == "COPY" and "artifacts/model" in rest for word, rest in instructions)
