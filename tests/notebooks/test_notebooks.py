"""The notebooks: committed clean, and executed top to bottom by papermill on both stores."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest

from creditwatch.model.bundle import ModelBundle
from creditwatch.reports import run_report, select_notebooks
from creditwatch.reports.export import remote_scripts
from creditwatch.store import Store

from tests.plugins.postgres import STORES
from tests.plugins.seeded import NOW, seeded_url

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
EXPECTED = ["01_drift_analysis", "02_traffic_simulation", "03_monitoring_report",
            "04_model_performance", "05_model_lifecycle"]


def test_notebooks_are_committed_without_outputs_and_with_parameters() -> None:
    """Each notebook has no outputs nor execution counts, and one `parameters` cell: its
    first code cell, holding only plain assignments."""
    assert sorted(p.stem for p in NOTEBOOKS.glob("*.ipynb")) == EXPECTED
    for path in NOTEBOOKS.glob("*.ipynb"):
        book = nbformat.read(path, as_version=4)
        nbformat.validate(book)
        code = [c for c in book.cells if c.cell_type == "code"]
        assert all(c.outputs == [] and c.execution_count is None for c in code), path.name
        tagged = [c for c in code if "parameters" in c.metadata.get("tags", [])]
        assert len(tagged) == 1 and tagged[0] is code[0], path.name
        for line in tagged[0].source.splitlines():
            assert not line.strip() or line.startswith("#") or " = " in line, line
        assert book.metadata.kernelspec.name == "python3"


def test_notebooks_contain_no_sql_nor_statistics() -> None:
    """Cells call creditwatch functions: no SQL, no database driver, no hand-made statistic."""
    forbidden = ("SELECT ", "read_sql", "psycopg", "sqlite3", "duckdb", "np.percentile",
                 ".quantile(", "ks_2samp", "scipy.stats")
    for path in NOTEBOOKS.glob("*.ipynb"):
        source = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells
                           if c.cell_type == "code")
        assert [w for w in forbidden if w in source] == [], path.name


@pytest.fixture(scope="module", params=STORES)
def notebook_store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
                   bundle: ModelBundle) -> Iterator[str]:
    """URL of a seeded store of each kind that the notebooks may write to."""
    with seeded_url(request, tmp_path_factory, bundle) as url:
        yield url


def _outputs(path: Path) -> str:
    book = nbformat.read(path, as_version=4)
    return json.dumps([c.get("outputs", []) for c in book.cells])


@pytest.mark.slow
def test_all_notebooks_run_top_to_bottom(notebook_store: str, bundle_dir: Path,
                                         tmp_path: Path) -> None:
    """papermill runs the four notebooks in a fresh kernel against the store, each ending
    without error, with offline HTML exports showing the figures of their data; the model
    performance notebook stores one report per daily window of its period, and the
    monitoring report's summary states the model's health and its fairness section
    summarises each protected attribute."""
    params = {"database_url": notebook_store, "bundle_dir": str(bundle_dir),
              "as_of": NOW.isoformat(), "window": "2d", "evidently": False,
              "history_every": "1d", "period": "7d",
              "batch_size": 20, "n_batches": 3, "concurrency": 4}
    run = run_report(select_notebooks(NOTEBOOKS, "01,02,04,03"), params, reports_dir=tmp_path,
                     timeout_s=600)
    order = [EXPECTED[i] for i in (0, 1, 3, 2)]  # 05 has its own test (test_lifecycle.py)
    assert [(n.name, n.status, n.error) for n in run.notebooks] == [
        (name, "ok", None) for name in order]
    folder = run.folder
    drift, sim, report, model = (_outputs(folder / f"{name}.ipynb") for name in EXPECTED[:4])
    # 7 days before NOW (noon) are 8 aligned daily windows, each stored and read back
    assert "8 window(s) evaluated and stored" in model and "8 stored report(s)" in model
    assert "Model health" in model
    assert "Model health" in report
    assert "columns drifted" in drift and "window(s) checked for the history" in drift
    assert "in-process API: 60 of 60 requests answered" in sim
    assert "predictions" in report and "Verdict:" in report and "threshold" in report
    # the fairness section: one summary per configured attribute, from the library's figures
    assert "Fairness by CODE_GENDER" in report and "Fairness by AGE_BAND" in report
    assert "reference group" in report and "group x decision" in report
    for name in EXPECTED[:4]:
        html = (folder / f"{name}.html").read_text()
        assert remote_scripts(html) == [] and "Plotly.newPlot" in html
    scored = int(re.search(r"requests answered, (\d+) scored", sim).group(1))  # type: ignore[union-attr]
    with Store(notebook_store) as store:  # what the simulation had scored reached the store
        assert store.count_predictions() == 2700 + scored
