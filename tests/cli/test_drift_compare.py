"""`creditwatch drift compare REFERENCE CURRENT`: drift run's engine on two files."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from creditwatch.cli.main import app
from creditwatch.config import Settings, get_settings
from creditwatch.model.bundle import ModelBundle
from creditwatch.scoring import Scorer
from creditwatch.store import Store
from creditwatch.synthetic import DriftSpec, generate

from tests.support.seed import seed_store

runner = CliRunner()
START, END = datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 3, 2, tzinfo=UTC)
STATS = ["statistic", "p_value", "p_adjusted", "effect_size", "psi", "importance",
         "missing_ref", "missing_cur", "missing_p_value"]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    """A project folder with an embedded store (empty until a test seeds it)."""
    monkeypatch.setenv("CREDITWATCH_ROOT", str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    get_settings.cache_clear()
    yield Settings(paths={"root": tmp_path})
    get_settings.cache_clear()


def _features(records: list[dict[str, object]]) -> pd.DataFrame:
    return pd.DataFrame(records).set_index("feature").sort_index()


def test_compare_agrees_with_drift_run_on_the_same_rows(project: Settings, bundle_dir: Path,
                                                        bundle: ModelBundle) -> None:
    """The serving bundle's reference written to Parquet and a stored window's inputs written
    to CSV give, through drift compare, drift run's per-feature tests, p-values (raw and
    corrected), effect sizes, weights and verdicts, and its summary."""
    shutil.copytree(bundle_dir, project.paths.bundle_dir)
    with Store.from_settings(project) as store:
        seed_store(store, Scorer(bundle, project), 400, start=START, end=END, error_rate=0,
                   drift=DriftSpec.parse("sudden:0.5"))
        current = store.read_inputs(START, END)
    run = runner.invoke(app, ["drift", "run", "--since", START.isoformat(),
                              "--until", END.isoformat(), "--json"])
    assert run.exit_code in (0, 2), run.output
    stored = json.loads(next((project.paths.reports / "drift").glob("*.result.json")).read_text())

    reference_file, current_file = project.paths.root / "ref.parquet", project.paths.root / "cur.csv"
    bundle.reference.to_parquet(reference_file, index=False)
    current.to_csv(current_file, index=False)
    done = runner.invoke(app, ["drift", "compare", str(reference_file), str(current_file), "--json"])
    assert done.exit_code == run.exit_code, done.output
    ours = json.loads(done.output.strip().splitlines()[-1])

    assert ours["summary"] == stored["summary"]
    assert ours["settings"] == stored["settings"]
    mine, theirs = _features(ours["features"]), _features(stored["features"])
    assert list(mine.index) == list(theirs.index)
    for column in ("test", "effect_name", "drifted", "missing_shift", "reason", "n_ref", "n_cur"):
        assert mine[column].tolist() == theirs[column].tolist(), column
    for column in STATS:
        np.testing.assert_allclose(mine[column].astype(float), theirs[column].astype(float),
                                   rtol=1e-12, atol=0, equal_nan=True, err_msg=column)
    assert ours["reference_file_rows"] == len(bundle.reference)
    assert ours["current_file_rows"] == len(current) == 400


# Evidently's HTML costs ~20 s whatever the verdict (it renders every analysed column), so
# one case writes it and the other checks that nothing is written without --html.
@pytest.mark.parametrize(("drift", "status", "code", "with_html"),
                         [("none", "OK", 0, False), ("sudden:1.0", "ALERT", 2, True)])
def test_exit_code_follows_the_verdict(project: Settings, drift: str, status: str,
                                       code: int, with_html: bool) -> None:
    """Two samples of one distribution compare OK (exit 0); a sudden shift is an ALERT
    (exit 2); the Evidently report is written where --html says, and none without it."""
    reference_file, current_file = project.paths.root / "ref.csv", project.paths.root / "cur.parquet"
    generate(3_000, 1).to_csv(reference_file, index=False)
    generate(1_500, 2, DriftSpec.parse(drift)).to_parquet(current_file, index=False)
    html = project.paths.root / "out" / "compare.html"
    result = runner.invoke(app, ["drift", "compare", str(reference_file), str(current_file),
                                 *(["--html", str(html)] if with_html else [])])
    assert result.exit_code == code, result.output
    assert f"→ {status}" in result.output and "3,000 rows" in result.output
    if not with_html:
        assert not html.parent.exists() and "Evidently report" not in result.output
        assert not list(project.paths.root.rglob("*.html"))
        return
    assert html.is_file() and html.with_suffix(".json").is_file()
    assert "<html" in html.read_text()[:2000].lower()


def test_category_shares_are_reported_per_field(project: Settings) -> None:
    """drift compare reports, for each categorical field, every category's share of the
    present values in each file (equal to pandas' value counts of the files; values the
    reference never has are one UNSEEN row), and prints the fields whose shares moved most:
    here the revolving-loan share of NAME_CONTRACT_TYPE cut to 1 % in the current file."""
    reference_file, current_file = project.paths.root / "ref.csv", project.paths.root / "cur.csv"
    ref = generate(3_000, 1)
    cur = generate(2_000, 2)
    cur["NAME_CONTRACT_TYPE"] = ["Revolving loans"] * 20 + ["Cash loans"] * 1_980
    ref.to_csv(reference_file, index=False)
    cur.to_csv(current_file, index=False)
    done = runner.invoke(app, ["drift", "compare", str(reference_file), str(current_file), "--json"])
    assert done.exit_code in (0, 2), done.output
    shares = pd.DataFrame(json.loads(done.output.strip().splitlines()[-1])["category_shares"])
    for name in ("NAME_CONTRACT_TYPE", "NAME_INCOME_TYPE", "FLAG_OWN_CAR"):
        got = shares.loc[shares["feature"] == name].set_index("category")
        expected_ref = ref[name].value_counts(normalize=True)
        current = cur[name].value_counts(normalize=True)
        expected_cur = current.reindex(expected_ref.index, fill_value=0.0)
        unseen = current.drop(expected_ref.index, errors="ignore").sum()
        assert sorted(got.index) == sorted([*map(str, expected_ref.index)] + (
            ["UNSEEN"] if unseen else [])), name
        if unseen:
            assert got.loc["UNSEEN", "reference_share"] == 0
            np.testing.assert_allclose(got.loc["UNSEEN", "current_share"], unseen, rtol=1e-12)
        np.testing.assert_allclose(got.loc[list(map(str, expected_ref.index)), "reference_share"],
                                   expected_ref.to_numpy(), rtol=1e-12, err_msg=name)
        np.testing.assert_allclose(got.loc[list(map(str, expected_ref.index)), "current_share"],
                                   expected_cur.to_numpy(), rtol=1e-12, err_msg=name)
    revolving = ref["NAME_CONTRACT_TYPE"].eq("Revolving loans").mean()
    text = runner.invoke(app, ["drift", "compare", str(reference_file), str(current_file)])
    assert (f"NAME_CONTRACT_TYPE = Revolving loans: {revolving:.1%} → 1.0% "
            f"({(0.01 - revolving) * 100:+.1f} pts)") in text.output, text.output
