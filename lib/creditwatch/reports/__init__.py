"""Report runs: parameterised notebooks executed by papermill, exported to offline HTML.

``run_report(notebooks, params, reports_dir=...)`` (``runner``) writes
``reports/runs/<UTC time>/`` with the executed notebooks, their HTML and a manifest, and
rebuilds ``reports/index.html`` (``index``). The notebooks themselves call ``context``
(store, analytics, bundle), ``charts.show`` (offline display of the ``creditwatch.figures``)
and ``summary``.
"""

from __future__ import annotations

from creditwatch.reports.params import parse_params, select_notebooks
from creditwatch.reports.runner import FAILED, OK, NotebookRun, ReportRun, run_report
from creditwatch.reports.schedule import run_every

DEFAULT_NOTEBOOKS = "01,04,03"  # 02 sends traffic: only when asked for

__all__ = ["DEFAULT_NOTEBOOKS", "FAILED", "OK", "NotebookRun", "ReportRun", "parse_params",
           "run_every", "run_report", "select_notebooks"]
