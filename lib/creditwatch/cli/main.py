"""Entry point of the ``creditwatch`` command; each command group lives in its own module."""

from __future__ import annotations

import typer

from creditwatch.cli import alerts as alerts_cmd
from creditwatch.cli import audit as audit_cmd
from creditwatch.cli import dashboard as dashboard_cmd
from creditwatch.cli import data as data_cmd
from creditwatch.cli import db as db_cmd
from creditwatch.cli import demo as demo_cmd
from creditwatch.cli import drift as drift_cmd
from creditwatch.cli import fairness as fairness_cmd
from creditwatch.cli import model as model_cmd
from creditwatch.cli import model_compare as model_compare_cmd
from creditwatch.cli import outcomes as outcomes_cmd
from creditwatch.cli import performance as performance_cmd
from creditwatch.cli import reasons as reasons_cmd
from creditwatch.cli import registry as registry_cmd
from creditwatch.cli import report as report_cmd
from creditwatch.cli import retention as retention_cmd
from creditwatch.cli import serve as serve_cmd
from creditwatch.cli import simulate as simulate_cmd

app = typer.Typer(
    name="creditwatch",
    help="Score Home Credit applications and keep watch over the model in production.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
data_cmd.register(app)
db_cmd.register(app)
model_cmd.register(app)
registry_cmd.register(app)
demo_cmd.register(app)
serve_cmd.register(app)
simulate_cmd.register(app)
alerts_cmd.register(app)
drift_cmd.register(app)
outcomes_cmd.register(app)
performance_cmd.register(app)
reasons_cmd.register(app)
dashboard_cmd.register(app)
report_cmd.register(app)
fairness_cmd.register(app)
audit_cmd.register(app)
retention_cmd.register(app)
model_compare_cmd.register(registry_cmd.model_app)  # `model compare`: the challenger in shadow


def main() -> None:  # pragma: no cover - console script shim
    app()


if __name__ == "__main__":  # pragma: no cover
    app()
