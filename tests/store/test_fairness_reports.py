"""Fairness reports in the store (SQLite and PostgreSQL): written from a run, read back
typed, replaced by a recomputation, and a bad row refused with nothing written."""

from __future__ import annotations

import math
from datetime import timedelta

import numpy as np
import pytest

from creditwatch.analytics.fairness import report_rows
from creditwatch.config import Settings
from creditwatch.fairness import evaluate
from creditwatch.store import Store

from tests.store.records import T0

DAY = timedelta(days=1)


def results(seed: int, approve_m: float) -> list:
    """Two days of one attribute: men approved at ``approve_m``, women at 80 %; half the
    applications labelled."""
    rng = np.random.default_rng(seed)
    out = []
    for d in range(2):
        groups = np.where(rng.random(600) < 0.5, "F", "M").astype(object)
        refused = rng.random(600) >= np.where(groups == "F", 0.8, approve_m)
        p = np.where(refused, 0.7, 0.1)
        y = np.where(rng.random(600) < 0.5, (rng.random(600) < p).astype(float), np.nan)
        out.append(evaluate(groups, p, 0.5, y, attribute="CODE_GENDER", cost_fn=5, cost_fp=1,
                            maturity_share=0.8, start=T0 + d * DAY, end=T0 + (d + 1) * DAY))
    return out


def test_a_run_is_stored_and_read_back(store: Store) -> None:
    """Each window's row holds its counts, reference, worst group with its AIR interval and
    the tests' p-values as columns (NaN read back as missing), and the whole result, group
    table included; ``result`` is read only when asked."""
    runs = results(0, 0.5)
    settings = Settings(store={"url": None})
    ids = store.write_fairness_reports(report_rows(runs, settings, cost_fn=5, cost_fp=1,
                                                   now=T0 + 3 * DAY))
    assert len(ids) == 2
    frame = store.read_fairness_reports()
    assert "result" not in frame.columns
    assert list(frame["window_start"]) == [T0, T0 + DAY]
    for (_, row), r in zip(frame.iterrows(), runs, strict=True):
        worst = r.worst_air
        assert row["attribute"] == "CODE_GENDER" and row["reference"] == "F"
        assert row["n_predictions"] == 600 and row["n_labelled"] == r.table["labelled"].sum()
        assert row["worst_group"] == "M" and not row["mature"]
        assert row["worst_air"] == pytest.approx(worst["air"], rel=1e-12)
        assert row["worst_air_high"] == pytest.approx(worst["air_high"], rel=1e-12)
        assert row["independence_p"] == pytest.approx(r.independence.p_value, rel=1e-9)
        assert row["tpr_gap"] == pytest.approx(r.tpr_gap, rel=1e-12)
        assert row["params"]["clock"] == "received_at"
        assert row["params"]["maturity_share"] == settings.performance.maturity_share
    full = store.read_fairness_reports(T0 + DAY, attribute="CODE_GENDER", result=True)
    assert len(full) == 1
    stored = full.iloc[0]["result"]
    want = runs[1].to_dict()
    assert [g["group"] for g in stored["groups"]] == ["F", "M"]
    for got, expected in zip(stored["groups"], want["groups"], strict=True):
        for key, value in expected.items():
            if isinstance(value, float):
                assert got[key] == pytest.approx(value, rel=1e-12), key
            else:
                assert got[key] == value, key
    assert store.read_fairness_reports(attribute="AGE_BAND").empty


def test_recomputing_a_window_replaces_its_row(store: Store) -> None:
    """Storing the same window and attribute again leaves one row, the newer one."""
    settings = Settings(store={"url": None})
    store.write_fairness_reports(report_rows(results(0, 0.5), settings, cost_fn=5, cost_fp=1,
                                             now=T0 + 3 * DAY))
    store.write_fairness_reports(report_rows(results(1, 0.8), settings, cost_fn=5, cost_fp=1,
                                             now=T0 + 4 * DAY))
    frame = store.read_fairness_reports()
    assert len(frame) == 2 and set(frame["created_at"]) == {T0 + 4 * DAY}
    assert (frame["worst_air_high"] > 0.8).all()


def test_missing_figures_are_stored_as_null(store: Store) -> None:
    """A window without outcomes stores no gap (NaN becomes NULL, read back as missing)."""
    groups = np.array(["F", "M"] * 50, dtype=object)
    r = evaluate(groups, np.full(100, 0.1), 0.5, None, attribute="CODE_GENDER", cost_fn=5,
                 cost_fp=1, maturity_share=0.8, start=T0, end=T0 + DAY)
    store.write_fairness_reports(report_rows([r], Settings(store={"url": None}), cost_fn=5,
                                             cost_fp=1, now=T0))
    row = store.read_fairness_reports().iloc[0]
    assert row["n_labelled"] == 0 and row["labelled_share"] == 0
    for column in ("tpr_gap", "tpr_gap_p", "fpr_gap", "fpr_gap_p"):
        assert row[column] is None or math.isnan(row[column]), column


def test_a_bad_row_is_refused_and_nothing_is_written(store: Store) -> None:
    """An unknown key refuses the whole batch before anything is stored."""
    rows = report_rows(results(0, 0.5), Settings(store={"url": None}), cost_fn=5, cost_fp=1,
                       now=T0)
    with pytest.raises(ValueError, match="unknown fairness report keys"):
        store.write_fairness_reports([rows[0], {**rows[1], "colour": "red"}])
    assert store.read_fairness_reports().empty
