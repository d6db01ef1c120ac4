"""Drift settings: parsing, intensity 0 = clean, and each kind changing what its definition says
by the documented amount (creditwatch.synthetic.shift)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm

from creditwatch.errors import ConfigurationError, CreditwatchError
from creditwatch.schema import NUMERIC_FIELDS
from creditwatch.schema.frames import validate_frame
from creditwatch.synthetic import DriftSpec, generate, true_pd
from creditwatch.synthetic.risk import Link, risk_logit
from creditwatch.synthetic.shift import AMOUNTS

N = 40_000
SEED = 8


@pytest.fixture(scope="module")
def clean() -> pd.DataFrame:
    return generate(N, SEED)


def normal_scores(values: pd.Series, reference: pd.Series) -> np.ndarray:
    """Oracle: Φ⁻¹ of each value's mid-rank in the reference sample."""
    ref = np.sort(reference.dropna().to_numpy(dtype=float))
    x = values.dropna().to_numpy(dtype=float)
    mid = (np.searchsorted(ref, x, "left") + np.searchsorted(ref, x, "right")) / 2
    return norm.ppf(np.clip(mid / len(ref), 0.5 / len(ref), 1 - 0.5 / len(ref)))


def score_shift(drifted: pd.Series, clean: pd.Series) -> float:
    return float(normal_scores(drifted, clean).mean() - normal_scores(clean, clean).mean())


@pytest.mark.parametrize(("text", "kind", "intensity"), [
    ("gradual:0.3", "gradual", 0.3), ("sudden:1", "sudden", 1.0),
    ("Feature-Shift:0.25", "feature_shift", 0.25), ("none", "none", 0.0), ("none:0", "none", 0.0),
    ("concept:0.5", "concept", 0.5),
])
def test_parse_reads_kind_and_intensity(text: str, kind: str, intensity: float) -> None:
    """DriftSpec.parse reads 'KIND:INTENSITY' and prints back in the same form."""
    spec = DriftSpec.parse(text)
    assert (spec.kind, spec.intensity) == (kind, intensity)
    assert DriftSpec.parse(str(spec)) == spec


@pytest.mark.parametrize("text", ["gradual", "gradual:1.5", "gradual:-0.1", "gradual:nan",
                                  "slow:0.3", "sudden:high", "none:0.2"])
def test_parse_rejects_bad_settings(text: str) -> None:
    """Unknown kinds, intensities outside [0, 1] or missing intensities are refused."""
    with pytest.raises(ValueError, match="drift"):
        DriftSpec.parse(text)


def test_spec_is_frozen_and_validates() -> None:
    """DriftSpec is immutable and checks its fields when built directly; its errors are user
    errors (ConfigurationError) that the CLI reports in one line."""
    spec = DriftSpec("sudden", 0.5)
    with pytest.raises(AttributeError):
        spec.intensity = 0.7  # type: ignore[misc]
    with pytest.raises(ConfigurationError):
        DriftSpec("sudden", True)
    with pytest.raises(CreditwatchError, match=r"gradual:0\.3"):
        DriftSpec.parse("sudden")
    assert DriftSpec("gradual", 0).is_clean and not spec.is_clean


@pytest.mark.parametrize("kind", ["none", "gradual", "sudden", "feature_shift", "concept"])
def test_intensity_zero_is_the_clean_generator(clean: pd.DataFrame, kind: str) -> None:
    """Any kind at intensity 0 reproduces the clean frame exactly."""
    pd.testing.assert_frame_equal(generate(N, SEED, DriftSpec(kind, 0.0)), clean)  # type: ignore[arg-type]


@pytest.mark.parametrize("text", ["gradual:1", "sudden:1", "feature_shift:1", "sudden:0.5"])
def test_drifted_frames_stay_valid_and_keep_the_concept(text: str) -> None:
    """Even at full intensity every value stays valid, and TRUE_PD is the same risk function
    of the drifted fields (the population moves, the concept does not)."""
    frame = generate(5_000, 3, DriftSpec.parse(text))
    report = validate_frame(frame)
    assert report.ok, report.errors()
    assert report.unknown_categories == {}
    assert np.array_equal(true_pd(frame.drop(columns=["TRUE_PD", "TARGET"])), frame["TRUE_PD"])
    pd.testing.assert_frame_equal(frame, generate(5_000, 3, DriftSpec.parse(text)))


def test_gradual_inflates_amounts_by_one_plus_intensity(clean: pd.DataFrame) -> None:
    """gradual:0.3 multiplies the four amounts by 1.3 (rows whose income type and education
    were not reassigned are otherwise unchanged, so the ratio is exact there)."""
    drifted = generate(N, SEED, DriftSpec("gradual", 0.3))
    same = ((drifted["NAME_INCOME_TYPE"] == clean["NAME_INCOME_TYPE"])
            & (drifted["NAME_EDUCATION_TYPE"] == clean["NAME_EDUCATION_TYPE"]))
    assert same.mean() > 0.8
    for name in AMOUNTS:
        pd.testing.assert_series_equal(drifted.loc[same, name], clean.loc[same, name] * 1.3)
        assert drifted[name].mean() / clean[name].mean() == pytest.approx(1.3, rel=0.03)


@pytest.mark.parametrize("intensity", [0.1, 0.3])
def test_gradual_shifts_core_numerics_by_two_sd_per_unit(clean: pd.DataFrame,
                                                         intensity: float) -> None:
    """gradual:i moves age, employment, dates and region up and the scores down by 2·i SD
    (normal-score scale), and moves 0.3·i of income type to Commercial associate."""
    drifted = generate(N, SEED, DriftSpec("gradual", intensity))
    d = 2.0 * intensity
    for name, sign in (("EXT_SOURCE_1", -1), ("EXT_SOURCE_2", -1), ("EXT_SOURCE_3", -1),
                       ("DAYS_BIRTH", 1), ("DAYS_ID_PUBLISH", 1), ("DAYS_REGISTRATION", 1)):
        assert score_shift(drifted[name], clean[name]) == pytest.approx(sign * d, abs=0.06), name
    # Value scale: EXT_SOURCE_3's mean moves by about d SD too (it is close to normal).
    sd = clean["EXT_SOURCE_3"].std()
    assert (clean["EXT_SOURCE_3"].mean() - drifted["EXT_SOURCE_3"].mean()) / sd == pytest.approx(
        d, rel=0.15)
    level = "Commercial associate"
    before = (clean["NAME_INCOME_TYPE"] == level).mean()
    after = (drifted["NAME_INCOME_TYPE"] == level).mean()
    assert after - before == pytest.approx(0.3 * intensity * (1 - before), abs=0.01)


@pytest.mark.parametrize("intensity", [0.3, 0.5])
def test_feature_shift_moves_only_the_provider_fields(clean: pd.DataFrame,
                                                      intensity: float) -> None:
    """feature_shift:i lowers EXT_SOURCE_2/3 by 1.5·i SD and moves 0.5·i of the occupations to
    Laborers; every other input column is untouched."""
    drifted = generate(N, SEED, DriftSpec("feature_shift", intensity))
    changed = {"EXT_SOURCE_2", "EXT_SOURCE_3", "OCCUPATION_TYPE", "TRUE_PD", "TARGET"}
    pd.testing.assert_frame_equal(drifted.drop(columns=list(changed)),
                                  clean.drop(columns=list(changed)))
    d = 1.5 * intensity
    for name in ("EXT_SOURCE_2", "EXT_SOURCE_3"):
        assert score_shift(drifted[name], clean[name]) == pytest.approx(-d, abs=0.06)
        sd = clean[name].std()
        assert (clean[name].mean() - drifted[name].mean()) / sd == pytest.approx(d, rel=0.15)
    has = clean["OCCUPATION_TYPE"].notna()
    assert (drifted["OCCUPATION_TYPE"].notna() == has).all()
    before = (clean.loc[has, "OCCUPATION_TYPE"] == "Laborers").mean()
    after = (drifted.loc[has, "OCCUPATION_TYPE"] == "Laborers").mean()
    assert after - before == pytest.approx(0.5 * intensity * (1 - before), abs=0.01)
    assert drifted["TRUE_PD"].mean() > clean["TRUE_PD"].mean()  # lower scores, more risk


def test_sudden_replaces_exactly_a_share_of_rows_by_the_segment(clean: pd.DataFrame) -> None:
    """sudden:0.5 changes exactly half of the rows (the segment); the others are identical to
    the clean frame. Segment rows are 2.5 SD younger, 70 % moved to Sunday, and miss
    EXT_SOURCE_1 more often."""
    drifted = generate(N, SEED, DriftSpec("sudden", 0.5))
    inputs = [c for c in clean.columns if c not in ("TRUE_PD", "TARGET")]
    differs = ~((drifted[inputs] == clean[inputs]) | (drifted[inputs].isna()
                                                       & clean[inputs].isna())).all(axis=1)
    assert differs.sum() == N // 2
    pd.testing.assert_frame_equal(drifted[~differs], clean[~differs])
    segment = drifted[differs]
    assert score_shift(segment["DAYS_BIRTH"], clean["DAYS_BIRTH"]) == pytest.approx(2.5, abs=0.1)
    assert score_shift(segment["AMT_CREDIT"], clean["AMT_CREDIT"]) == pytest.approx(2.5, abs=0.1)
    sunday = (clean["WEEKDAY_APPR_PROCESS_START"] == "SUNDAY").mean()
    assert (segment["WEEKDAY_APPR_PROCESS_START"] == "SUNDAY").mean() == pytest.approx(
        sunday + 0.7 * (1 - sunday), abs=0.02)
    present = 1 - clean["EXT_SOURCE_1"].isna().mean()
    assert segment["EXT_SOURCE_1"].isna().mean() == pytest.approx(1 - 0.3 * present, abs=0.02)
    # More intensity adds segment rows; it never reshuffles the ones already there.
    more = generate(N, SEED, DriftSpec("sudden", 0.7))
    pd.testing.assert_frame_equal(more[differs.to_numpy()], segment)


def test_every_numeric_field_moves_in_the_sudden_segment() -> None:
    """All 70 numeric fields move up in the segment (sudden:1), none is forgotten."""
    clean, drifted = generate(20_000, 4), generate(20_000, 4, DriftSpec("sudden", 1.0))
    moved = [name for name in NUMERIC_FIELDS
             if score_shift(drifted[name], clean[name]) > 0.5]
    assert len(NUMERIC_FIELDS) == 70
    assert sorted(moved) == sorted(NUMERIC_FIELDS)


@pytest.mark.parametrize("intensity", [0.5, 1.0])
def test_concept_keeps_every_input_and_changes_the_link(clean: pd.DataFrame,
                                                        intensity: float) -> None:
    """concept:i leaves every observed column identical to the clean frame of the same seed;
    TRUE_PD is the changed link: log-odds + 1.0·i, external scores' effects × (1 − 0.5·i)."""
    drifted = generate(N, SEED, DriftSpec("concept", intensity))
    pd.testing.assert_frame_equal(drifted.drop(columns=["TRUE_PD", "TARGET"]),
                                  clean.drop(columns=["TRUE_PD", "TARGET"]))
    observed = clean.drop(columns=["TRUE_PD", "TARGET"])
    without_ext = risk_logit(observed, Link(ext_scale=0.0))
    ext = risk_logit(observed) - without_ext
    expected = without_ext + (1 - 0.5 * intensity) * ext + 1.0 * intensity
    got = np.log(drifted["TRUE_PD"] / (1 - drifted["TRUE_PD"])).to_numpy()
    np.testing.assert_allclose(got, expected, atol=1e-9)
    assert np.array_equal(drifted["TRUE_PD"], true_pd(observed, Link(1.0 * intensity,
                                                                      1 - 0.5 * intensity)))
    # TARGET is drawn with the clean frame's uniforms: a higher PD never turns a default off
    higher = drifted["TRUE_PD"] >= clean["TRUE_PD"]
    assert (drifted.loc[higher, "TARGET"] >= clean.loc[higher, "TARGET"]).all()
    assert drifted["TARGET"].mean() > clean["TARGET"].mean() + 0.02


def test_concept_rates_and_oracle_auc_as_documented() -> None:
    """The default rate rises and the oracle's ranking weakens with concept intensity, by
    the amounts in the shift module's docstring (measured on 200,000 rows there)."""
    rows = {i: generate(40_000, 5, DriftSpec("concept", i) if i else None) for i in (0, 0.5, 1)}
    rates = {i: f["TRUE_PD"].mean() for i, f in rows.items()}
    assert rates[0] == pytest.approx(0.081, abs=0.004)
    assert rates[0.5] == pytest.approx(0.111, abs=0.005)
    assert rates[1] == pytest.approx(0.155, abs=0.006)
    from sklearn.metrics import roc_auc_score

    aucs = {i: roc_auc_score(f["TARGET"], f["TRUE_PD"]) for i, f in rows.items()}
    assert aucs[0] > aucs[0.5] + 0.02 > aucs[1] + 0.04
