"""Reason drift: which reasons drive refusals in a window, against the training reference.

The *mix* of a set of refusals is, per reason code, the share of the refused applications
that were given that reason (among their top ``k``): a refusal gives up to ``k`` reasons, so
the shares do not add up to 1. The window's mix is read from the reasons stored with its
refused predictions; the reference mix is computed from the bundle's reference sample with
the same engine, the same threshold and the same ``k``, once per process and bundle (kept
in memory, not stored: about a second for the 5,000-row sample), so it always matches the
served model and the reason table of this release.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from creditwatch.explain.codes import REASON_CODES
from creditwatch.explain.explainer import Explainer
from creditwatch.explain.reasons import DEFAULT_REASONS
from creditwatch.model.bundle import ModelBundle

if TYPE_CHECKING:
    from creditwatch.store import Store

MIX_COLUMNS = ["code", "text", "share", "reference_share", "difference", "n", "n_reference"]
_TEXT = {row.code: row.text for row in REASON_CODES}
_REFERENCE: dict[tuple[str, int], tuple[pd.Series, int]] = {}


def code_shares(codes: pd.Series, refusals: pd.Series) -> pd.Series:
    """Per code, the share of the refusals (ids in ``refusals``, one per reason in
    ``codes``) that cite it; refusals counted once per code."""
    n = refusals.nunique()
    if n == 0:
        return pd.Series(dtype=float)
    cited = pd.DataFrame({"code": codes.to_numpy(), "id": refusals.to_numpy()})
    return cited.drop_duplicates().groupby("code")["id"].size() / n


def reference_mix(bundle: ModelBundle, k: int = DEFAULT_REASONS,
                  explainer: Explainer | None = None) -> tuple[pd.Series, int]:
    """(share per code, number of refusals) of the bundle's reference sample scored with
    the bundle's threshold; computed once per process, bundle version and ``k``."""
    key = (bundle.version, k)
    if key not in _REFERENCE:
        encoded = bundle.pipeline.encode(bundle.reference)
        x = bundle.pipeline.transform_encoded(encoded)
        p = np.asarray(bundle.booster.predict(x))
        refused = np.flatnonzero(p >= bundle.threshold)
        explainer = explainer or Explainer.from_bundle(bundle)
        reasons = explainer.reasons(x[refused], encoded.values[refused], k)
        codes = pd.Series([r.code for rs in reasons for r in rs], dtype=object)
        ids = pd.Series([i for i, rs in enumerate(reasons) for _ in rs], dtype=int)
        shares = code_shares(codes, ids) * len({*ids}) / max(len(refused), 1)
        _REFERENCE[key] = (shares, len(refused))
    return _REFERENCE[key]


def reason_mix(store: Store, bundle: ModelBundle, start: datetime | None,
               end: datetime | None, k: int = DEFAULT_REASONS) -> tuple[pd.DataFrame, int]:
    """The window's reason mix beside the reference's: one row per code seen in either
    (MIX_COLUMNS; shares in [0, 1], difference = share - reference share), largest share
    first, then code; and the number of refusals with reasons in the window."""
    stored = store.read_reasons(start, end, decision="REFUSED")
    stored = stored[stored["rank"] <= k]
    shares = code_shares(stored["code"], stored["prediction_id"])
    counts = stored.drop_duplicates(["code", "prediction_id"])["code"].value_counts()
    ref, n_ref = reference_mix(bundle, k)
    codes = sorted({*shares.index, *ref.index})
    frame = pd.DataFrame({"code": codes})
    frame["text"] = [_TEXT.get(c, c) for c in codes]
    frame["share"] = [float(shares.get(c, 0.0)) for c in codes]
    frame["reference_share"] = [float(ref.get(c, 0.0)) for c in codes]
    frame["difference"] = frame["share"] - frame["reference_share"]
    frame["n"] = [int(counts.get(c, 0)) for c in codes]
    frame["n_reference"] = [round(float(ref.get(c, 0.0)) * n_ref) for c in codes]
    frame = frame.sort_values(["share", "code"], ascending=[False, True], kind="stable")
    return frame.reset_index(drop=True)[MIX_COLUMNS], int(stored["prediction_id"].nunique())
