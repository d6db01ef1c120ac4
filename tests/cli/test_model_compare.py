"""`creditwatch model compare`: the real CLI on a store with shadow scores (both kinds)."""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from scipy import stats

from creditwatch.config import Settings
from creditwatch.store import Store, upgrade

from tests.plugins.postgres import STORES
from tests.shadow.seeding import seed_shadow
from tests.support.cli import run_cli


def run(args: list[str], root: Path, url: str | None) -> subprocess.CompletedProcess[str]:
    return run_cli(args, root, url)


@pytest.mark.parametrize("kind", STORES)
def test_compare_prints_every_window_as_json(kind: str, tmp_path: Path,
                                             request: pytest.FixtureRequest) -> None:
    """Over the last 3 days, `--json` gives the total and one entry per daily window with
    shadow scores: counts, agreement and correlation as scipy computes them, the approval
    change per gender, and realized figures only where outcomes exist; versions without a
    bundle have no estimate."""
    url = None
    if kind == "postgresql":
        url = str(request.getfixturevalue("pg_fresh_url"))
        upgrade(url)
    settings = Settings(paths={"root": tmp_path}, store={"url": url})
    start = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(
        days=2)
    with Store.from_settings(settings) as store:
        truth = seed_shadow(store, "aaaaaa", "bbbbbb", start=start, days=2, per_day=100,
                            labelled_days=1)
    done = run(["model", "compare", "--days", "3", "--json"], tmp_path, url)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    [total] = out["total"]
    assert total["n"] == 200 and total["challenger"] == "bbbbbb"
    a, b = truth["p_champion"], truth["p_challenger"]
    assert total["pearson"] == pytest.approx(stats.pearsonr(a, b)[0], abs=1e-9)
    assert total["spearman"] == pytest.approx(stats.spearmanr(a, b)[0], abs=1e-9)
    assert total["agreement"] == pytest.approx(((a >= 0.3) == (b >= 0.35)).mean(), abs=1e-12)
    assert total["estimated"] == {"champion": None, "challenger": None}
    assert {g["attribute"] for g in total["groups"]} == {"CODE_GENDER", "AGE_BAND"}
    windows = out["windows"]
    assert [w["n"] for w in windows] == [100, 100]
    assert windows[0]["realized"] is not None and windows[1]["realized"] is None
    table = run(["model", "compare", "--days", "3"], tmp_path, url)
    assert table.returncode == 0, table.stderr
    assert "Approval by group" in table.stdout and "bbbbbb" in table.stdout


def test_bad_options_are_one_line_errors(tmp_path: Path) -> None:
    """A non-positive --days or a bad --every is a one-line error with exit code 2; with no
    shadow scores the command says so and exits 0."""
    for args, message in ((["--days", "0"], "--days must be positive"),
                          (["--every", "soon"], "soon")):
        done = run(["model", "compare", *args], tmp_path, None)
        assert done.returncode == 2, done.stdout + done.stderr
        assert message in done.stderr + done.stdout
    empty = run(["model", "compare"], tmp_path, None)
    assert empty.returncode == 0, empty.stderr
    assert "no prediction was scored in shadow" in empty.stdout
