"""Drift engine benchmark: our engine against a per-column scipy loop and Evidently 0.7.

    .venv/bin/python benchmarks/bench_drift.py [--repeats 5] [--evidently-repeats 1]
                                               [--rows 50000] [--no-evidently]

Two cases, 50 000 reference rows × 50 000 current rows each, the same frames for every
contender:

* ``schema``: ``creditwatch.synthetic.generator.generate`` (seeds 1 and 2), the 120 schema fields
  (70 numeric, 50 categorical, with the generator's real missing blocks);
* ``wide``: 250 numeric + 20 categorical columns from a simple internal generator (normal,
  skewed, heavy-tailed, discrete and rounded columns, some with missing values; string
  categories with 2-40 levels), a few columns drifted.

Contenders:

* ``scipy loop``: per numeric column ``scipy.stats.ks_2samp`` on the NaN-dropped values, per
  categorical column both ``value_counts`` and ``scipy.stats.chi2_contingency`` (what a
  hand-written monitor does; no effect sizes, no correction);
* ``compare``: ``creditwatch.drift.compare`` one-shot (reference preparation included);
* ``Reference.compare``: a ``Reference`` fitted once outside the timing, then ``.compare``;
* ``Evidently``: ``Report([DataDriftPreset(num_method="ks")]).run(current, reference)`` with
  the schema's column typing, no HTML rendering.

Runs are interleaved; each figure is the median of the runs. OpenBLAS is limited to one thread
(set before numpy loads) so that tiny matrix products do not wake idle threads on a shared
2-core machine; it applies to every contender. The section between the bench_drift markers of
benchmarks/RESULTS.md is rewritten with the command and the figures.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import warnings
from collections.abc import Callable

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # before numpy is imported

import numpy as np
import pandas as pd
from scipy import stats

from creditwatch.drift import Reference, compare
from creditwatch.schema import FIELDS
from creditwatch.synthetic.generator import generate

from _common import write_section

COMMAND = ".venv/bin/python benchmarks/bench_drift.py"


def schema_case(rows: int) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, str]]:
    names = [f.name for f in FIELDS]
    ref, cur = generate(rows, 1)[names], generate(rows, 2)[names]
    return ref, cur, {f.name: f.kind for f in FIELDS}


def wide_case(rows: int, n_num: int = 250, n_cat: int = 20
              ) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, str]]:
    """A wide frame pair; columns 0, 25, 50, ... of each kind drift in the current frame."""
    def draw(seed: int, drifted: bool) -> pd.DataFrame:
        rng = np.random.default_rng(seed)
        data: dict[str, np.ndarray] = {}
        for i in range(n_num):
            shift = 0.3 if drifted and i % 25 == 0 else 0.0
            shape = i % 6
            if shape == 0:
                x = rng.normal(shift, 1.0, rows)
            elif shape == 1:
                x = rng.lognormal(10.0 + shift, 0.8, rows)  # amounts
            elif shape == 2:
                x = rng.poisson(2.0 + shift, rows).astype(np.float64)  # counts: heavy ties
            elif shape == 3:
                x = np.round(rng.uniform(shift, 1.0 + shift, rows), 4)  # normalised, rounded
            elif shape == 4:
                x = rng.standard_t(3, rows) + shift  # heavy tails
            else:
                x = -np.round(rng.gamma(2.0, 3000.0, rows)) * (1 + shift)  # DAYS_-like
            if i % 4 == 1:
                x[rng.random(rows) < 0.1 + 0.5 * (i % 3) / 2] = np.nan
            data[f"num_{i:03d}"] = x
        for j in range(n_cat):
            k = 2 + (j * 7) % 39
            shares = np.random.default_rng(1000 + j).dirichlet(np.full(k, 0.7))
            if drifted and j % 5 == 0:
                shares = 0.7 * shares + 0.3 * np.eye(k)[0]
            levels = np.array([f"level_{j}_{v}" for v in range(k)], dtype=object)
            data[f"cat_{j:02d}"] = rng.choice(levels, size=rows, p=shares)
        return pd.DataFrame(data)

    ref, cur = draw(11, False), draw(12, True)
    kinds = {c: ("numeric" if c.startswith("num_") else "categorical") for c in ref.columns}
    return ref, cur, kinds


def scipy_loop(ref: pd.DataFrame, cur: pd.DataFrame, kinds: dict[str, str]) -> dict[str, float]:
    out: dict[str, float] = {}
    for name, kind in kinds.items():
        if kind == "numeric":
            a = ref[name].to_numpy(dtype=np.float64, na_value=np.nan)
            b = cur[name].to_numpy(dtype=np.float64, na_value=np.nan)
            a, b = a[~np.isnan(a)], b[~np.isnan(b)]
            if a.size and b.size:
                out[name] = float(stats.ks_2samp(a, b).pvalue)
        else:
            table = pd.concat([ref[name].value_counts(), cur[name].value_counts()], axis=1)
            counts = table.fillna(0).to_numpy().T
            out[name] = float(stats.chi2_contingency(counts).pvalue) if counts.shape[1] > 1 \
                else 1.0
    return out


def evidently_run(ref: pd.DataFrame, cur: pd.DataFrame, kinds: dict[str, str]) -> object:
    from evidently import DataDefinition, Dataset, Report
    from evidently.presets import DataDriftPreset

    definition = DataDefinition(
        numerical_columns=[c for c, k in kinds.items() if k == "numeric"],
        categorical_columns=[c for c, k in kinds.items() if k == "categorical"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return Report([DataDriftPreset(num_method="ks")]).run(
            Dataset.from_pandas(cur, data_definition=definition),
            Dataset.from_pandas(ref, data_definition=definition))


def timed(func: Callable[[], object]) -> float:
    start = time.perf_counter()
    func()
    return time.perf_counter() - start


def run_case(name: str, ref: pd.DataFrame, cur: pd.DataFrame, kinds: dict[str, str],
             repeats: int, ev_repeats: int) -> dict[str, object]:
    print(f"\n== {name}: {ref.shape[1]} columns, {len(ref)} x {len(cur)} rows", flush=True)
    cols = dict(kinds)
    fitted = Reference(ref, columns=cols)  # type: ignore[arg-type]
    ours = fitted.compare(cur)
    theirs = scipy_loop(ref, cur, kinds)
    numeric = ours.features[(ours.features["kind"] == "numeric") & ours.features["reason"].isna()]
    gap = max(abs(p - theirs[f]) for f, p in zip(numeric["feature"], numeric["p_value"],
                                                   strict=True))
    samples: dict[str, list[float]] = {"scipy loop": [], "compare": [], "Reference.compare": [],
                                       "Reference fit": []}
    for r in range(repeats):
        samples["scipy loop"].append(timed(lambda: scipy_loop(ref, cur, kinds)))
        samples["compare"].append(timed(lambda: compare(ref, cur, columns=cols)))  # type: ignore[arg-type]
        samples["Reference.compare"].append(timed(lambda: fitted.compare(cur)))
        samples["Reference fit"].append(timed(lambda: Reference(ref, columns=cols)))  # type: ignore[arg-type]
        print(f"  run {r + 1}/{repeats}: " + ", ".join(
            f"{k} {v[-1]:.3f}s" for k, v in samples.items()), flush=True)
    for r in range(ev_repeats):
        samples.setdefault("Evidently", []).append(timed(lambda: evidently_run(ref, cur, kinds)))
        print(f"  Evidently run {r + 1}/{ev_repeats}: {samples['Evidently'][-1]:.1f}s",
              flush=True)
    med = {k: statistics.median(v) for k, v in samples.items()}
    best = {k: min(v) for k, v in samples.items()}
    return {"name": name, "shape": (ref.shape[1], len(ref), len(cur)), "median": med,
            "best": best,
            "n": {k: len(v) for k, v in samples.items()}, "gap": gap,
            "analyzed": ours.n_features_analyzed, "drifted": ours.n_features_drifted}


def _ratio(x: float) -> str:
    return f"{x:.2g}x" if x < 1 else f"{x:.1f}x" if x < 10 else f"{x:.0f}x"


def report(results: list[dict[str, object]]) -> str:
    lines = []
    for res in results:
        med: dict[str, float] = res["median"]  # type: ignore[assignment]
        best: dict[str, float] = res["best"]  # type: ignore[assignment]
        n: dict[str, int] = res["n"]  # type: ignore[assignment]
        ncol, nref, ncur = res["shape"]  # type: ignore[misc]
        lines += [f"### {res['name']}: {ncol} columns, {nref:,} reference x {ncur:,} current rows",
                  "",
                  f"Engine: {res['analyzed']} columns analysed, {res['drifted']} drifted. "
                  f"Largest |p_ours - p_scipy| over the numeric columns: {res['gap']:.1e}.",
                  "", "| contender | median | best | runs | scipy loop / it (median, best) "
                  "| Evidently / it |", "|---|---:|---:|---:|---:|---:|"]
        for k in ("Evidently", "scipy loop", "compare", "Reference.compare", "Reference fit"):
            if k not in med:
                continue
            vs_scipy = (f"{_ratio(med['scipy loop'] / med[k])}, "
                        f"{_ratio(best['scipy loop'] / best[k])}")
            vs_ev = _ratio(med["Evidently"] / med[k]) if "Evidently" in med else "-"
            lines.append(f"| {k} | {med[k]:.3f} s | {best[k]:.3f} s | {n[k]} | {vs_scipy} "
                         f"| {vs_ev} |")
        goals = [("Reference.compare >= 5x scipy loop", med["scipy loop"] / med[
            "Reference.compare"] >= 5), ("compare >= 3x scipy loop",
                                         med["scipy loop"] / med["compare"] >= 3)]
        if "Evidently" in med:
            goals.append(("Reference.compare >= 100x Evidently",
                          med["Evidently"] / med["Reference.compare"] >= 100))
        lines += ["", "Goals (medians): " + "; ".join(f"{g} {'met' if ok else 'NOT met'}"
                                                     for g, ok in goals), ""]
    load = os.getloadavg()[0]
    lines.append(f"Load average at the end: {load:.1f} on {os.cpu_count()} cores. Above ~1 other "
                 "processes were competing and every time is inflated; runs are interleaved "
                 "so ratios suffer less, and the best-run column is the least disturbed.")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--evidently-repeats", type=int, default=1)
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--no-evidently", action="store_true")
    args = parser.parse_args(argv)
    ev = 0 if args.no_evidently else args.evidently_repeats
    results = [run_case("schema", *schema_case(args.rows), args.repeats, ev),
               run_case("wide", *wide_case(args.rows), args.repeats, ev)]
    body = report(results)
    print("\n" + body)
    command = COMMAND + ("" if argv is None or not argv else " " + " ".join(argv))
    write_section("bench_drift", command, body)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or None))
