"""Evidently HTML/JSON report of one window: the visual companion of our verdicts.

Evidently renders; the stored verdicts come from creditwatch's own engine. KS is requested
explicitly for numeric columns and chi-square for categorical ones (Evidently would otherwise
pick Wasserstein / Jensen-Shannon for a reference above 1,000 rows). Columns our engine
excluded (empty, constant, all missing) are left out, since Evidently refuses empty columns.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd

from creditwatch.drift.result import DriftResult

REFERENCE_ROWS = 5_000  # rendering cost grows with rows; the verdicts do not use this sample


def write_evidently_report(reference: pd.DataFrame, current: pd.DataFrame, result: DriftResult,
                           directory: Path, stem: str, *, seed: int = 0) -> tuple[Path, Path]:
    """Write ``<stem>.html`` and ``<stem>.json`` under ``directory``; return both paths."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # evidently's (and scipy's) chatter is not the user's concern
        from evidently import DataDefinition, Dataset, Report
        from evidently.presets import DataDriftPreset

        analyzed = result.analyzed
        numeric = analyzed.loc[analyzed["kind"] == "numeric", "feature"].tolist()
        categorical = analyzed.loc[analyzed["kind"] == "categorical", "feature"].tolist()
        columns = numeric + categorical
        if len(reference) > REFERENCE_ROWS:
            reference = reference.sample(REFERENCE_ROWS, random_state=seed)
        ref, cur = reference[columns].copy(), current[columns].copy()
        for frame in (ref, cur):  # one type per column, as Evidently expects
            frame[categorical] = frame[categorical].astype("string")
        definition = DataDefinition(numerical_columns=numeric, categorical_columns=categorical)
        report = Report([DataDriftPreset(num_method="ks", cat_method="chisquare")])
        snapshot = report.run(Dataset.from_pandas(cur, data_definition=definition),
                              Dataset.from_pandas(ref, data_definition=definition))
    directory.mkdir(parents=True, exist_ok=True)
    html, json_path = directory / f"{stem}.html", directory / f"{stem}.json"
    snapshot.save_html(str(html))
    snapshot.save_json(str(json_path))
    return html, json_path
