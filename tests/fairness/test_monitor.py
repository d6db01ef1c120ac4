"""Fairness over a real store (SQLite and PostgreSQL): the alert check's fairness source,
and the `creditwatch fairness` commands as a user runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest

from creditwatch.alerts import run_check
from creditwatch.analytics import Analytics
from creditwatch.analytics.fairness import run_windows
from creditwatch.config import Settings
from creditwatch.fairness import evaluate
from creditwatch.fairness.groups import age_bands
from creditwatch.store import Store
from creditwatch.windows import Window

from tests.store.records import T0, prediction

NOW = T0 + timedelta(days=10)
DAY = timedelta(days=1)


def traffic(store: Store, *, approve_m: float, days: int = 3, per_day: int = 400,
            seed: int = 0) -> None:
    """``per_day`` predictions a day over the ``days`` before NOW: women approved at 80 %,
    men at ``approve_m``; ages 20-70; every other prediction has an outcome."""
    rng = np.random.default_rng(seed)
    rows, outcomes = [], []
    for d in range(days):
        for i in range(per_day):
            at = NOW - (days - d) * DAY + i * DAY / per_day
            gender = "F" if i % 2 else "M"
            refused = rng.random() >= (0.8 if gender == "F" else approve_m)
            rid = f"r{d}-{i}"
            rows.append(prediction(at, request_id=rid, probability=0.7 if refused else 0.1,
                                   threshold=0.5, decision="REFUSED" if refused else "APPROVED",
                                   inputs={"CODE_GENDER": gender,
                                           "DAYS_BIRTH": -365.25 * rng.uniform(20, 70)}))
            if i % 2 == 0:
                outcomes.append({"event_id": f"e{rid}", "key": "request_id", "value": rid,
                                 "defaulted": int(rng.random() < 0.1), "observed_at": NOW,
                                 "received_at": NOW, "source": "t"})
    store.write_predictions(rows)
    store.write_outcomes(outcomes)


def test_monitor_reads_the_store_like_evaluate_reads_arrays(store: Store) -> None:
    """run_windows over three daily windows equals evaluate on each window's own rows."""
    traffic(store, approve_m=0.5)
    settings = Settings(store={"url": None})
    windows = [Window(NOW - (3 - d) * DAY, NOW - (2 - d) * DAY) for d in range(3)]
    with Analytics(store, settings=settings, time_column="application_time", now=NOW) as a:
        results = run_windows(a, windows, settings, cost_fn=5, cost_fp=1)
        frames = [a.labelled(w.bounds) for w in windows]
    assert [(r.start, r.attribute) for r in results] == [
        (w.start, name) for w in windows for name in ("CODE_GENDER", "AGE_BAND")]
    for frame, pair in zip(frames, zip(results[::2], results[1::2], strict=True), strict=True):
        y = frame["defaulted"].astype(float).to_numpy()
        for r, groups in zip(pair, (frame["gender"].to_numpy(dtype=object),
                                    age_bands(frame["days_birth"], (25, 35, 50, 65))),
                             strict=True):
            want = evaluate(groups, frame["probability"].to_numpy(), frame["threshold"].to_numpy(),
                            y, attribute=r.attribute, cost_fn=5, cost_fp=1)
            assert r.table.drop(columns="share").equals(want.table.drop(columns="share"))
            assert r.independence == want.independence and r.mature == want.mature


def test_alert_check_fires_on_adverse_impact_and_respects_cooldown(store: Store,
                                                                   tmp_path: Path) -> None:
    """Men approved at 40 % against women's 80 %: the check fires fairness_air_CODE_GENDER
    (upper bound below 0.8) with the groups named, records it, and a second check within the
    cool-down suppresses it. The gap alert has no mature window (half the outcomes)."""
    traffic(store, approve_m=0.4, per_day=1000)
    settings = Settings(paths={"root": tmp_path}, store={"url": None})
    result = run_check(store, settings, now=NOW)
    fired = {a.kind: a for a in result.fired}
    assert "fairness_air_CODE_GENDER" in fired
    assert "CODE_GENDER=M" in fired["fairness_air_CODE_GENDER"].message
    assert fired["fairness_air_CODE_GENDER"].value < 0.8
    assert result.verdicts["fairness_gap_CODE_GENDER"].level == "unknown"
    assert "fairness_air_AGE_BAND" not in fired
    assert "fairness_air_CODE_GENDER" in set(store.read_alerts()["kind"])
    again = run_check(store, settings, now=NOW + timedelta(minutes=5))
    assert "fairness_air_CODE_GENDER" in {a.kind for a in again.suppressed}


def test_equal_treatment_fires_nothing(store: Store, tmp_path: Path) -> None:
    """The same traffic with men approved at 80 % too: no fairness alert."""
    traffic(store, approve_m=0.8, seed=1)
    settings = Settings(paths={"root": tmp_path}, store={"url": None})
    result = run_check(store, settings, now=NOW)
    assert not [a for a in result.fired if a.kind.startswith("fairness")]
    assert result.verdicts["fairness_air_CODE_GENDER"].level == "good"


def cli(args: list[str], root: Path, url: str, **env: str) -> subprocess.CompletedProcess[str]:
    child = {**os.environ, "CREDITWATCH_ROOT": str(root), "DATABASE_URL": url, **env}
    return subprocess.run([sys.executable, "-m", "creditwatch.cli.main", *args], env=child,
                          capture_output=True, text=True, timeout=300)


def test_fairness_commands(tmp_path: Path) -> None:
    """`fairness run --json` prints each attribute's groups with the AIR interval; `fairness
    history --every 1d` prints one table per day and attribute; a bad window or an attribute
    the copy does not keep is one line with exit code 2."""
    url = f"sqlite:///{tmp_path / 'cw.db'}"
    with Store(url) as store:
        traffic(store, approve_m=0.5)
    until = ["--until", NOW.isoformat()]
    out = cli(["fairness", "run", "--days", "3", *until, "--json"], tmp_path, url)
    assert out.returncode == 0, out.stderr
    body = json.loads(out.stdout)
    gender = next(r for r in body if r["attribute"] == "CODE_GENDER")
    m = next(g for g in gender["groups"] if g["group"] == "M")
    assert gender["reference"] == "F" and m["air_high"] < 0.8 and gender["n"] == 1200
    out = cli(["fairness", "history", "--every", "1d", "--days", "3", *until], tmp_path, url)
    assert out.returncode == 0, out.stderr
    assert out.stdout.count("CODE_GENDER, ") == 3 and out.stdout.count("AGE_BAND, ") == 3
    assert "group x decision" in out.stdout
    out = cli(["fairness", "run", "--days", "-1"], tmp_path, url)
    assert out.returncode == 2 and "Traceback" not in out.stderr
    out = cli(["fairness", "run"], tmp_path, url,
              CREDITWATCH_FAIRNESS_ATTRIBUTES='["NAME_FAMILY_STATUS"]')
    assert out.returncode == 2 and "not kept by the analytics copy" in out.stderr


@pytest.mark.parametrize("bad", ['["GENDER"]'])
def test_a_bad_attribute_setting_is_refused_at_start(tmp_path: Path, bad: str) -> None:
    """An unknown protected field stops the command with a message naming it."""
    out = cli(["fairness", "run"], tmp_path, f"sqlite:///{tmp_path / 'x.db'}",
              CREDITWATCH_FAIRNESS_ATTRIBUTES=bad)
    assert out.returncode != 0 and "GENDER" in out.stderr
