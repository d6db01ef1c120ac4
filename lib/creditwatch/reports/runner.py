"""One report run: execute notebooks with papermill into ``reports/runs/<UTC time>/``.

Each notebook gets only the parameters it declares (its ``parameters`` cell); a name no
selected notebook declares is refused before anything runs. ``output_dir`` defaults to a
folder of the run. After each notebook, executed or failed (papermill keeps the outputs up
to the failing cell), its HTML export is written and checked for network scripts. The run
is ``ok`` only when every notebook ran and exported offline; its manifest records the
parameters (URL passwords masked), package versions, durations and errors, and
``reports/index.html`` is rewritten to list every run.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from creditwatch.errors import ConfigurationError
from creditwatch.reports.export import export_html, remote_scripts
from creditwatch.reports.index import write_index, write_manifest
from creditwatch.reports.kernel import ensure_kernel

OK, FAILED, RUNNING = "ok", "failed", "running"
Progress = Callable[[str, int, int], None]  # (notebook name, index, total)


@dataclass
class NotebookRun:
    name: str
    status: str = RUNNING
    seconds: float = 0.0
    notebook: str = ""  # paths relative to the run folder
    html: str | None = None
    error: str | None = None
    parameters: dict[str, Any] = field(default_factory=dict)


@dataclass
class ReportRun:
    run_id: str
    folder: Path
    started_at: datetime
    parameters: dict[str, Any]
    notebooks: list[NotebookRun] = field(default_factory=list)
    finished_at: datetime | None = None
    status: str = RUNNING

    @property
    def ok(self) -> bool:
        return self.status == OK

    def manifest(self) -> dict[str, Any]:
        return {"run_id": self.run_id, "status": self.status,
                "started_at": self.started_at.isoformat(),
                "finished_at": self.finished_at.isoformat() if self.finished_at else None,
                "seconds": (self.finished_at - self.started_at).total_seconds()
                if self.finished_at else None,
                "parameters": mask(self.parameters), "versions": versions(),
                "notebooks": [{**asdict(n), "parameters": mask(n.parameters)}
                              for n in self.notebooks]}


def run_report(notebooks: Sequence[Path], params: dict[str, Any], *, reports_dir: Path,
               timeout_s: float | None = 1800, progress: Progress | None = None,
               kernel: str | None = None) -> ReportRun:
    """Run ``notebooks`` in order with ``params``; never raises for a failing notebook."""
    import papermill as pm

    declared = {nb: set(pm.inspect_notebook(str(nb))) for nb in notebooks}
    unknown = set(params) - set().union(*declared.values())
    if unknown:
        raise ConfigurationError(f"unknown parameter(s) {sorted(unknown)}: the selected "
                                 f"notebooks declare {sorted(set().union(*declared.values()))}")
    kernel = kernel or ensure_kernel()
    started = datetime.now(UTC)
    folder = _new_folder(reports_dir / "runs", started)
    run = ReportRun(folder.name, folder, started, dict(params))
    write_manifest(folder, run.manifest())
    for i, nb in enumerate(notebooks):
        if progress:
            progress(nb.stem, i, len(notebooks))
        mine = {k: v for k, v in params.items() if k in declared[nb]}
        if "output_dir" in declared[nb] and "output_dir" not in params:
            mine["output_dir"] = str(folder / f"{nb.stem}_files")
        run.notebooks.append(_execute(pm, nb, folder, mine, kernel, timeout_s))
        write_manifest(folder, run.manifest())
    if progress:
        progress("", len(notebooks), len(notebooks))
    run.finished_at = datetime.now(UTC)
    run.status = OK if all(n.status == OK for n in run.notebooks) else FAILED
    write_manifest(folder, run.manifest())
    write_index(reports_dir)
    return run


def _execute(pm: Any, notebook: Path, folder: Path, params: dict[str, Any], kernel: str,
             timeout_s: float | None) -> NotebookRun:
    result = NotebookRun(notebook.stem, notebook=notebook.name, parameters=params)
    target = folder / notebook.name
    start = time.perf_counter()
    try:
        pm.execute_notebook(str(notebook), str(target), parameters=params, kernel_name=kernel,
                            cwd=str(folder), progress_bar=False, log_output=False,
                            execution_timeout=timeout_s)
        result.status = OK
    except Exception as exc:  # noqa: BLE001 - any failure is recorded, the run goes on
        result.status, result.error = FAILED, _describe(exc)
    result.seconds = round(time.perf_counter() - start, 3)
    if target.exists():
        try:
            html = export_html(target)
        except Exception as exc:  # noqa: BLE001 - a failed export fails the notebook, not the run
            result.status, result.error = FAILED, result.error or f"HTML export: {exc}"
        else:
            result.html = html.name
            remote = remote_scripts(html.read_text(encoding="utf-8"))
            if remote:
                result.status = FAILED
                result.error = result.error or f"HTML loads scripts from the network: {remote[:3]}"
    return result


def _describe(exc: BaseException) -> str:
    name = getattr(exc, "ename", None)
    value = getattr(exc, "evalue", None)
    if name:
        return f"{name}: {value}"[:2000]
    return f"{type(exc).__name__}: {exc}"[:2000]


def _new_folder(runs: Path, when: datetime) -> Path:
    runs.mkdir(parents=True, exist_ok=True)
    stamp = when.strftime("%Y%m%dT%H%M%SZ")
    for n in range(1, 1000):
        folder = runs / (stamp if n == 1 else f"{stamp}-{n}")
        try:
            folder.mkdir()
        except FileExistsError:
            continue
        return folder
    raise RuntimeError(f"cannot create a run folder under {runs}")


def mask(params: dict[str, Any]) -> dict[str, Any]:
    """Parameters with any password in a URL value hidden."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    out: dict[str, Any] = {}
    for key, value in params.items():
        if isinstance(value, str) and "://" in value and "@" in value:
            with contextlib.suppress(ArgumentError):  # not a URL after all: kept as is
                value = make_url(value).render_as_string(hide_password=True)
        out[key] = value
    return out


def versions() -> dict[str, str]:
    import platform
    from importlib import metadata

    found = {"python": platform.python_version()}
    for name in ("creditwatch", "duckdb", "pandas", "numpy", "pyarrow", "sqlalchemy",
                 "lightgbm", "evidently", "plotly", "papermill", "nbconvert", "ipykernel"):
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found
