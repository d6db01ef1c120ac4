"""NannyML 0.13 CBPE + PerformanceCalculator on exported windows (runs in its own virtualenv).

    benchmarks/.venv-nannyml/bin/python benchmarks/_nannyml_cbpe.py DIR CHUNK [REPEAT]

Reads DIR/reference.parquet and DIR/analysis.parquet (columns p, pred, y; analysis rows in
window order), fits CBPE (isotonic calibration, NannyML's default) and the realized
PerformanceCalculator on the reference, and writes DIR/nannyml.json: per chunk the estimated
ROC AUC, its confidence boundaries (NannyML's ±3 sampling errors), the realized ROC AUC, and
the seconds each step took. CHUNK is a number of rows per window, or a pandas period (``D``:
one chunk per calendar day of the analysis' timestamp column ``t``). With REPEAT > 1 the
three steps run that many times and ``runs`` lists each run's seconds (``seconds``: the
last). Usage analytics are disabled before NannyML is imported (NML_DISABLE_USAGE_LOGGING,
read by nannyml/usage_logging.py).
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

os.environ["NML_DISABLE_USAGE_LOGGING"] = "1"  # before the import: no usage events sent

import nannyml as nml
import pandas as pd


def main(directory: Path, chunk: str, repeat: int = 1) -> None:
    reference = pd.read_parquet(directory / "reference.parquet")
    analysis = pd.read_parquet(directory / "analysis.parquet")
    common: dict[str, Any] = {"y_pred_proba": "p", "y_pred": "pred", "y_true": "y",
                              "problem_type": "classification_binary", "metrics": ["roc_auc"]}
    if chunk.isdigit():
        common["chunk_size"] = int(chunk)
    else:
        common.update(chunk_period=chunk, timestamp_column_name="t")
        reference = reference.assign(t=analysis["t"].iloc[0])  # the reference is one chunk
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        cbpe = nml.CBPE(**common).fit(reference)
        fitted = time.perf_counter()
        estimated = cbpe.estimate(analysis.drop(columns=["y"])).filter(
            period="analysis").to_df()
        done = time.perf_counter()
        calc = nml.PerformanceCalculator(**common).fit(reference)
        realized = calc.calculate(analysis).filter(period="analysis").to_df()
        end = time.perf_counter()
        runs.append({"cbpe_fit": fitted - start, "cbpe_estimate": done - fitted,
                     "realized": end - done})
    out = {
        "estimate": estimated[("roc_auc", "value")].tolist(),
        "lower": estimated[("roc_auc", "lower_confidence_boundary")].tolist(),
        "upper": estimated[("roc_auc", "upper_confidence_boundary")].tolist(),
        "realized": realized[("roc_auc", "value")].tolist(),
        "seconds": runs[-1], "runs": runs,
        "version": nml.__version__,
    }
    (directory / "nannyml.json").write_text(json.dumps(out))


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 1)
