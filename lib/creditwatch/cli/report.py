"""``creditwatch report run``: the notebooks as a scheduled, archived report."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from creditwatch.cli.common import console, guarded, progress
from creditwatch.config import get_settings

report_app = typer.Typer(help="Run the report notebooks with papermill; archive them as HTML.",
                         no_args_is_help=True)


@report_app.command("run")
def run(
    notebooks: str = typer.Option("01,04,03", "--notebooks", "-n",
                                  help="Notebooks by number or name, comma-separated (02 sends traffic)."),
    param: list[str] = typer.Option([], "--param", "-p", help="A parameter, key=value (repeatable)."),
    params_file: Path | None = typer.Option(None, "--params-file", help="YAML mapping of parameters."),
    every: str | None = typer.Option(None, "--every", metavar="DURATION",
                                     help="Run now, then every interval until Ctrl-C: a number "
                                          "and s, m, h, d or w (30m, 6h, 1d, 1w)."),
    runs: int | None = typer.Option(None, "--runs", min=1, help="With --every: stop after N runs."),
    reports_dir: Path | None = typer.Option(None, "--reports-dir",
                                            help="Default: the configured reports folder."),
    timeout: float = typer.Option(1800.0, "--timeout", help="Seconds allowed per notebook cell."),
) -> None:
    """Execute the notebooks into reports/runs/<UTC time>/ and update reports/index.html.

    Exit code 1 when a notebook failed (its partial output is kept), 2 on bad options."""
    code = _run(notebooks, param, params_file, every, runs, reports_dir, timeout)
    if code:
        raise typer.Exit(code)


@guarded
def _run(selection: str, pairs: list[str], params_file: Path | None, every: str | None,
         runs: int | None, reports_dir: Path | None, timeout: float) -> int:
    from creditwatch.reports import parse_params, run_every, select_notebooks
    from creditwatch.windows import parse_duration

    settings = get_settings()
    chosen = select_notebooks(settings.paths.notebooks, selection)
    params = parse_params(pairs, params_file)
    folder = reports_dir or settings.paths.reports
    if every is None:
        return _once(chosen, params, folder, timeout)
    interval = parse_duration(every)
    console.print(f"running {', '.join(p.stem for p in chosen)} every {every} (Ctrl-C stops)")
    return run_every(interval, lambda: _once(chosen, params, folder, timeout), runs=runs,
                     on_wait=lambda s: console.print(f"next run in {s / 3600:.2f} h"))


def _once(chosen: list[Path], params: dict[str, object], folder: Path, timeout: float) -> int:
    from creditwatch.reports import run_report

    with progress("report", len(chosen)) as bar:

        def step(name: str, done: int, total: int) -> None:
            bar(done, total)
            bar.describe(f"running {name}" if name else "done")

        result = run_report(chosen, params, reports_dir=folder, timeout_s=timeout, progress=step)
    table = Table(title=f"report run {result.run_id}: {result.status}")
    for column in ("notebook", "status", "seconds", "html", "error"):
        table.add_column(column)
    for nb in result.notebooks:
        style = "green" if nb.status == "ok" else "red"
        table.add_row(nb.name, f"[{style}]{nb.status}[/]", f"{nb.seconds:.1f}", nb.html or "-",
                      (nb.error or "")[:120])
    console.print(table)
    console.print(f"run folder: {result.folder}")
    console.print(f"index: {folder / 'index.html'}")
    return 0 if result.ok else 1


@report_app.command("list")
def list_runs(reports_dir: Path | None = typer.Option(None, "--reports-dir")) -> None:
    """List the archived runs, newest first (and rebuild reports/index.html)."""
    from creditwatch.reports.index import read_runs, write_index

    folder = reports_dir or get_settings().paths.reports
    table = Table(title=str(folder / "runs"))
    for column in ("run", "status", "seconds", "notebooks"):
        table.add_column(column)
    for run in read_runs(folder):
        seconds = run.get("seconds")
        table.add_row(run["_folder"], str(run.get("status")),
                      "-" if seconds is None else f"{seconds:.1f}",
                      ", ".join(f"{n['name']} ({n['status']})" for n in run.get("notebooks", [])))
    console.print(table)
    console.print(f"index: {write_index(folder)}")


def register(app: typer.Typer) -> None:
    app.add_typer(report_app, name="report")
