"""Run manifests and ``reports/index.html``: every run, newest first, with its status.

The index is static HTML with inline CSS and no script, rebuilt from the manifests after
each run (so a run folder deleted by hand disappears from it at the next run).
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

MANIFEST = "manifest.json"


def write_manifest(folder: Path, manifest: dict[str, Any]) -> Path:
    path = folder / MANIFEST
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(manifest, indent=2, default=str), encoding="utf-8")
    tmp.replace(path)  # readers never see half a manifest
    return path


def read_runs(reports_dir: Path) -> list[dict[str, Any]]:
    """Every readable run manifest under ``reports_dir/runs``, newest first."""
    runs = []
    for path in (reports_dir / "runs").glob(f"*/{MANIFEST}"):
        try:
            manifest = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        manifest["_folder"] = path.parent.name
        runs.append(manifest)
    return sorted(runs, key=lambda m: (m.get("started_at") or "", m["_folder"]), reverse=True)


_CSS = """body{font-family:system-ui,sans-serif;margin:2rem;color:#1b2a4a}
table{border-collapse:collapse;width:100%}th,td{padding:.4rem .6rem;border-bottom:1px solid #ddd;
text-align:left;vertical-align:top}th{background:#f4f6f8}.ok{color:#388e3c;font-weight:600}
.failed{color:#d32f2f;font-weight:600}.running{color:#f57c00;font-weight:600}
code{font-size:.85em;color:#555}"""


def write_index(reports_dir: Path) -> Path:
    """Rewrite ``reports_dir/index.html`` from the run manifests."""
    rows = []
    for run in read_runs(reports_dir):
        folder = html.escape(run["_folder"])
        status = html.escape(str(run.get("status", "?")))
        books = []
        for nb in run.get("notebooks", []):
            links = [f'<a href="runs/{folder}/{html.escape(nb["notebook"])}">ipynb</a>']
            if nb.get("html"):
                links.insert(0, f'<a href="runs/{folder}/{html.escape(nb["html"])}">html</a>')
            error = f'<br><code>{html.escape(nb["error"][:300])}</code>' if nb.get("error") else ""
            books.append(f'<span class="{html.escape(nb["status"])}">{html.escape(nb["name"])}'
                         f"</span> ({nb.get('seconds', 0):.1f} s) {' · '.join(links)}{error}")
        params = ", ".join(f"{html.escape(str(k))}={html.escape(str(v))}"
                           for k, v in (run.get("parameters") or {}).items()) or "defaults"
        seconds = run.get("seconds")
        rows.append(f"<tr><td><a href=\"runs/{folder}/{MANIFEST}\">{folder}</a></td>"
                    f'<td class="{status}">{status}</td>'
                    f"<td>{'' if seconds is None else f'{seconds:.1f} s'}</td>"
                    f"<td>{'<br>'.join(books)}</td><td><code>{params}</code></td></tr>")
    body = "\n".join(rows) or '<tr><td colspan="5">No report run yet: ' \
                              "<code>creditwatch report run</code>.</td></tr>"
    page = (f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>creditwatch reports</title><style>{_CSS}</style></head><body>"
            f"<h1>creditwatch report runs</h1><p>Newest first. Each run folder holds the executed "
            f"notebooks, their HTML exports and a manifest.</p><table><tr><th>run (UTC)</th>"
            f"<th>status</th><th>duration</th><th>notebooks</th><th>parameters</th></tr>"
            f"{body}</table></body></html>")
    reports_dir.mkdir(parents=True, exist_ok=True)
    target = reports_dir / "index.html"
    target.write_text(page, encoding="utf-8")
    return target
