"""Drift between two application files (``creditwatch drift compare``): no store, no window.

The same engine as ``drift run``: a :class:`Reference` fitted on the reference file, compared
with the current file by ``Reference.compare(settings=...)`` (the same tests, corrections,
effect-size gates and verdict), weighted by the serving bundle's importances when a bundle is
given, and on request the same Evidently report (:func:`write_evidently_report`). Beside the
tests, the share of every category of every categorical field on both sides
(``FileComparison.category_shares``), so a move such as the share of revolving loans in
NAME_CONTRACT_TYPE is read directly.

Both files are read in chunks (``creditwatch.files.iter_application_chunks``), so memory stays
bounded whatever their size, into a seeded uniform sample of at most ``reference_rows`` rows
(default 20,000, what a trained bundle keeps as its reference) and ``current_rows`` rows
(default ``drift.max_rows``, what ``drift run`` compares of a window). A file within its cap is
used whole, in file order, so on the same rows ``drift compare`` gives ``drift run``'s result.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from creditwatch import schema
from creditwatch.config import Settings
from creditwatch.drift.reference import Reference
from creditwatch.drift.report import write_evidently_report
from creditwatch.drift.result import DriftResult
from creditwatch.files import iter_application_chunks

REFERENCE_ROWS = 20_000  # the size of a trained bundle's reference sample (TrainConfig)
SAMPLE_SEED = 0


@dataclass
class FileComparison:
    """The drift result of ``current`` against ``reference`` and how many rows each file had."""

    reference_path: Path
    current_path: Path
    result: DriftResult
    reference_file_rows: int
    current_file_rows: int
    category_shares: pd.DataFrame | None = None  # ``Reference.category_shares`` of the samples
    html_path: Path | None = None
    json_path: Path | None = None

    def moved_categories(self, n: int = 10) -> pd.DataFrame:
        """The category whose share moved most in each categorical field (of two equal
        moves, the larger relative to its reference share), the ``n`` fields with the
        largest such move first (feature, category, shares, change, drifted)."""
        shares = self.category_shares
        if shares is None or shares.empty:
            return pd.DataFrame(columns=["feature", "category", "reference_share",
                                         "current_share", "change", "drifted"])
        size = shares["change"].abs().fillna(0.0)
        ranked = shares.assign(  # a tie (a two-level field) goes to the larger relative move
            _size=size.round(12), _relative=size / shares["reference_share"].where(
                shares["reference_share"] > 0)).fillna({"_relative": np.inf})
        top = ranked.sort_values(["_size", "_relative"], ascending=False, kind="stable")
        top = top.drop_duplicates("feature").head(n).drop(columns=["_size", "_relative"])
        drifted = set(self.result.features.query("drifted")["feature"])
        return top.assign(drifted=top["feature"].isin(drifted)).reset_index(drop=True)


def sample_file(path: Path, rows: int, *, seed: int = SAMPLE_SEED,
                on_rows: Callable[[int], None] | None = None) -> tuple[pd.DataFrame, int]:
    """A uniform random sample of at most ``rows`` of ``path``'s applications, in file order,
    read chunk by chunk (every row when the file has no more), and the file's row count.

    Each row draws a key from one seeded stream and the ``rows`` smallest keys are kept, so
    the sample does not depend on the chunk size.
    """
    rng = np.random.default_rng(seed)
    kept: pd.DataFrame | None = None
    keys: NDArray[np.float64] = np.empty(0)
    total = 0
    for chunk in iter_application_chunks(path):
        total += len(chunk)
        chunk_keys = rng.random(len(chunk))
        kept = chunk if kept is None else pd.concat([kept, chunk])
        keys = np.concatenate([keys, chunk_keys])
        if len(kept) > rows:
            keep = np.sort(np.argpartition(keys, rows - 1)[:rows])
            kept, keys = kept.iloc[keep], keys[keep]
        if on_rows is not None:
            on_rows(len(chunk))
    if kept is None:  # a header without rows
        return pd.DataFrame(columns=list(schema.FIELD_NAMES)), 0
    return kept, total


def bundle_importances(directory: Path) -> dict[str, float] | None:
    """The gain importances of the raw fields in the bundle at ``directory`` (what weights
    ``drift run``'s score); None when there is no loadable bundle there."""
    from creditwatch.errors import CreditwatchError
    from creditwatch.model.bundle import load_bundle

    try:
        bundle = load_bundle(directory)
    except CreditwatchError:
        return None
    return {name: bundle.importances.get(name, 0.0) for name in schema.FIELD_NAMES}


def compare_files(reference: Path, current: Path, settings: Settings, *,
                  reference_rows: int | None = None, current_rows: int | None = None,
                  importances: Mapping[str, float] | None = None, html: Path | None = None,
                  on_rows: Callable[[int], None] | None = None) -> FileComparison:
    """Drift of the ``current`` file against the ``reference`` file (see the module doc);
    ``html``: also write the Evidently report there (and its JSON beside it)."""
    ref, n_ref = sample_file(reference, reference_rows or REFERENCE_ROWS, on_rows=on_rows)
    cur, n_cur = sample_file(current, current_rows or settings.drift.max_rows, on_rows=on_rows)
    fitted = Reference(ref, columns=list(schema.FIELD_NAMES), importances=importances)
    result = fitted.compare(cur, settings=settings)
    out = FileComparison(reference, current, result, n_ref, n_cur,
                         category_shares=fitted.category_shares(cur))
    if html is not None and result.n_features_analyzed and len(cur):
        out.html_path, out.json_path = write_evidently_report(ref, cur, result, html.parent,
                                                              html.name.removesuffix(".html"))
    return out
