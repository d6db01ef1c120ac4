"""Schema-faithful synthetic Home Credit applications with a known true default probability.

``generate(n_rows, seed)`` returns a frame shaped like the real ``application_train.csv``:
SK_ID_CURR, TARGET, the 120 schema fields in file order with the real pandas dtypes (object for
text, float64, int64), then ``TRUE_PD``, each row's true probability of default. TARGET is drawn
from TRUE_PD, which depends on the observed fields only (``creditwatch.synthetic.risk``).

What it reproduces (figures from the real train file): the categorical level shares; amounts
(income median ~147k, credit ~513k, goods price ~0.9 of the credit, an annuity from a 10-60
month term) and their correlations; negative DAYS_* with ages 20.5-69; the structural missing
blocks (building 47-70 %, EXT_SOURCE_1 ~56 %, EXT_SOURCE_3 ~20 %, OCCUPATION_TYPE ~31 %,
bureau 13.5 % and social circle 0.3 % together, OWN_CAR_AGE exactly when there is no car); the
DAYS_EMPLOYED=365243 sentinel with ORGANIZATION_TYPE "XNA" on exactly the pensioner and
unemployed rows (~18 %); rare XNA genders and near-constant flags. The same seed gives the same
frame; parts use independent random streams, and ``drift`` (``creditwatch.synthetic.shift``) uses
its own, so intensity 0 reproduces the clean frame exactly. A ``concept`` drift changes only
``TRUE_PD`` (and so TARGET, drawn with the same random numbers).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from creditwatch.schema import (
    DAYS_EMPLOYED_SENTINEL,
    FIELDS,
    ID_COLUMN,
    NUMERIC_FIELDS,
    TARGET_COLUMN,
    TRUE_PD_COLUMN,
)
from creditwatch.synthetic.applicant import draw_applicant
from creditwatch.synthetic.building import draw_building
from creditwatch.synthetic.context import draw_context
from creditwatch.synthetic.loan import draw_loan
from creditwatch.synthetic.risk import true_pd
from creditwatch.synthetic.shift import REFERENCE_ROWS, REFERENCE_SEED, DriftPlan, DriftSpec

FIRST_ID = 100_002  # the first SK_ID_CURR of the real train file
_STREAMS = ("applicant", "loan", "context", "building", "target")
_DTYPES = {"str": object, "float": np.float64, "int": np.int64}


def generate(n_rows: int, seed: int, drift: DriftSpec | None = None, *,
             id_start: int = FIRST_ID) -> pd.DataFrame:
    """``n_rows`` synthetic applications for ``seed``, optionally drifted (see module doc)."""
    if isinstance(n_rows, bool) or not isinstance(n_rows, int | np.integer) or n_rows < 0:
        raise ValueError(f"n_rows must be a non-negative integer; got {n_rows!r}")
    n = int(n_rows)
    plan = DriftPlan(drift, n, seed)
    children = np.random.SeedSequence(seed).spawn(len(_STREAMS))
    rng = {name: np.random.default_rng(s) for name, s in zip(_STREAMS, children, strict=True)}

    columns = draw_applicant(rng["applicant"], n, plan)
    columns.update(draw_loan(rng["loan"], n, columns))
    columns.update(draw_context(rng["context"], n, columns, plan))
    columns.update(draw_building(rng["building"], n))

    data: dict[str, np.ndarray] = {ID_COLUMN: np.arange(id_start, id_start + n, dtype=np.int64),
            TARGET_COLUMN: np.zeros(n, dtype=np.int64)}
    for f in FIELDS:
        data[f.name] = np.asarray(columns[f.name]).astype(_DTYPES[f.dtype], copy=False)
    frame = pd.DataFrame(data)
    plan.finish(frame, reference_values)
    pd_true = true_pd(frame, plan.link)
    frame[TARGET_COLUMN] = (rng["target"].random(n) < pd_true).astype(np.int64)
    frame[TRUE_PD_COLUMN] = pd_true
    return frame


@lru_cache(maxsize=1)
def _reference_sorted() -> dict[str, NDArray[np.float64]]:
    """Sorted non-missing values per numeric field (sentinel excluded) of the clean reference
    sample: the units in which a drift's SD shifts are expressed."""
    frame = generate(REFERENCE_ROWS, REFERENCE_SEED)
    out: dict[str, NDArray[np.float64]] = {}
    for name in NUMERIC_FIELDS:
        values = frame[name].to_numpy(dtype=np.float64)
        keep = ~np.isnan(values) & (values != DAYS_EMPLOYED_SENTINEL)
        out[name] = np.sort(values[keep])
    return out


def reference_values(name: str) -> NDArray[np.float64]:
    """The clean reference's sorted values of numeric field ``name``."""
    return _reference_sorted()[name]
