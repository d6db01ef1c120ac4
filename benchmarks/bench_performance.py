"""Performance estimation benchmark: our estimator against NannyML 0.13's CBPE, on the same
windows, for estimate error, band coverage and time.

    .venv/bin/python benchmarks/bench_performance.py [--windows 200] [--size 2000]
        [--bundle DIR] [--train-rows 100000] [--quick] [--no-nannyml]

Windows: ``tests.support.oracle_windows.make_windows`` (the oracle test's data): per drift kind
(clean; gradual 0.1/0.2/0.3; sudden 0.3/0.5/0.7; feature_shift 0.25/0.5/1) ``--windows``
windows of ``--size`` synthetic applications, outcomes drawn from TRUE_PD, scored by one model
trained on clean synthetic rows (``--bundle``, or trained here on ``--train-rows`` rows, as the
oracle test's fixture is). Per kind: mean |estimated − realized AUC| and the share of windows
whose band covers the realized AUC, for

* ``creditwatch``: ``performance.estimate`` (calibrator from the bundle, coverage widening from
  the window's inputs) and ``performance.realized``, window by window;
* ``NannyML CBPE``: ``nml.CBPE`` (isotonic calibration, its default; band = its confidence
  boundaries, ±3 sampling errors) fitted on a fresh clean labelled reference of the size of our
  calibration set (the bundle's validation part), and ``nml.PerformanceCalculator`` for the
  realized figures. NannyML pins lightgbm<4.6 and plotly<6, so it runs in its own virtualenv
  (``benchmarks/.venv-nannyml``, created on first use, gitignored) on windows exported to
  Parquet, with its usage analytics turned off (NML_DISABLE_USAGE_LOGGING=1).

Times are seconds for all windows of all kinds (estimate + realized, without our prediction
drift test, which CBPE has no counterpart of), fitting included. The
1M-prediction PostgreSQL case of the issue (30 daily windows through the store) belongs to the
store layer; ``run_ours`` is the per-window call it will time. The section between the
bench_performance markers of benchmarks/RESULTS.md is rewritten.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # before numpy is imported

import numpy as np
import pandas as pd

from creditwatch.config import Settings
from creditwatch.model.bundle import ModelBundle, load_bundle
from creditwatch.model.train import TrainConfig, train_model
from creditwatch.performance import PerformanceReference, estimate, realized
from creditwatch.synthetic.generator import generate

from _common import ROOT, load_note, write_section
from tests.support.oracle_windows import KindWindows, make_windows

COMMAND = ".venv/bin/python benchmarks/bench_performance.py"
NML_VENV = ROOT / "benchmarks" / ".venv-nannyml"
NML_PIN = "nannyml==0.13.1"
KINDS = ("clean", "gradual", "sudden", "feature_shift")


def get_bundle(args: argparse.Namespace) -> ModelBundle:
    if args.bundle:
        return load_bundle(args.bundle)
    settings = Settings()
    cfg = TrainConfig(cost_fn=settings.model.cost_fn, cost_fp=settings.model.cost_fp, seed=3,
                      reference_rows=20_000)
    return train_model(generate(args.train_rows, 17), cfg)


def run_ours(ref: PerformanceReference, data: KindWindows) -> pd.DataFrame:
    rows = []
    for i in range(data.n_windows):
        sl = data.window(i)
        # prediction drift (the KS test of scores) is left out: CBPE computes no such thing
        est = estimate(ref, data.scores[sl], data.inputs.iloc[sl], with_prediction_drift=False)
        real = realized(data.scores[sl], data.outcomes[sl], threshold=ref.threshold,
                        cost_fn=ref.cost_fn, cost_fp=ref.cost_fp, settings=ref.settings)
        low, high = est.auc.interval(ref.settings.band_level)
        rows.append((est.auc.value, low, high, real.auc))
    return pd.DataFrame(rows, columns=["estimate", "lower", "upper", "realized"])


def _uv() -> list[str]:
    """The uv that installed the project: ``make install`` runs ``python3 -m uv`` from the
    system Python, so uv is usually not inside ``.venv`` itself."""
    if importlib.util.find_spec("uv") is not None:
        return [sys.executable, "-m", "uv"]
    if shutil.which("uv"):
        return ["uv"]
    return ["python3", "-m", "uv"]


def ensure_nannyml_venv() -> Path | None:
    python = NML_VENV / "bin" / "python"
    if python.exists():
        return python
    try:
        uv = _uv()
        subprocess.run([*uv, "venv", "-q", str(NML_VENV), "--python",
                        f"{sys.version_info.major}.{sys.version_info.minor}"], check=True)
        subprocess.run([*uv, "pip", "install", "-q", "--python",
                        str(python), NML_PIN, "statsmodels", "pyarrow"], check=True)
    except (subprocess.CalledProcessError, FileNotFoundError) as exc:
        print(f"NannyML could not be installed: {exc}", file=sys.stderr)
        return None
    return python


def run_nannyml(python: Path, bundle: ModelBundle, windows: dict[str, KindWindows],
                n_reference: int) -> dict[str, pd.DataFrame] | None:
    ref_frame = generate(n_reference, 4242)
    p_ref = np.asarray(bundle.booster.predict(bundle.pipeline.transform(ref_frame)), dtype=float)
    out: dict[str, pd.DataFrame] = {}
    seconds = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        pd.DataFrame({"p": p_ref, "pred": (p_ref >= bundle.threshold).astype(int),
                      "y": ref_frame["TARGET"].to_numpy()}).to_parquet(directory / "reference.parquet")
        for kind, data in windows.items():
            pd.DataFrame({"p": data.scores, "pred": (data.scores >= bundle.threshold).astype(int),
                          "y": data.outcomes.astype(int)}).to_parquet(directory / "analysis.parquet")
            env = {**os.environ, "NML_DISABLE_USAGE_LOGGING": "1"}
            done = subprocess.run([str(python), str(ROOT / "benchmarks" / "_nannyml_cbpe.py"),
                                   str(directory), str(data.size)], env=env, capture_output=True,
                                  text=True)
            if done.returncode:
                print(done.stderr[-2000:], file=sys.stderr)
                return None
            result = json.loads((directory / "nannyml.json").read_text())
            seconds += sum(result["seconds"].values())
            out[kind] = pd.DataFrame({k: result[k] for k in ("estimate", "lower", "upper",
                                                             "realized")})
    out["_seconds"] = pd.DataFrame({"seconds": [seconds]})
    return out


def summarise(frame: pd.DataFrame) -> tuple[float, float]:
    err = (frame["estimate"] - frame["realized"]).abs().mean()
    covered = ((frame["lower"] <= frame["realized"]) & (frame["realized"] <= frame["upper"])).mean()
    return float(err), float(covered)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--windows", type=int, default=200)
    parser.add_argument("--size", type=int, default=2_000)
    parser.add_argument("--bundle", type=Path)
    parser.add_argument("--train-rows", type=int, default=100_000)
    parser.add_argument("--quick", action="store_true", help="20 windows per kind, 20k-row model")
    parser.add_argument("--no-nannyml", action="store_true")
    args = parser.parse_args()
    if args.quick:
        args.windows, args.train_rows = 20, 20_000
    bundle = get_bundle(args)
    windows = make_windows(bundle, windows=args.windows, size=args.size, kinds=KINDS)
    start = time.perf_counter()
    ref = PerformanceReference.from_bundle(bundle)
    ours = {kind: run_ours(ref, data) for kind, data in windows.items()}
    our_seconds = time.perf_counter() - start
    theirs = None
    if not args.no_nannyml:
        python = ensure_nannyml_venv()
        n_cal = bundle.calibrator.n_fit if bundle.calibrator is not None else 15_000
        theirs = run_nannyml(python, bundle, windows, n_cal) if python else None
    lines = ["| kind | windows | creditwatch error | creditwatch coverage | NannyML error | "
             "NannyML coverage |", "|---|---|---|---|---|---|"]
    for kind in KINDS:
        e, c = summarise(ours[kind])
        ne, nc = summarise(theirs[kind]) if theirs else (float("nan"), float("nan"))
        lines.append(f"| {kind} | {len(ours[kind])} | {e:.4f} | {c:.1%} | {ne:.4f} | {nc:.1%} |")
    n_all = sum(len(f) for f in ours.values())
    nml_seconds = float(theirs["_seconds"]["seconds"][0]) if theirs else float("nan")
    body = "\n".join([
        f"{n_all} windows of {args.size} applications ({args.windows} per kind), outcomes drawn "
        f"from TRUE_PD; model trained on {args.train_rows if not args.bundle else 'the given'} "
        "clean rows. Error: mean |estimated − realized AUC|; coverage: share of windows whose "
        "band (ours: 95 %, widened outside the reference's coverage; NannyML: ±3 sampling "
        "errors) holds the realized AUC.", "", *lines, "",
        f"Time for all windows (estimate + realized, fitting included): creditwatch "
        f"{our_seconds:.2f} s, NannyML {nml_seconds:.2f} s"
        + (f" ({nml_seconds / our_seconds:.1f}x)." if theirs else " (not run)."),
        "", load_note()])
    print(body)
    if not args.quick:
        write_section("bench_performance", " ".join([COMMAND, *sys.argv[1:]]), body)


if __name__ == "__main__":
    main()
