"""`creditwatch outcomes load`: a file's outcomes into the store, with a summary table."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd

from creditwatch.store import Store

from tests.store.records import T0, prediction


def run(args: list[str], root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CREDITWATCH_ROOT": str(root)}
    env.pop("DATABASE_URL", None)
    return subprocess.run([sys.executable, "-m", "creditwatch.cli.main", *args], env=env,
                          capture_output=True, text=True, timeout=300, cwd=root)


def test_outcomes_load_matches_rows_and_prints_what_became_of_each(tmp_path: Path) -> None:
    """Rows are matched to the embedded store's predictions by SK_ID_CURR; the summary shows
    the count of each status and names the invalid rows by line."""
    with Store(f"sqlite:///{tmp_path / 'data' / 'creditwatch.db'}") as store:
        store.write_predictions([prediction(T0, request_id=f"r{i}", client_id=10 + i)
                                 for i in range(3)])
    path = tmp_path / "targets.csv"
    pd.DataFrame({"SK_ID_CURR": [10, 11, 12, 77], "TARGET": [1, 0, 3, 0]}).to_csv(path,
                                                                                 index=False)
    out = run(["outcomes", "load", str(path)], tmp_path)
    assert out.returncode == 0, out.stderr
    assert "stored" in out.stdout and "unknown_prediction" in out.stdout
    assert "invalid row 4: TARGET must be 0 or 1" in out.stdout
    with Store(f"sqlite:///{tmp_path / 'data' / 'creditwatch.db'}") as store:
        stored = store.read_outcomes()
    assert sorted(stored["defaulted"]) == [0, 1]
    assert set(stored["source"]) == {"targets.csv"}


def test_a_file_without_an_outcome_column_exits_2_with_one_line(tmp_path: Path) -> None:
    """A user error is one line on stderr and exit code 2, no traceback."""
    path = tmp_path / "bad.csv"
    path.write_text("SK_ID_CURR,score\n1,0.5\n")
    out = run(["outcomes", "load", str(path)], tmp_path)
    assert out.returncode == 2
    assert "needs an outcome column" in out.stderr and "Traceback" not in out.stderr
