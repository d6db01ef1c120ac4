"""The per-window comparison, checked against scipy, sklearn and hand counts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from sklearn.metrics import roc_auc_score

from creditwatch.analytics import Analytics
from creditwatch.config import Settings
from creditwatch.fairness.groups import ProtectedAttribute
from creditwatch.model.bundle import ModelBundle
from creditwatch.performance.estimate import estimate
from creditwatch.performance.reference import PerformanceReference
from creditwatch.performance.settings import PerformanceSettings
from creditwatch.shadow.compare import compare, groups_frame, summary_frame
from creditwatch.shadow.statistics import pearson, spearman
from creditwatch.store import Store
from creditwatch.windows import Chunker

from tests.shadow.bundles import install
from tests.shadow.seeding import seed_shadow

START = datetime(2026, 5, 4, tzinfo=UTC)


@pytest.mark.parametrize("store", ["sqlite", "postgresql"], indirect=True)
def test_each_window_is_compared_as_the_oracles_say(
        store: Store, tmp_path: Path, bundle: ModelBundle,
        challenger_bundle: ModelBundle) -> None:
    """Per daily window: agreement, flips and approval rates as counted by hand, Pearson
    and Spearman as scipy computes them, approval change per gender and age band as pandas
    groups them, each model's estimate from its own bundle, and realized AUC (sklearn) and
    cost at each model's threshold only on the days with outcomes."""
    settings = Settings(paths={"root": tmp_path}, store={"url": None})
    for b in (bundle, challenger_bundle):
        install(settings.paths.artifacts, b, challenge=False)
    truth = seed_shadow(store, bundle.version, challenger_bundle.version, start=START)
    windows = Chunker.consecutive(timedelta(days=1), START, START + timedelta(days=3))
    with Analytics(store, settings=settings) as analytics:
        results = compare(analytics, windows, settings)
    assert [r.start for r in results] == [w.start for w in windows]
    perf = PerformanceSettings.of(settings.performance)
    for day, r in enumerate(results):
        w = truth[(truth["at"] >= START + timedelta(days=day))
                  & (truth["at"] < START + timedelta(days=day + 1))]
        a, b = w["p_champion"].to_numpy(), w["p_challenger"].to_numpy()
        ra, rb = a >= 0.3, b >= 0.35
        g = r.agreement
        assert (r.champion, r.challenger) == (bundle.version, challenger_bundle.version)
        assert g.n == len(w)
        assert g.agreement == pytest.approx(np.mean(ra == rb), abs=1e-12)
        assert (g.approve_to_refuse, g.refuse_to_approve) == (np.sum(~ra & rb), np.sum(ra & ~rb))
        assert g.approval_champion == pytest.approx(np.mean(~ra), abs=1e-12)
        assert g.approval_challenger == pytest.approx(np.mean(~rb), abs=1e-12)
        assert g.pearson == pytest.approx(stats.pearsonr(a, b)[0], abs=1e-9)
        assert g.spearman == pytest.approx(stats.spearmanr(a, b)[0], abs=1e-9)
        groups = groups_frame([r]).set_index(["attribute", "group"])
        gender = w.assign(g=w["CODE_GENDER"].replace("XNA", "missing"),
                          a=~ra, b=~rb).groupby("g")[["a", "b"]].mean()
        for label, row in gender.iterrows():
            found = groups.loc[("CODE_GENDER", label)]
            assert found["approval_champion"] == pytest.approx(row["a"], abs=1e-12)
            assert found["change"] == pytest.approx(row["b"] - row["a"], abs=1e-12)
        years = -w["DAYS_BIRTH"] / 365.25
        young = (years < 25).to_numpy()
        band = ProtectedAttribute("DAYS_BIRTH", tuple(settings.fairness.age_bands)).groups(
            w["DAYS_BIRTH"].to_numpy())[young]
        if young.any():
            assert groups.loc[("AGE_BAND", band[0]), "n"] == young.sum()
            assert groups.loc[("AGE_BAND", band[0]), "approval_challenger"] == \
                pytest.approx(np.mean(~rb[young]), abs=1e-12)
        for role, model, scores in (("champion", bundle, a), ("challenger", challenger_bundle, b)):
            direct = estimate(PerformanceReference.from_bundle(model, perf), scores,
                              with_prediction_drift=False)
            assert r.estimated[role] is not None
            assert r.estimated[role]["auc"] == pytest.approx(direct.auc.value, abs=1e-12)
        y = w["defaulted"].to_numpy()
        if day < 2:
            assert r.n_labelled == len(w)
            assert r.realized is not None
            for role, scores, t, model in (("champion", a, 0.3, bundle),
                                           ("challenger", b, 0.35, challenger_bundle)):
                assert r.realized[role]["auc"] == pytest.approx(roc_auc_score(y, scores),
                                                                abs=1e-9)
                refused = scores >= t
                cost = (model.cost_fn * np.sum((y == 1) & ~refused)
                        + model.cost_fp * np.sum((y == 0) & refused)) / len(y)
                assert r.realized[role]["cost_per_application"] == pytest.approx(cost)
        else:
            assert r.n_labelled == 0 and r.realized is None
    frame = summary_frame(results)
    assert list(frame["n"]) == [150, 150, 150]
    assert frame.loc[2, "auc_realized_champion"] is None or pd.isna(
        frame.loc[2, "auc_realized_champion"])


def test_correlations_are_undefined_without_spread() -> None:
    """Pearson and Spearman are NaN for fewer than two pairs or a constant side, and
    Spearman gives tied scores their mean rank (as scipy does)."""
    assert np.isnan(pearson(np.array([0.1]), np.array([0.2])))
    assert np.isnan(spearman(np.array([0.2, 0.2, 0.2]), np.array([0.1, 0.3, 0.5])))
    x, y = np.array([0.1, 0.2, 0.2, 0.4, 0.9]), np.array([0.3, 0.1, 0.5, 0.5, 0.7])
    assert spearman(x, y) == pytest.approx(stats.spearmanr(x, y)[0], abs=1e-12)


def test_unknown_versions_leave_out_the_estimates_only(store: Store, tmp_path: Path) -> None:
    """Versions with no bundle in the registry (retired, deleted) still get every figure
    but the estimates, which are None."""
    settings = Settings(paths={"root": tmp_path}, store={"url": None})
    seed_shadow(store, "aaaaaa", "bbbbbb", start=START, days=1, labelled_days=0)
    with Analytics(store, settings=settings) as analytics:
        [r] = compare(analytics, [Chunker.consecutive(timedelta(days=1), START,
                                                      START + timedelta(days=1))[0]], settings)
    assert r.agreement.n == 150
    assert r.estimated == {"champion": None, "challenger": None}
    assert r.to_dict()["realized"] is None
