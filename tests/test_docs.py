"""The documentation site: it builds strictly, and its generated pages cover the code."""

from __future__ import annotations

import html
import os
import subprocess
import sys
from pathlib import Path
from shutil import copytree

import pytest

from creditwatch.config import env_names, groups
from creditwatch.docgen.commands import command_names
from creditwatch.schema import FIELD_NAMES

ROOT = Path(__file__).resolve().parents[1]
LIB = ROOT / "lib" / "creditwatch"


def build(config: Path, site: Path) -> subprocess.CompletedProcess[str]:
    """``mkdocs build --strict`` of ``config`` into ``site``, as a user would run it."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}  # Material's banner about MkDocs 2.0
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file",
                           str(config), "--site-dir", str(site)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("site")
    done = build(ROOT / "mkdocs.yml", folder)
    assert done.returncode == 0, done.stdout + done.stderr
    return folder


def page(site: Path, name: str) -> str:
    """A built page's HTML with entities decoded (``&lt;`` reads as ``<``)."""
    return html.unescape((site / name / "index.html").read_text())


def test_the_site_builds_strictly(site: Path) -> None:
    """``mkdocs build --strict`` succeeds (no broken link, anchor or missing file) and writes
    every page of the navigation, with the dashboard screenshots beside them."""
    for name in ("architecture", "cli", "configuration", "api", "model", "data", "drift",
                 "alerts", "analytics", "dashboard", "operations", "performance", "benchmarks"):
        assert (site / name / "index.html").exists(), name
    shots = sorted(p.name for p in (ROOT / "reports" / "screenshots").glob("*.png"))
    assert shots and sorted(p.name for p in (site / "screenshots").glob("*.png")) == shots


def test_every_setting_and_variable_is_on_the_configuration_page(site: Path) -> None:
    """Each settings group, each field and every variable that sets it appear on the
    configuration page."""
    text = page(site, "configuration")
    missing = [item for group, model in groups().items() for name in model.model_fields
               for item in (f"{group}.{name}", *env_names(group, name)) if item not in text]
    assert missing == []


def test_every_command_and_option_is_on_the_command_line_page(site: Path) -> None:
    """Every command (``creditwatch drift run``) and every option of the CLI appear on the
    command-line page."""
    import typer

    from creditwatch.cli.main import app

    text = page(site, "cli")
    assert [name for name in command_names() if name not in text] == []
    root = typer.main.get_command(app)
    ctx = root.make_context("creditwatch", [], resilient_parsing=True)
    options = {opt for group in root.commands.values()
               for command in getattr(group, "commands", {"": group}).values()
               for param in command.get_params(ctx) for opt in param.opts}
    assert len(options) > 30
    assert sorted(opt for opt in options if opt.startswith("-") and opt not in text) == []


def test_every_part_of_the_package_is_in_the_architecture_table(site: Path) -> None:
    """Each package and top-level module of lib/creditwatch has its row in the package table."""
    text = page(site, "architecture")
    parts = {p.name for p in LIB.iterdir() if (p / "__init__.py").exists()}
    parts |= {p.stem for p in LIB.glob("*.py") if p.stem != "__init__"}
    assert len(parts) > 20
    assert sorted(p for p in parts if f"<td><code>{p}</code></td>" not in text) == []


def test_every_schema_field_is_on_the_data_page(site: Path) -> None:
    """The data page lists all 120 application fields."""
    text = page(site, "data")
    assert len(FIELD_NAMES) == 120
    assert [f for f in FIELD_NAMES if f"<code>{f}</code>" not in text] == []


def test_every_reason_code_is_on_the_reason_codes_page(site: Path) -> None:
    """The reason codes page lists every code of the shipped table with its text."""
    from creditwatch.explain import REASON_CODES

    text = page(site, "reasons")
    assert [r.code for r in REASON_CODES if f"<code>{r.code}</code>" not in text
            or r.text not in text] == []


def test_the_benchmark_results_are_on_the_benchmarks_page(site: Path) -> None:
    """Every section of benchmarks/RESULTS.md appears on the benchmarks page."""
    results = (ROOT / "benchmarks" / "RESULTS.md").read_text()
    sections = [line[3:].strip() for line in results.splitlines() if line.startswith("## ")]
    text = page(site, "benchmarks")
    assert sections and [s for s in sections if s not in text] == []


def test_a_broken_link_fails_the_strict_build(tmp_path: Path) -> None:
    """The same configuration over a copy of docs/ with one link to a page that does not
    exist fails to build, naming the link (so the build test above can fail)."""
    docs = copytree(ROOT / "docs", tmp_path / "docs")
    with (docs / "index.md").open("a") as index:
        index.write("\nSee [the missing page](no-such-page.md).\n")
    config = tmp_path / "mkdocs.yml"
    config.write_text(f"INHERIT: {ROOT / 'mkdocs.yml'}\ndocs_dir: {docs}\n"
                      f"hooks:\n  - {ROOT / 'docs' / 'hooks' / 'generated.py'}\n")
    done = build(config, tmp_path / "site")
    assert done.returncode != 0
    assert "no-such-page.md" in done.stdout + done.stderr
