"""Bad application files through the real commands that read them: train, score and drift
compare each stop with one line naming the file (and the row), exit code 2, no traceback, and
write nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from creditwatch.cli.main import app
from creditwatch.config import get_settings

from tests.support.bad_files import BAD_FILES, TRAIN, BadFile

runner = CliRunner()


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty project root (embedded store, no bundle) for the commands."""
    monkeypatch.setenv("CREDITWATCH_ROOT", str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


def _files(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file()}


def _commands(bad: Path, root: Path, bundle_dir: Path) -> dict[str, list[str]]:
    return {
        "train": ["train", "--data", str(bad), "--out", str(root / "bundle"),
                  "--no-fairness-report"],
        "score": ["score", "--data", str(bad), "--model", str(bundle_dir),
                  "--out", str(root / "scores.parquet")],
        "drift compare": ["drift", "compare", str(TRAIN), str(bad), "--html",
                          str(root / "report.html"), "--json"],
        "drift compare (bad reference)": ["drift", "compare", str(bad), str(TRAIN)],
    }


@pytest.mark.parametrize("case", BAD_FILES, ids=[b.name for b in BAD_FILES])
def test_bad_file_is_one_line_exit_2_and_nothing_written(root: Path, bundle_dir: Path,
                                                         case: BadFile) -> None:
    """Each kind of bad file (missing, wrong columns, not UTF-8, a truncated last line, a
    value of the wrong type, in CSV or Parquet) makes every file-reading command print one
    line with the file, the row where there is one and the problem, exit 2 and write nothing."""
    inputs = root / "inputs"
    inputs.mkdir()
    bad = inputs / case.name
    if case.name != "missing.csv":
        case.write(bad)
    before = _files(root)
    for command, args in _commands(bad, root, bundle_dir).items():
        result = runner.invoke(app, args)
        lines = result.output.strip().splitlines()
        assert result.exit_code == 2, (command, result.output)
        assert len(lines) == 1, (command, result.output)
        assert lines[0].startswith("error: "), (command, lines)
        for word in case.words:
            assert word in lines[0], (command, word, lines[0])
        assert "Traceback" not in result.output
        assert _files(root) == before, command


def test_quoted_commas_parse_and_score(root: Path, bundle_dir: Path) -> None:
    """Quoted commas ("Spouse, partner", "Stone, brick") are single values: score reads the
    fixture's 12 rows (not more fields than the header) and writes one result per row."""
    out = root / "scores.parquet"
    result = runner.invoke(app, ["score", "--data", str(TRAIN), "--model", str(bundle_dir),
                                 "--out", str(out)])
    assert result.exit_code == 0, result.output
    scores = pd.read_parquet(out)
    ids = pd.read_csv(TRAIN)["SK_ID_CURR"]
    assert scores["SK_ID_CURR"].tolist() == ids.tolist()
