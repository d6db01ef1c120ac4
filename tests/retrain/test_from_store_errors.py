"""`creditwatch train` refuses what it cannot train on: one line on stderr, exit code 2, no
traceback, and nothing written (the champion's bundle unchanged, no report)."""

from __future__ import annotations

import hashlib
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from creditwatch.config import Settings
from creditwatch.model.bundle import ModelBundle
from creditwatch.scoring import Scorer
from creditwatch.store import Store

from tests.plugins.postgres import STORES
from tests.retrain.test_train_from_store import DAY, T0, open_project, run
from tests.support.seed import seed_store


def refused(out: subprocess.CompletedProcess[str], root: Path, before: str | None,
            *words: str) -> None:
    """Exit code 2, one line on stderr holding ``words``, the bundle as ``before``, no report
    and no registry."""
    lines = [line for line in out.stderr.splitlines() if line.strip()]
    assert out.returncode == 2, out.stdout + out.stderr
    assert len(lines) == 1 and lines[0].startswith("error:"), out.stderr
    for word in words:
        assert word in lines[0], lines[0]
    assert digest(root) == before
    assert not (root / "reports" / "retrain").exists()
    assert not (root / "artifacts" / "models").exists()  # no version added


def digest(root: Path) -> str | None:
    meta = root / "artifacts" / "model" / "bundle.json"
    return hashlib.sha256(meta.read_bytes()).hexdigest() if meta.exists() else None


@pytest.mark.parametrize(("args", "words"), [
    ([], ("--data FILE or --from-store",)),
    (["--data", "apps.csv", "--from-store"], ("exactly one source",)),
    (["--data", "apps.csv", "--since", "2026-01-01"], ("only with --from-store",)),
    (["--from-store", "--since", "2026-13-01"], ("2026-13-01", "neither an ISO 8601 date")),
    (["--from-store", "--since", "2026-03-01", "--until", "2026-02-01"], ("not after",)),
])
def test_bad_options_are_refused_before_anything_is_read(tmp_path: Path, args: list[str],
                                                         words: tuple[str, ...]) -> None:
    """No source, two sources, a range without --from-store, an unreadable date and an
    empty range are each refused with one line naming the problem."""
    refused(run(["train", *args], tmp_path, None), tmp_path, None, *words)


@pytest.fixture(params=STORES)
def champion_project(request: pytest.FixtureRequest, tmp_path: Path, bundle_dir: Path,
                     bundle: ModelBundle) -> Iterator[tuple[Path, str | None, Store, Scorer]]:
    """A project with the session's bundle as champion and an empty store of each kind."""
    url, store = open_project(request, tmp_path, bundle_dir)
    yield tmp_path, url, store, Scorer(bundle, Settings(paths={"root": tmp_path},
                                                        store={"url": None}))
    store.close()


def test_no_outcomes_is_too_few_labelled_rows(
        champion_project: tuple[Path, str | None, Store, Scorer]) -> None:
    """Stored predictions without any outcome: refused, counting what was found."""
    root, url, store, scorer = champion_project
    seed_store(store, scorer, 300, start=T0, end=T0 + DAY, error_rate=0.0, top_k=0)
    refused(run(["train", "--from-store", "--since", "2026-02-01"], root, url), root,
            digest(root), "too few labelled applications", "300 predictions", "0 with an outcome")


def test_outcomes_of_one_class_are_refused(
        champion_project: tuple[Path, str | None, Store, Scorer]) -> None:
    """Enough labelled applications, but every one repaid (the latest outcome of each
    corrected to 0): refused, since a model needs both classes."""
    root, url, store, scorer = champion_project
    seed_store(store, scorer, 1100, start=T0, end=T0 + DAY, labelled=1.0, error_rate=0.0,
               top_k=0)
    ones = store.read_outcomes()
    ones = ones[ones["defaulted"] == 1]
    store.write_batch(outcomes=[
        {"event_id": f"fix-{i}", "key": "prediction_id", "value": int(pid), "defaulted": 0,
         "observed_at": T0 + 2 * DAY, "received_at": T0 + 2 * DAY, "source": "test"}
        for i, pid in enumerate(ones["prediction_id"])])
    assert len(ones) > 0
    refused(run(["train", "--from-store"], root, url), root, digest(root),
            "0 defaults", "both classes")
