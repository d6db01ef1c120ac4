"""NannyML 0.13 CBPE + PerformanceCalculator on exported windows (runs in its own virtualenv).

    benchmarks/.venv-nannyml/bin/python benchmarks/_nannyml_cbpe.py DIR CHUNK_SIZE

Reads DIR/reference.parquet and DIR/analysis.parquet (columns p, pred, y; analysis rows in
window order, CHUNK_SIZE rows per window), fits CBPE (isotonic calibration, NannyML's default)
and the realized PerformanceCalculator on the reference, and writes DIR/nannyml.json: per
chunk the estimated ROC AUC, its confidence boundaries (NannyML's ±3 sampling errors), the
realized ROC AUC, and the seconds each step took. Usage analytics are disabled before NannyML
is imported (NML_DISABLE_USAGE_LOGGING, read by nannyml/usage_logging.py).
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

os.environ["NML_DISABLE_USAGE_LOGGING"] = "1"  # before the import: no usage events sent

import nannyml as nml
import pandas as pd


def main(directory: Path, chunk_size: int) -> None:
    reference = pd.read_parquet(directory / "reference.parquet")
    analysis = pd.read_parquet(directory / "analysis.parquet")
    common = {"y_pred_proba": "p", "y_pred": "pred", "y_true": "y",
              "problem_type": "classification_binary", "metrics": ["roc_auc"],
              "chunk_size": chunk_size}
    start = time.perf_counter()
    cbpe = nml.CBPE(**common).fit(reference)
    fitted = time.perf_counter()
    estimated = cbpe.estimate(analysis.drop(columns=["y"])).filter(period="analysis").to_df()
    done = time.perf_counter()
    calc = nml.PerformanceCalculator(**common).fit(reference)
    realized = calc.calculate(analysis).filter(period="analysis").to_df()
    end = time.perf_counter()
    out = {
        "estimate": estimated[("roc_auc", "value")].tolist(),
        "lower": estimated[("roc_auc", "lower_confidence_boundary")].tolist(),
        "upper": estimated[("roc_auc", "upper_confidence_boundary")].tolist(),
        "realized": realized[("roc_auc", "value")].tolist(),
        "seconds": {"cbpe_fit": fitted - start, "cbpe_estimate": done - fitted,
                    "realized": end - done},
        "version": nml.__version__,
    }
    (directory / "nannyml.json").write_text(json.dumps(out))


if __name__ == "__main__":
    main(Path(sys.argv[1]), int(sys.argv[2]))
