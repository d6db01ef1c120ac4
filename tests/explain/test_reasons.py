"""Reason codes: table coverage, grouping, missing-value reasons, order and determinism."""

from __future__ import annotations

import numpy as np
import pytest

from creditwatch import schema
from creditwatch.explain import REASON_CODES, Explainer
from creditwatch.explain.codes import ReasonCode, ReasonTableError, resolve
from creditwatch.features import FeaturePipeline
from creditwatch.features.lineage import feature_sources
from creditwatch.model.bundle import ModelBundle
from creditwatch.synthetic.generator import generate

NAMES = FeaturePipeline().feature_names


@pytest.fixture(scope="module")
def explainer(bundle: ModelBundle) -> Explainer:
    return Explainer.from_bundle(bundle)


def _rows(bundle: ModelBundle, n: int, seed: int):  # type: ignore[no-untyped-def]
    apps = generate(n, seed, id_start=300_000)
    encoded = bundle.pipeline.encode(apps)
    return encoded, bundle.pipeline.transform_encoded(encoded)


def test_every_model_feature_has_exactly_one_value_reason() -> None:
    """The pipeline's feature list resolves: each feature in one value reason, every value
    reason used; codes are unique."""
    value, missing = resolve(NAMES)
    assert len(value) == len(missing) == len(NAMES)
    value_rows = {i for i, row in enumerate(REASON_CODES) if not row.missing}
    assert set(value) == value_rows
    assert len({row.code for row in REASON_CODES}) == len(REASON_CODES)


def test_a_feature_without_a_code_fails() -> None:
    """A new model feature that no reason names is refused, as is a feature in two reasons."""
    with pytest.raises(ReasonTableError, match="NEW_RATIO"):
        resolve([*NAMES, "NEW_RATIO"])
    doubled = (*REASON_CODES, ReasonCode("R99", "again", ("AGE_YEARS",)))
    with pytest.raises(ReasonTableError, match="AGE_YEARS"):
        resolve(NAMES, doubled)


def test_lineage_is_read_off_the_formulas() -> None:
    """Derived features come from the raw fields their formulas read (hand-checked cases)."""
    sources = feature_sources()
    assert sources["CREDIT_INCOME_RATIO"] == ("AMT_INCOME_TOTAL", "AMT_CREDIT")
    assert sources["EXT_SOURCE_MEAN"] == ("EXT_SOURCE_1", "EXT_SOURCE_2", "EXT_SOURCE_3")
    assert sources["DAYS_EMPLOYED_ANOM"] == ("DAYS_EMPLOYED",)
    assert sources["EMPLOYED_AGE_RATIO"] == ("DAYS_BIRTH", "DAYS_EMPLOYED")
    assert all(sources[name] == (name,) for name in schema.FIELD_NAMES)


def test_reasons_are_the_positive_group_sums_in_order(explainer: Explainer, bundle: ModelBundle) -> None:
    """Each reason's contribution is the sum of its group's pred_contrib values (1e-9); only
    positive sums, largest first, at most k, and the top k of all positive groups."""
    encoded, x = _rows(bundle, 300, 1)
    phi = bundle.booster.predict(x, pred_contrib=True)
    grouper = explainer.grouper
    for k in (1, 4, 10):
        reasons = explainer.reasons(x, encoded, k=k)
        for r, row_reasons in enumerate(reasons):
            sums = grouper.group(phi[r : r + 1], x[r : r + 1], encoded.values[r : r + 1])[0]
            positive = sorted(((-s, grouper.rows[i].code) for i, s in enumerate(sums) if s > 0))
            assert [code for _, code in positive[:k]] == [reason.code for reason in row_reasons]
            for reason, (neg, _) in zip(row_reasons, positive, strict=False):
                assert reason.contribution == pytest.approx(-neg, abs=1e-9)
                assert reason.contribution > 0


def test_ties_are_broken_by_code(bundle: ModelBundle) -> None:
    """Equal contributions come out in code order (the documented rule)."""
    grouper = Explainer(bundle.booster, bundle.feature_names, bundle.pipeline.category_maps,
                        reference=True).grouper
    x = np.full((1, len(NAMES)), 1.0)
    raw = np.ones((1, len(schema.FIELD_NAMES)))
    phi = np.zeros((1, len(NAMES) + 1))
    for name in ("CODE_GENDER", "AGE_YEARS", "CREDIT_INCOME_RATIO"):  # R12, R07, R01
        phi[0, NAMES.index(name)] = 0.25
    assert [r.code for r in grouper.reasons(phi, x, raw, k=4)[0]] == ["R01", "R07", "R12"]


def test_same_input_same_reasons(explainer: Explainer, bundle: ModelBundle) -> None:
    """Repeated calls, one row alone or inside a batch, give identical reasons."""
    encoded, x = _rows(bundle, 200, 2)
    first = explainer.reasons(x, encoded)
    assert explainer.reasons(x, encoded) == first
    for i in range(0, 200, 23):
        alone = explainer.reasons(x[i : i + 1], encoded.values[i : i + 1])[0]
        assert [(r.code, r.fields, r.values) for r in alone] == \
            [(r.code, r.fields, r.values) for r in first[i]]
        assert [r.contribution for r in alone] == pytest.approx([r.contribution for r in first[i]],
                                                                abs=1e-12)


def test_engine_and_reference_give_the_same_reasons(explainer: Explainer, bundle: ModelBundle) -> None:
    """The fast engine and LightGBM's pred_contrib give the same codes and contributions."""
    reference = Explainer.from_bundle(bundle, reference=True)
    encoded, x = _rows(bundle, 200, 3)
    fast, slow = explainer.reasons(x, encoded), reference.reasons(x, encoded)
    assert [[r.code for r in row] for row in fast] == [[r.code for r in row] for row in slow]
    np.testing.assert_allclose([r.contribution for row in fast for r in row],
                               [r.contribution for row in slow for r in row], rtol=0, atol=1e-9)
    assert explainer.base_value == pytest.approx(reference.base_value, abs=1e-12)


def test_missing_fields_are_plain_reasons(explainer: Explainer, bundle: ModelBundle) -> None:
    """An absent EXT_SOURCE_1 contributes to "No external score 1" (value None), never to
    "External credit scores low"; its attribution there is exactly the feature's own."""
    encoded, x = _rows(bundle, 400, 4)
    j = NAMES.index("EXT_SOURCE_1")
    phi = explainer.contributions(x)
    absent = np.isnan(encoded.values[:, j])
    assert absent.any()
    sums = explainer.grouper.group(phi, x, encoded.values)
    slot = [row.code for row in explainer.grouper.rows].index("R30")
    np.testing.assert_allclose(sums[absent, slot], phi[absent, j], rtol=0, atol=1e-12)
    np.testing.assert_array_equal(sums[~absent, slot], 0.0)
    for row in explainer.reasons(x, encoded, k=40):
        for reason in row:
            if reason.code == "R30":
                assert reason.text == "No external score 1"
                assert reason.values == {"EXT_SOURCE_1": None}


def test_the_employment_sentinel_is_a_value_reason(explainer: Explainer, bundle: ModelBundle) -> None:
    """DAYS_EMPLOYED = 365243 (not employed) is a given value: its attribution goes to
    "Time in current employment" with the value shown, not to "No employment length given"."""
    apps = generate(300, 5, id_start=400_000)
    apps["DAYS_EMPLOYED"] = schema.DAYS_EMPLOYED_SENTINEL
    encoded = bundle.pipeline.encode(apps)
    x = bundle.pipeline.transform_encoded(encoded)
    sums = explainer.grouper.group(explainer.contributions(x), x, encoded.values)
    codes = [row.code for row in explainer.grouper.rows]
    np.testing.assert_array_equal(sums[:, codes.index("R36")], 0.0)
    shown = [r for row in explainer.reasons(x, encoded, k=40) for r in row if r.code == "R08"]
    assert shown and all(r.values["DAYS_EMPLOYED"] == schema.DAYS_EMPLOYED_SENTINEL for r in shown)


def test_unknown_categories_and_out_of_range_values_still_get_reasons(
        explainer: Explainer, bundle: ModelBundle) -> None:
    """Unknown categories (scored as missing, shown as None) and out-of-range values get
    reasons whose sum over all groups equals the margin minus the base value."""
    apps = generate(100, 6, id_start=410_000)
    apps["OCCUPATION_TYPE"] = "Astronaut"
    apps["AMT_INCOME_TOTAL"] = 5e9
    encoded = bundle.pipeline.encode(apps)
    x = bundle.pipeline.transform_encoded(encoded)
    sums = explainer.grouper.group(explainer.contributions(x), x, encoded.values)
    margin = bundle.booster.predict(x, raw_score=True)
    np.testing.assert_allclose(sums.sum(axis=1), margin - explainer.base_value, rtol=0, atol=1e-9)
    reasons = explainer.reasons(x, encoded, k=40)
    assert all(row for row in reasons)
    for row in reasons:
        for reason in row:
            if "OCCUPATION_TYPE" in reason.values:
                assert reason.values["OCCUPATION_TYPE"] is None
            if "AMT_INCOME_TOTAL" in reason.values:
                assert reason.values["AMT_INCOME_TOTAL"] == 5e9


def test_values_are_shown_as_the_applicant_gave_them(explainer: Explainer, bundle: ModelBundle) -> None:
    """Categories are shown as their labels, integer fields as ints, absent ones as None."""
    encoded, x = _rows(bundle, 200, 7)
    seen: dict[str, set[type]] = {}
    for row in explainer.reasons(x, encoded, k=40):
        for reason in row:
            assert reason.fields == tuple(reason.values)
            for name, value in reason.values.items():
                seen.setdefault(name, set()).add(type(value))
    assert seen.get("NAME_EDUCATION_TYPE", {str}) <= {str, type(None)}
    assert seen.get("DAYS_BIRTH", {int}) <= {int, type(None)}
