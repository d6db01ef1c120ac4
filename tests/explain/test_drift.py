"""Reason drift: the window's and the reference's reason mix against a hand count of the
reasons computed from LightGBM's pred_contrib; and ``creditwatch reasons``."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from creditwatch.config import Settings
from creditwatch.explain import Explainer
from creditwatch.explain.drift import MIX_COLUMNS, reason_mix, reference_mix
from creditwatch.model.bundle import ModelBundle
from creditwatch.scoring import Scorer
from creditwatch.store import Store
from creditwatch.synthetic.generator import generate

from tests.support.seed import scored_records

NOW = datetime(2026, 5, 1, tzinfo=UTC)


def _hand_mix(bundle: ModelBundle, frame: pd.DataFrame) -> tuple[dict[str, float], int]:
    """Share of refused rows citing each code, counted by hand from pred_contrib reasons."""
    oracle = Explainer.from_bundle(bundle, reference=True)
    encoded = bundle.pipeline.encode(frame)
    x = bundle.pipeline.transform_encoded(encoded)
    refused = np.flatnonzero(bundle.booster.predict(x) >= bundle.threshold)
    counts: Counter[str] = Counter()
    for reasons in oracle.reasons(x[refused], encoded.values[refused]):
        counts.update({r.code for r in reasons})
    return {code: c / len(refused) for code, c in counts.items()}, len(refused)


@pytest.fixture()
def seeded(tmp_path: Path, bundle: ModelBundle) -> tuple[Store, pd.DataFrame]:
    """A store holding 400 scored applications (with the reasons of the refused ones) on
    the day before NOW, and 100 more a week earlier."""
    frame = generate(400, 91, id_start=500_000)
    old = generate(100, 92, id_start=510_000)
    scorer = Scorer(bundle, Settings(store={"url": None}))
    rng = np.random.default_rng(0)
    store = Store(f"sqlite:///{tmp_path / 'store.db'}")
    day = [NOW - timedelta(hours=1 + i % 20) for i in range(len(frame))]
    store.write_predictions(scored_records(scorer, frame, day, rng=rng, prefix="a"))
    store.write_predictions(scored_records(scorer, old, [NOW - timedelta(days=8)] * 100,
                                           rng=rng, prefix="b"))
    return store, frame


def test_the_window_mix_is_the_hand_count_of_its_refusals(
        seeded: tuple[Store, pd.DataFrame], bundle: ModelBundle) -> None:
    """Each code's window share is the share of the window's refused applications whose
    reasons (from pred_contrib) cite it; the other week's predictions are not counted; the
    reference share is the same count on the bundle's reference sample."""
    store, frame = seeded
    mix, n = reason_mix(store, bundle, NOW - timedelta(days=1), NOW)
    want, n_refused = _hand_mix(bundle, frame)
    assert list(mix.columns) == MIX_COLUMNS
    assert n == n_refused
    got = {row.code: row.share for row in mix.itertuples() if row.share > 0}
    assert got.keys() == want.keys()
    for code, share in want.items():
        assert got[code] == pytest.approx(share, abs=1e-12)
    ref_want, _ = _hand_mix(bundle, bundle.reference)
    ref_got = {row.code: row.reference_share for row in mix.itertuples()
               if row.reference_share > 0}
    assert ref_got.keys() == ref_want.keys()
    for code, share in ref_want.items():
        assert ref_got[code] == pytest.approx(share, abs=1e-12)
    np.testing.assert_allclose(mix["difference"], mix["share"] - mix["reference_share"])
    assert list(mix["share"]) == sorted(mix["share"], reverse=True)
    shares, _ = reference_mix(bundle)
    assert shares.to_dict() == pytest.approx(ref_want, abs=1e-12)


def test_an_empty_window_has_zero_shares_and_the_reference(
        seeded: tuple[Store, pd.DataFrame], bundle: ModelBundle) -> None:
    """A window without predictions: no refusals, every share 0, the reference shares kept."""
    store, _ = seeded
    mix, n = reason_mix(store, bundle, NOW + timedelta(days=1), NOW + timedelta(days=2))
    assert n == 0
    assert (mix["share"] == 0).all() and (mix["reference_share"] > 0).any()


def _cli(args: list[str], root: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["CREDITWATCH_ROOT"] = str(root)
    return subprocess.run([sys.executable, "-m", "creditwatch.cli.main", *args], env=env,
                          capture_output=True, text=True, timeout=600, cwd=root)


@pytest.mark.slow
def test_creditwatch_reasons_prints_the_mix_table(tmp_path: Path, bundle: ModelBundle,
                                                  bundle_dir: Path) -> None:
    """`creditwatch reasons --since 7d` prints each code seen with its text, this window's
    share, the reference share and the difference, as computed by the library; a bad
    window option exits 2 with one line."""
    shutil.copytree(bundle_dir, tmp_path / "artifacts" / "model")
    now = datetime.now(UTC)
    scorer = Scorer(bundle, Settings(store={"url": None}))
    with Store(f"sqlite:///{tmp_path / 'data' / 'creditwatch.db'}") as store:
        store.write_predictions(scored_records(
            scorer, generate(200, 93, id_start=520_000), [now - timedelta(days=1)] * 200,
            rng=np.random.default_rng(1), prefix="c"))
        mix, n = reason_mix(store, bundle, now - timedelta(days=7), now)
    out = _cli(["reasons", "--since", "7d"], tmp_path)
    assert out.returncode == 0, out.stderr
    assert f"{n:,} refusals with reasons" in out.stdout
    for header in ("code", "share this window", "share in reference", "difference"):
        assert header in " ".join(out.stdout.split()), header
    top = mix.iloc[0]
    assert top.code in out.stdout and f"{top.share:.1%}" in out.stdout
    bad = _cli(["reasons", "--since", "soon"], tmp_path)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
