"""Business aggregates equal pandas/numpy on the store's own readers, on both stores."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from creditwatch.analytics import AMOUNT_BANDS, SEGMENTS, Analytics

from tests.analytics import oracle


def test_decisions_and_confidence_levels(seeded_analytics: Analytics) -> None:
    """Decision and confidence counts and shares equal value_counts; levels keep their order."""
    a = seeded_analytics
    p = oracle.predictions(a.store, a.window("7d"))
    got = a.decisions("7d").set_index("decision")
    assert got["count"].to_dict() == p["decision"].value_counts().to_dict()
    assert got["share"].sum() == pytest.approx(1.0)
    levels = a.confidence_levels("7d")
    assert levels["confidence"].tolist() == ["LOW", "MEDIUM", "HIGH"]
    want = p["confidence"].value_counts()
    assert levels.set_index("confidence")["count"].to_dict() == want.reindex(
        ["LOW", "MEDIUM", "HIGH"], fill_value=0).to_dict()


@pytest.mark.parametrize("bins", [10, 20])
def test_probability_histogram_matches_numpy(seeded_analytics: Analytics, bins: int) -> None:
    """Per decision, the counts per bin equal numpy.histogram over [0, 1]."""
    a = seeded_analytics
    p = oracle.predictions(a.store, a.window("all"))
    got = a.probability_histogram("all", bins)
    edges = np.linspace(0, 1, bins + 1)
    for decision, group in p.groupby("decision"):
        counts, _ = np.histogram(group["probability"], bins=edges)
        mine = got[got["decision"] == decision].sort_values("bin")
        assert mine["count"].tolist() == counts.tolist(), decision
        np.testing.assert_allclose(mine["bin_left"], edges[:-1])
        np.testing.assert_allclose(mine["bin_right"], edges[1:])


def test_decisions_by_amount_band_match_pandas_cut(seeded_analytics: Analytics) -> None:
    """Approvals per credit amount band equal a pandas cut with left-closed bands."""
    a = seeded_analytics
    p = oracle.predictions(a.store, a.window("all"))
    got = a.decisions_by_amount("all")
    edges = [*AMOUNT_BANDS, np.inf]
    band = pd.cut(p["amt_credit"], edges, right=False, labels=False)
    groups = p.assign(band=band).groupby("band")
    want_n = groups.size()
    want_approved = groups["decision"].apply(lambda d: int((d == "APPROVED").sum()))
    assert got["band_index"].tolist() == want_n.index.astype(int).tolist()
    assert got["n"].tolist() == want_n.tolist()
    assert got["approved"].tolist() == want_approved.tolist()
    np.testing.assert_allclose(got["approval_rate"], (want_approved / want_n).to_numpy())
    np.testing.assert_allclose(got["mean_probability"], groups["probability"].mean())
    assert got["band"].iloc[0] == "0–250k" and got["band"].iloc[-1] == "≥ 1.5M"


def test_amount_histogram_matches_numpy(seeded_analytics: Analytics) -> None:
    """Credit amounts per decision fall in the same equal bins as numpy.histogram."""
    a = seeded_analytics
    p = oracle.predictions(a.store, a.window("7d"))
    got = a.amount_histogram("7d", 12)
    edges = np.linspace(p["amt_credit"].min(), p["amt_credit"].max(), 13)
    for decision, group in p.groupby("decision"):
        counts, _ = np.histogram(group["amt_credit"], bins=edges)
        mine = got[got["decision"] == decision].set_index("bin")["count"]
        assert mine.reindex(range(12), fill_value=0).tolist() == counts.tolist()
    np.testing.assert_allclose(sorted(set(got["bin_left"])), edges[:-1][
        sorted(set(got["bin"]))], rtol=1e-9)


def test_approval_by_segment_matches_the_inputs(seeded_analytics: Analytics) -> None:
    """Approval per income type, education, contract type and gender equals a group-by of
    the stored inputs joined with the decisions."""
    a = seeded_analytics
    window = a.window("all")
    p = oracle.predictions(a.store, window).set_index("id")
    inputs = a.store.read_inputs(window.start, window.end, fields=list(SEGMENTS.values()),
                                 time_column="received_at")
    joined = inputs.join(p[["decision", "probability"]])
    got = a.approval_by_segment("all")
    assert got["segment"].unique().tolist() == list(SEGMENTS)
    for name, field in SEGMENTS.items():
        mine = got[got["segment"] == name].set_index("value")
        groups = joined.groupby(joined[field].fillna("(missing)"))
        assert mine["n"].to_dict() == groups.size().to_dict(), name
        rate = groups["decision"].apply(lambda d: (d == "APPROVED").mean())
        np.testing.assert_allclose(mine["approval_rate"], rate.loc[mine.index], rtol=1e-12)
        assert list(mine["n"]) == sorted(mine["n"], reverse=True)
    only = a.approval_by_segment("all", "gender")
    assert set(only["segment"]) == {"gender"}
    with pytest.raises(ValueError, match="unknown segment"):
        a.approval_by_segment("all", "star_sign")


def test_expected_cost_by_hand(seeded_analytics: Analytics) -> None:
    """Expected cost = cost_fn × Σp over approved + cost_fp × Σ(1-p) over refused."""
    a = seeded_analytics
    p = oracle.predictions(a.store, a.window("7d"))
    approved = p["decision"] == "APPROVED"
    cost_fn, cost_fp = 7.5, 1.25
    got = a.expected_cost("7d", cost_fn=cost_fn, cost_fp=cost_fp)
    missed = cost_fn * p.loc[approved, "probability"].sum()
    refused = cost_fp * (1 - p.loc[~approved, "probability"]).sum()
    assert got["cost_missed_defaults"] == pytest.approx(missed, rel=1e-12)
    assert got["cost_refused_good"] == pytest.approx(refused, rel=1e-12)
    assert got["expected_cost"] == pytest.approx(missed + refused, rel=1e-12)
    assert got["cost_per_application"] == pytest.approx((missed + refused) / len(p))
    assert got["approve_all_cost"] == pytest.approx(cost_fn * p["probability"].sum())
    assert got["refuse_all_cost"] == pytest.approx(cost_fp * (1 - p["probability"]).sum())
    assert (got["n"], got["n_approved"], got["n_refused"]) == (
        len(p), int(approved.sum()), int((~approved).sum()))
    default = a.expected_cost("7d")
    assert (default["cost_fn"], default["cost_fp"]) == (a.settings.model.cost_fn, a.settings.model.cost_fp)


def test_thresholds_as_stored(seeded_analytics: Analytics) -> None:
    """The stored threshold of each model version is reported with its prediction count."""
    p = seeded_analytics.store.read_predictions()
    got = seeded_analytics.thresholds()
    assert got[["model_version", "threshold", "n"]].values.tolist() == [
        [v, t, n] for (v, t), n in p.groupby(["model_version", "threshold"]).size().items()]
