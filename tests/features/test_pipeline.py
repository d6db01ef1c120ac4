"""Feature pipeline behaviour on hand-made applications."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from creditwatch import schema
from creditwatch.features import DERIVED_FEATURES, FeaturePipeline
from creditwatch.features.encode import fit_category_maps

IDX = {name: i for i, name in enumerate([*schema.FIELD_NAMES, *DERIVED_FEATURES])}

PENSIONER = {
    "AMT_INCOME_TOTAL": 100_000.0, "AMT_CREDIT": 300_000.0, "AMT_ANNUITY": 15_000.0,
    "AMT_GOODS_PRICE": 270_000.0, "DAYS_BIRTH": -21_915, "DAYS_EMPLOYED": 365243,
    "CNT_FAM_MEMBERS": 2.0, "ORGANIZATION_TYPE": "XNA", "CODE_GENDER": "F",
    "NAME_INCOME_TYPE": "Pensioner", "EXT_SOURCE_2": 0.6, "EXT_SOURCE_3": 0.3,
}


def feature(x: np.ndarray, name: str) -> float:
    return float(x[0, IDX[name]])


def test_sentinel_becomes_missing_plus_flag() -> None:
    """DAYS_EMPLOYED=365243 becomes NaN with DAYS_EMPLOYED_ANOM=1; a real value keeps flag 0."""
    pipe = FeaturePipeline()
    x = pipe.transform(PENSIONER)
    assert math.isnan(feature(x, "DAYS_EMPLOYED"))
    assert feature(x, "DAYS_EMPLOYED_ANOM") == 1.0
    assert math.isnan(feature(x, "EMPLOYED_AGE_RATIO"))
    worker = {**PENSIONER, "DAYS_EMPLOYED": -2000}
    x = pipe.transform(worker)
    assert feature(x, "DAYS_EMPLOYED_ANOM") == 0.0
    assert feature(x, "EMPLOYED_AGE_RATIO") == pytest.approx(2000 / 21_915)


def test_domain_ratios_match_hand_computation() -> None:
    """Ratios and EXT_SOURCE aggregates equal a hand computation, NaN-aware."""
    x = FeaturePipeline().transform(PENSIONER)
    assert feature(x, "CREDIT_INCOME_RATIO") == pytest.approx(3.0)
    assert feature(x, "ANNUITY_INCOME_RATIO") == pytest.approx(0.15)
    assert feature(x, "CREDIT_TERM") == pytest.approx(0.05)
    assert feature(x, "GOODS_CREDIT_RATIO") == pytest.approx(0.9)
    assert feature(x, "CREDIT_GOODS_DIFF") == pytest.approx(30_000.0)
    assert feature(x, "INCOME_PER_PERSON") == pytest.approx(50_000.0)
    assert feature(x, "AGE_YEARS") == pytest.approx(21_915 / 365.25)
    assert feature(x, "EXT_SOURCE_MEAN") == pytest.approx(0.45)
    assert feature(x, "EXT_SOURCE_MIN") == pytest.approx(0.3)
    assert feature(x, "EXT_SOURCE_MAX") == pytest.approx(0.6)
    assert feature(x, "EXT_SOURCE_STD") == pytest.approx(np.std([0.6, 0.3]))
    assert feature(x, "EXT_SOURCE_NAN_COUNT") == 1.0
    assert feature(x, "EXT_SOURCE_PROD") == pytest.approx(0.45 * 0.6 * 0.3)


def test_zero_denominators_and_all_missing_ext_give_nan_not_inf() -> None:
    """A zero income or no EXT_SOURCE at all yields NaN features, never inf or an error."""
    x = FeaturePipeline().transform({"AMT_INCOME_TOTAL": 0.0, "AMT_CREDIT": 1000.0})
    assert math.isnan(feature(x, "CREDIT_INCOME_RATIO"))
    assert math.isnan(feature(x, "EXT_SOURCE_MEAN"))
    assert feature(x, "EXT_SOURCE_NAN_COUNT") == 3.0
    assert not np.isinf(x).any()


def test_xna_is_missing_and_unknown_category_is_counted() -> None:
    """'XNA' is a missing value; an unseen open category is missing and counted, not an error."""
    pipe = FeaturePipeline()
    enc = pipe.encode({**PENSIONER, "OCCUPATION_TYPE": "Astronaut"})
    org, occ = schema.FIELD_NAMES.index("ORGANIZATION_TYPE"), schema.FIELD_NAMES.index("OCCUPATION_TYPE")
    assert math.isnan(enc.values[0, org]) and not enc.unknown[0, org]
    assert math.isnan(enc.values[0, occ]) and enc.unknown[0, occ]
    assert enc.unknown.sum() == 1


def test_xna_outside_a_closed_set_is_an_unknown_level_on_both_paths() -> None:
    """'XNA' where a closed set does not list it (FLAG_OWN_CAR) is an unknown level, not a
    missing value, for dicts and DataFrames alike; where the set lists it (CODE_GENDER) or
    the set is open (NAME_TYPE_SUITE), it stays a missing value."""
    row = {**PENSIONER, "FLAG_OWN_CAR": "XNA", "CODE_GENDER": "XNA", "NAME_TYPE_SUITE": "XNA"}
    pipe = FeaturePipeline()
    for enc in (pipe.encode(row), pipe.encode(pd.DataFrame([row]))):
        unknown = {schema.FIELD_NAMES[i] for i in np.flatnonzero(enc.unknown[0])}
        assert unknown == {"FLAG_OWN_CAR"}
        assert np.isnan(enc.values[0, [IDX["FLAG_OWN_CAR"], IDX["CODE_GENDER"],
                                       IDX["NAME_TYPE_SUITE"]]]).all()


def test_training_levels_never_extend_a_closed_set() -> None:
    """A training frame's extra level of a closed set (CODE_GENDER "U") is not added to the
    mapping: a closed set's codes are exactly the levels validation accepts."""
    frame = pd.DataFrame({"CODE_GENDER": ["F", "U"], "NAME_TYPE_SUITE": ["Family", "Neighbour"]})
    maps = fit_category_maps(frame)
    assert maps["CODE_GENDER"] == ["F", "M"]
    assert maps["NAME_TYPE_SUITE"][-1] == "Neighbour"


def test_nan_and_infinity_numbers_are_missing_and_flagged() -> None:
    """A float NaN is a missing value; Infinity or a non-number string is flagged as unknown."""
    enc = FeaturePipeline().encode({"EXT_SOURCE_1": float("inf"), "EXT_SOURCE_2": float("nan"),
                                    "AMT_CREDIT": "lots", "CODE_GENDER": 1, "FLAG_MOBIL": True})
    names = [schema.FIELD_NAMES[i] for i in np.flatnonzero(enc.wrong_type[0])]
    assert sorted(names) == ["AMT_CREDIT", "CODE_GENDER", "EXT_SOURCE_1", "FLAG_MOBIL"]
    assert not enc.unknown.any()
    assert np.isnan(enc.values).all()


def test_frame_and_records_paths_give_identical_matrices() -> None:
    """A DataFrame and the same rows as dicts encode to the same matrix, bit for bit."""
    rows = [PENSIONER, {**PENSIONER, "DAYS_EMPLOYED": -100, "CODE_GENDER": "M",
                        "ORGANIZATION_TYPE": "Bank", "NAME_TYPE_SUITE": "Spouse, partner"},
            {"AMT_CREDIT": 45_000.0}]
    pipe = FeaturePipeline()
    frame = pd.DataFrame(rows)
    a, b = pipe.transform(frame), pipe.transform(rows)
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(pipe.transform(rows[1]), b[1:2])


def test_category_mapping_is_stable_and_extends_with_new_training_levels() -> None:
    """Codes follow schema order, then extra training levels sorted, whatever the row order."""
    frame = pd.DataFrame({"OCCUPATION_TYPE": ["Zookeepers", "Laborers", "Acrobats", None]})
    maps = fit_category_maps(frame)
    maps_shuffled = fit_category_maps(frame.iloc[::-1])
    assert maps == maps_shuffled
    assert maps["OCCUPATION_TYPE"][:18] == list(schema.OCCUPATION_TYPES)
    assert maps["OCCUPATION_TYPE"][18:] == ["Acrobats", "Zookeepers"]
    assert "XNA" not in maps["ORGANIZATION_TYPE"]


def test_records_flag_each_wrong_type_and_accept_numpy_scalars() -> None:
    """In dicts, bools and strings in numeric fields are flagged one by one and left missing;
    numpy scalars are numbers; a number in a category field is flagged too."""
    row = {**PENSIONER, "AMT_CREDIT": True, "AMT_ANNUITY": "12", "CNT_FAM_MEMBERS": np.int64(3),
           "AMT_GOODS_PRICE": np.float64(1.5), "CODE_GENDER": 1, "DAYS_BIRTH": [1]}
    enc = FeaturePipeline().encode([row, PENSIONER])
    flagged = {schema.FIELD_NAMES[i] for i in np.flatnonzero(enc.wrong_type[0])}
    assert flagged == {"AMT_CREDIT", "AMT_ANNUITY", "CODE_GENDER", "DAYS_BIRTH"}
    assert not enc.wrong_type[1].any()
    assert feature(enc.values, "CNT_FAM_MEMBERS") == 3.0
    assert feature(enc.values, "AMT_GOODS_PRICE") == 1.5
    assert all(math.isnan(feature(enc.values, name)) for name in flagged)
