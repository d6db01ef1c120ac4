"""``creditwatch dashboard``: the Streamlit monitoring dashboard (app/streamlit_app.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import typer

from creditwatch.cli.common import console, guarded
from creditwatch.config import get_settings
from creditwatch.errors import CreditwatchError

# The app ships with the code (lib/creditwatch/cli/dashboard.py -> checkout/app), not with
# the project's data root, which CREDITWATCH_ROOT may move elsewhere.
APP = Path(__file__).resolve().parents[3] / "app" / "streamlit_app.py"


def streamlit_command(port: int, host: str, *, headless: bool) -> list[str]:
    """The ``streamlit run`` command line: usage statistics off (nothing leaves the machine),
    no file watcher (the code does not change under a running dashboard), viewer toolbar."""
    return [
        sys.executable, "-m", "streamlit", "run", str(APP),
        "--server.port", str(port), "--server.address", host,
        "--server.headless", str(headless).lower(),
        "--server.fileWatcherType", "none",
        "--browser.gatherUsageStats", "false",
        "--client.toolbarMode", "viewer",
        "--theme.base", "light",
    ]


def dashboard(
    port: int | None = typer.Option(None, "--port", help="TCP port (default: dashboard.port)."),
    host: str = typer.Option("127.0.0.1", "--host", help="Interface to listen on."),
    headless: bool = typer.Option(True, "--headless/--open-browser",
                                  help="Do not open a browser window."),
) -> None:
    """Serve the monitoring dashboard (Home, Overview, Performance, Business, Data Drift)."""
    _dashboard(port, host, headless)


@guarded
def _dashboard(port: int | None, host: str, headless: bool) -> None:
    if not APP.exists():
        raise CreditwatchError(f"no dashboard at {APP}: install creditwatch from its checkout "
                               "(`make install`)")
    port = port or get_settings().dashboard.port
    console.print(f"dashboard: http://{host}:{port}  (Ctrl-C stops it)")
    # The child inherits this environment, so the dashboard reads the same settings.
    proc = subprocess.Popen(streamlit_command(port, host, headless=headless))
    try:
        code = proc.wait()
    except KeyboardInterrupt:
        proc.terminate()
        code = proc.wait(15)
    raise typer.Exit(code)


def register(app: typer.Typer) -> None:
    app.command("dashboard")(dashboard)
