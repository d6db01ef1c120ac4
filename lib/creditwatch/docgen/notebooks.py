"""The report notebooks' parameters, read from their ``parameters`` cells.

The names, defaults and comments are what papermill reads (``inspect_notebook``), the same
parameters ``creditwatch report run --param`` checks a name against.
"""

from __future__ import annotations

from pathlib import Path

from creditwatch.docgen.markdown import table, text


def parameters_markdown(folder: Path) -> str:
    """One table per notebook of ``folder``: parameter, default, meaning."""
    import papermill as pm  # imported here: it loads nbformat and jupyter_client

    parts = []
    for notebook in sorted(folder.glob("*.ipynb")):
        declared = pm.inspect_notebook(str(notebook))
        rows = [[f"`{name}`", f"`{p['default']}`", text(p["help"]) or "–"]
                for name, p in declared.items()]
        parts.append(f"### `{notebook.stem}`\n\n" + table(["parameter", "default", "meaning"],
                                                          rows))
    return "\n\n".join(parts) + "\n"
