"""Fairness over a real store (SQLite and PostgreSQL): the alert check's fairness source,
and the `creditwatch fairness` commands as a user runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from creditwatch.alerts import run_check
from creditwatch.alerts.fairness import fairness_source
from creditwatch.analytics import Analytics
from creditwatch.analytics.fairness import CLOCK, run_windows, run_windows_reference
from creditwatch.config import Settings
from creditwatch.dashboard import pagedata
from creditwatch.fairness import AttributeFairness, evaluate
from creditwatch.fairness.groups import age_bands
from creditwatch.store import Store
from creditwatch.windows import Window

from tests.store.records import T0, prediction

NOW = T0 + timedelta(days=10)
DAY = timedelta(days=1)


def traffic(store: Store, *, approve_m: float, days: int = 3, per_day: int = 400,
            seed: int = 0, late: timedelta = timedelta(0)) -> list[dict[str, Any]]:
    """``per_day`` predictions a day over the ``days`` before NOW: women approved at 80 %,
    men at ``approve_m``; ages 20-70; every other prediction has an outcome. Each is
    received ``late`` after its application time."""
    rng = np.random.default_rng(seed)
    rows, outcomes = [], []
    for d in range(days):
        for i in range(per_day):
            at = NOW - (days - d) * DAY + i * DAY / per_day
            gender = "F" if i % 2 else "M"
            refused = rng.random() >= (0.8 if gender == "F" else approve_m)
            rid = f"r{d}-{i}"
            rows.append(prediction(at, request_id=rid, received_at=at + late,
                                   probability=0.7 if refused else 0.1,
                                   threshold=0.5, decision="REFUSED" if refused else "APPROVED",
                                   inputs={"CODE_GENDER": gender,
                                           "DAYS_BIRTH": -365.25 * rng.uniform(20, 70)}))
            if i % 2 == 0:
                outcomes.append({"event_id": f"e{rid}", "key": "request_id", "value": rid,
                                 "defaulted": int(rng.random() < 0.1), "observed_at": NOW,
                                 "received_at": NOW, "source": "t"})
    store.write_predictions(rows)
    store.write_outcomes(outcomes)
    return rows


def test_monitor_reads_the_store_like_evaluate_reads_arrays(store: Store) -> None:
    """run_windows over three daily windows equals evaluate on each window's own rows (read
    by Analytics.labelled on the fairness clock), every figure within 1e-9."""
    traffic(store, approve_m=0.5)
    settings = Settings(store={"url": None})
    windows = [Window(NOW - (3 - d) * DAY, NOW - (2 - d) * DAY) for d in range(3)]
    with Analytics(store, settings=settings, time_column=CLOCK, now=NOW) as a:
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
                            y, attribute=r.attribute, cost_fn=5, cost_fp=1,
                            maturity_share=settings.performance.maturity_share, start=r.start,
                            end=r.end)
            assert_same(r, want)


def assert_same(got: AttributeFairness, want: AttributeFairness) -> None:
    """Every group figure and test of two results agree within 1e-9."""
    pd.testing.assert_frame_equal(got.table, want.table, check_exact=False, rtol=1e-9,
                                  atol=1e-12)
    for name in ("independence", "tpr_test", "fpr_test"):
        a, b = getattr(got, name), getattr(want, name)
        assert (a.method, a.dof) == (b.method, b.dof), name
        np.testing.assert_allclose([a.statistic, a.p_value], [b.statistic, b.p_value],
                                   rtol=1e-9, atol=1e-12, err_msg=name)
    np.testing.assert_allclose([got.tpr_gap, got.fpr_gap, got.labelled_share],
                               [want.tpr_gap, want.fpr_gap, want.labelled_share], rtol=1e-9)
    assert (got.reference, got.mature, got.start, got.end) == (
        want.reference, want.mature, want.start, want.end)


def test_grouped_pass_equals_the_window_by_window_reference(store: Store) -> None:
    """The one grouped pass over all windows gives the figures of the reference path that
    counts each window's slice on its own, within 1e-9, for overlapping windows (a whole
    period and its days, as the Fairness page asks), half-days and an empty window."""
    traffic(store, approve_m=0.6, days=4, per_day=300, seed=3)
    settings = Settings(store={"url": None})
    start = NOW - 4 * DAY
    windows = [Window(start, NOW), *(Window(start + d * DAY, start + (d + 1) * DAY)
                                     for d in range(4)),
               Window(start + DAY / 2, start + 3 * DAY / 2), Window(NOW, NOW + DAY),
               Window(start - DAY, start + DAY / 3)]
    with Analytics(store, settings=settings, now=NOW + DAY) as a:
        fast = run_windows(a, windows, settings, cost_fn=5, cost_fp=1)
        slow = run_windows_reference(a, windows, settings, cost_fn=5, cost_fp=1)
    assert len(fast) == len(slow) == 2 * len(windows)
    assert fast[0].n == 1200 and fast[2 * 6].n == 0
    for got, want in zip(fast, slow, strict=True):
        assert_same(got, want)


def test_cli_alert_and_page_count_the_same_rows_for_a_window(tmp_path: Path) -> None:
    """Applications received 12 h after they were made: `fairness run`, the alert check's
    fairness source and the Fairness page's data all window them by received_at, and count
    the same rows per group for the same window (which differ from an application_time
    count)."""
    url = f"sqlite:///{tmp_path / 'cw.db'}"
    late = timedelta(hours=12)
    with Store(url) as store:
        rows = traffic(store, approve_m=0.4, per_day=600, late=late)
    window = Window(NOW - 2 * DAY, NOW - DAY)
    lo, hi = window.bounds
    received = [r for r in rows if lo <= r["received_at"] < hi]
    made = {r["request_id"] for r in rows if lo <= r["application_time"] < hi}
    want = Counter(r["inputs"]["CODE_GENDER"] for r in received)
    assert len(received) == 600 and {r["request_id"] for r in received} != made

    out = cli(["fairness", "run", "--since", lo.isoformat(), "--until", hi.isoformat(),
               "--json"], tmp_path, url)
    assert out.returncode == 0, out.stderr
    gender = next(r for r in json.loads(out.stdout) if r["attribute"] == "CODE_GENDER")
    assert {g["group"]: g["n"] for g in gender["groups"]} == want

    settings = Settings(store={"url": url})
    with Store(url) as store:
        verdicts = fairness_source(store, settings, window, hi)
        with Analytics(store, settings=settings, now=hi) as a:
            page = pagedata.fairness(a, window.bounds, (5.0, 1.0))
    alert = verdicts["fairness_air_CODE_GENDER"]
    assert alert.fires and f"{want['M']} applications" in alert.message
    period = next(r for r in page.period if r.attribute == "CODE_GENDER")
    assert dict(zip(period.table["group"], period.table["n"], strict=True)) == want


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
    """`fairness run --json` prints each attribute's groups with the AIR interval and stores
    one report per attribute; `fairness history --every 1d` prints and stores one per day
    and attribute; a bad window or an attribute
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
    with Store(url) as store:
        stored = store.read_fairness_reports(result=True)
    assert list(stored["attribute"]) == ["AGE_BAND", "CODE_GENDER"]
    row = stored.set_index("attribute").loc["CODE_GENDER"]
    assert row["n_predictions"] == 1200 and row["worst_group"] == "M"
    assert row["worst_air_high"] == pytest.approx(m["air_high"], rel=1e-12)
    assert row["result"]["groups"] == gender["groups"]
    out = cli(["fairness", "history", "--every", "1d", "--days", "3", *until], tmp_path, url)
    assert out.returncode == 0, out.stderr
    assert out.stdout.count("CODE_GENDER, ") == 3 and out.stdout.count("AGE_BAND, ") == 3
    assert "group x decision" in out.stdout and "stored 6 fairness reports" in out.stdout
    with Store(url) as store:
        assert len(store.read_fairness_reports()) == 2 + 6
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
