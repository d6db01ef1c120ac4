"""`creditwatch report run`: run folders, manifests, the index, failures and scheduling."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from creditwatch.cli.main import app
from creditwatch.errors import ConfigurationError
from creditwatch.model.bundle import ModelBundle
from creditwatch.reports import parse_params, run_every, select_notebooks
from creditwatch.reports.export import remote_scripts
from creditwatch.reports.index import read_runs, write_index, write_manifest
from creditwatch.reports.runner import mask
from creditwatch.store import Store

from tests.plugins.seeded import NOW, seed_monitoring

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


def _report(reports: Path, url: str, *extra: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["report", "run", "--notebooks", "03", "--reports-dir",
                                      str(reports), "--param", f"database_url={url}",
                                      "--param", f"as_of={NOW.isoformat()}", *extra])
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def sqlite_url(tmp_path_factory: pytest.TempPathFactory, bundle: ModelBundle) -> str:
    """A seeded embedded store (the runner is the same on both stores; the notebooks run on
    both in tests/notebooks)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('report') / 'store.db'}"
    with Store(url) as store:
        seed_monitoring(store, bundle)
    return url


@pytest.mark.slow
def test_report_run_archives_a_run_and_a_failed_one(sqlite_url: str, tmp_path: Path) -> None:
    """A good run writes the executed notebook, its offline HTML and a manifest, and lists
    itself in index.html; a bad parameter value fails the notebook: the run is marked
    failed, keeps its partial output, exits 1, and is listed first."""
    url = sqlite_url
    code, output = _report(tmp_path, url, "--param", "period=30d")
    assert code == 0, output
    (good,) = read_runs(tmp_path)
    folder = tmp_path / "runs" / good["_folder"]
    assert good["status"] == "ok" and good["parameters"]["period"] == "30d"
    assert good["versions"]["duckdb"] and good["seconds"] > 0
    (nb,) = good["notebooks"]
    assert (nb["status"], nb["html"]) == ("ok", "03_monitoring_report.html")
    assert nb["parameters"]["output_dir"] == str(folder / "03_monitoring_report_files")
    html = (folder / "03_monitoring_report.html").read_text()
    assert remote_scripts(html) == [] and "Monitoring report" in html
    assert str(tmp_path / "index.html") in output.replace("\n", "")

    code, output = _report(tmp_path, url, "--param", "period=fortnight")
    assert code == 1, output
    runs = read_runs(tmp_path)
    assert [r["status"] for r in runs] == ["failed", "ok"]  # newest first
    failed = runs[0]["notebooks"][0]
    assert failed["status"] == "failed" and "WindowError" in failed["error"]
    partial = tmp_path / "runs" / runs[0]["_folder"] / "03_monitoring_report.ipynb"
    assert "fortnight" in partial.read_text()  # papermill kept the executed part
    index = (tmp_path / "index.html").read_text()
    assert index.index(runs[0]["_folder"]) < index.index(runs[1]["_folder"])
    assert 'class="failed"' in index and "<script" not in index


def test_unknown_parameters_and_notebooks_are_refused(tmp_path: Path) -> None:
    """A parameter no selected notebook declares, or an unknown notebook, exits 2 before
    anything runs."""
    result = CliRunner().invoke(app, ["report", "run", "--notebooks", "03", "--reports-dir",
                                      str(tmp_path), "--param", "colour=blue"])
    assert result.exit_code == 2 and "colour" in result.output
    result = CliRunner().invoke(app, ["report", "run", "--notebooks", "07", "--reports-dir",
                                      str(tmp_path)])
    assert result.exit_code == 2 and "07" in result.output
    assert not (tmp_path / "runs").exists()


def test_parameters_from_pairs_and_file(tmp_path: Path) -> None:
    """Values are YAML scalars; the command line overrides the file; bad pairs are refused."""
    file = tmp_path / "p.yaml"
    file.write_text("period: 30d\ntop_slow: 5\nevidently: false\n")
    got = parse_params(["top_slow=12", "bundle_dir=null", "as_of=2026-03-10T12:00:00+00:00"], file)
    assert got == {"period": "30d", "top_slow": 12, "evidently": False, "bundle_dir": None,
                   "as_of": "2026-03-10T12:00:00+00:00"}
    with pytest.raises(ConfigurationError, match="key=value"):
        parse_params(["novalue"])
    with pytest.raises(ConfigurationError, match="does not exist"):
        parse_params([], tmp_path / "missing.yaml")


def test_notebook_selection() -> None:
    """Notebooks are chosen by number prefix or name, in the order given."""
    chosen = select_notebooks(NOTEBOOKS, "03,01")
    assert [p.stem for p in chosen] == ["03_monitoring_report", "01_drift_analysis"]
    assert select_notebooks(NOTEBOOKS, ["02_traffic_simulation"])[0].stem == "02_traffic_simulation"
    with pytest.raises(ConfigurationError, match="no single notebook"):
        select_notebooks(NOTEBOOKS, "0")


def test_run_every_keeps_to_its_slots() -> None:
    """The scheduler runs at once, then at each interval since the first start; a run that
    overruns skips the slots it covered; the last run's code is returned."""
    clock = [0.0]
    starts: list[float] = []
    durations = iter([10.0, 70.0, 5.0])

    def job() -> int:
        starts.append(clock[0])
        clock[0] += next(durations)
        return len(starts) % 2

    def sleep(seconds: float) -> None:
        clock[0] += seconds

    code = run_every(timedelta(minutes=1), job, runs=3, sleep=sleep, clock=lambda: clock[0])
    assert starts == [0.0, 60.0, 180.0]  # the second run ended at 130: the slot at 120 is skipped
    assert code == 1
    with pytest.raises(ValueError):
        run_every(timedelta(0), job, runs=1)


def test_remote_script_detection() -> None:
    """Script sources on http(s) or protocol-relative URLs, and remote module imports, are
    found; inline scripts and plain links are not."""
    html = ('<script src="https://cdn.example/x.js"></script><script src=//cdn.example/y.js>'
            "</script><script>import('https://esm.example/m.mjs')</script>"
            '<script>var a = 1;</script><a href="https://example.org">x</a>'
            '<script src="local.js"></script>')
    assert len(remote_scripts(html)) == 3


def test_index_lists_runs_newest_first_and_masks_passwords(tmp_path: Path) -> None:
    """The index orders runs by start time, newest first, and escapes what it shows;
    manifests never hold a URL password."""
    for stamp, status in (("20260301T000000Z", "ok"), ("20260302T000000Z", "failed")):
        folder = tmp_path / "runs" / stamp
        folder.mkdir(parents=True)
        write_manifest(folder, {"run_id": stamp, "status": status, "started_at": stamp,
                                "seconds": 1.0, "parameters": {"period": "<7d>"},
                                "notebooks": [{"name": "03", "status": status, "seconds": 1.0,
                                               "notebook": "03.ipynb", "html": None,
                                               "error": None}]})
    page = write_index(tmp_path).read_text()
    assert page.index("20260302T000000Z") < page.index("20260301T000000Z")
    assert "&lt;7d&gt;" in page
    masked = mask({"database_url": "postgresql://u:secret@h/db", "period": "7d"})
    assert "secret" not in json.dumps(masked) and masked["period"] == "7d"


def test_the_report_kernel_runs_this_interpreter() -> None:
    """The kernel report notebooks run in starts this very Python (the project's venv)."""
    import sys

    from jupyter_client.kernelspec import KernelSpecManager

    from creditwatch.reports.kernel import _runs_here, ensure_kernel

    spec = KernelSpecManager().get_kernel_spec(ensure_kernel())
    assert _runs_here(spec.argv[0])
    assert _runs_here(sys.executable) and not _runs_here("/usr/bin/some-other-python")
