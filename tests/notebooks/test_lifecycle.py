"""The lifecycle notebook, run by papermill on each kind of store: drift, then outcomes, then
retrain, then shadow, then promote, end to end on the simulator in a sandbox project."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import nbformat
import pytest

from creditwatch.model.bundle import load_bundle
from creditwatch.registry import CHALLENGER, CHAMPION, pointed, version_dir
from creditwatch.reports import run_report, select_notebooks
from creditwatch.reports.export import remote_scripts
from creditwatch.store import Store

from tests.plugins.postgres import STORES

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
AS_OF = datetime(2026, 3, 10, 18, 0, tzinfo=UTC)


@pytest.mark.slow
@pytest.mark.parametrize("kind", STORES)
def test_the_lifecycle_notebook_drifts_retrains_shadows_and_promotes(
        request: pytest.FixtureRequest, kind: str, tmp_path: Path) -> None:
    """papermill runs notebook 05 top to bottom: the drifted days alert, the champion's
    realized AUC falls on them, a challenger trained from the store beats it on the recent
    hold-out (report written), scores the new traffic in shadow (every prediction of it,
    stored and compared), and is promoted: the sandbox's champion pointer names it, the
    challenger pointer is cleared, and its bundle records the store as its source."""
    url = None if kind == "sqlite" else str(request.getfixturevalue("pg_fresh_url"))
    workdir = tmp_path / "sandbox"
    params = {"database_url": url, "workdir": str(workdir), "as_of": AS_OF.isoformat(),
              "champion_rows": 6000, "batch_size": 700, "shadow_batches": 1, "seed": 7}
    run = run_report(select_notebooks(NOTEBOOKS, "05"), params, reports_dir=tmp_path / "reports",
                     timeout_s=900)
    [notebook] = run.notebooks
    assert (notebook.name, notebook.status, notebook.error) == ("05_model_lifecycle", "ok", None)
    outputs = json.dumps([c.get("outputs", []) for c in nbformat.read(
        run.folder / "05_model_lifecycle.ipynb", as_version=4).cells])
    assert "ALERT" in outputs and "Retraining report" in outputs
    assert "**promote**" in outputs
    html = (run.folder / "05_model_lifecycle.html").read_text()
    assert remote_scripts(html) == [] and "Plotly.newPlot" in html
    artifacts = workdir / "artifacts"
    champion = pointed(artifacts, CHAMPION)
    assert champion is not None and pointed(artifacts, CHALLENGER) is None
    promoted = load_bundle(version_dir(artifacts, champion))
    assert promoted.extra["training_data"]["source"] == "store"
    assert list((run.folder / "05_model_lifecycle_files" / "retrain").glob("*.json"))
    with Store(url or f"sqlite:///{workdir / 'data' / 'creditwatch.db'}") as store:
        assert store.count_predictions() == 6 * 700 + 700
        shadow = store.read_shadow()
        # every prediction of the shadow batch, and none before, scored by the challenger
        assert len(shadow) == 700 and set(shadow["model_version"]) == {champion}
    assert "approve_to_refuse" in outputs and "spearman" in outputs
