"""Reasons engine benchmark: the TreeSHAP engine against LightGBM's ``pred_contrib``.

    .venv/bin/python benchmarks/bench_explain.py [--bundle artifacts/model] [--quick]

On the served-size model (--bundle, else one trained like ``creditwatch demo``'s: 100k
synthetic rows, early stopping) and a 400-round model (--deep, else trained: learning rate
0.02, 400 rounds, the best iteration kept), for 1 row,
8 rows (a coalesced API pass) and 1,000 rows: median seconds per call of
``TreeShap.contributions`` and ``Booster.predict(pred_contrib=True)`` (LightGBM's own
threads), and of ``shap.TreeExplainer`` when shap is installed; runs interleaved. Checks the
values are equal (max abs difference) and reports the engine's build time (numba compile or
cache load, tables, warm-up).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import lightgbm as lgb
import numpy as np

from creditwatch.config import Settings
from creditwatch.explain import TreeShap, lightgbm_contributions
from creditwatch.features import FeaturePipeline
from creditwatch.model.bundle import load_bundle
from creditwatch.model.train import TrainConfig, train_model
from creditwatch.synthetic.generator import generate

from _common import interleaved_times, load_note, write_section


def _models(bundle: Path | None, deep: Path | None, rows: int) -> list[tuple[str, lgb.Booster]]:
    settings = Settings(paths={"root": Path(tempfile.mkdtemp())})
    frame = generate(rows, settings.model.seed)
    out = []
    for label, path, extra in (("served", bundle, {}),
                               ("400 rounds", deep, {"max_rounds": 400, "early_stopping": 401,
                                                     "learning_rate": 0.02})):
        if path is not None:
            out.append((label, load_bundle(path).booster))
            continue
        cfg = TrainConfig(cost_fn=settings.model.cost_fn, cost_fp=settings.model.cost_fp,
                          seed=settings.model.seed,
                          **extra)  # type: ignore[arg-type]
        out.append((label, train_model(frame, cfg).booster))
    return out


def _shap_explainer(booster: lgb.Booster) -> object | None:
    try:
        import shap
    except ImportError:
        return None
    return shap.TreeExplainer(booster)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bundle", type=Path, default=None, help="the served-size bundle")
    parser.add_argument("--deep", type=Path, default=None, help="a 400-round bundle")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--quick", action="store_true", help="20k training rows, 3 repeats")
    args = parser.parse_args()
    repeat = 3 if args.quick else args.repeat
    models = _models(args.bundle, args.deep, 20_000 if args.quick else 100_000)
    x_all = FeaturePipeline().transform(generate(1_000, 7, id_start=600_000))
    lines = ["| model | rows | engine | `pred_contrib` | speed-up | shap.TreeExplainer | "
             "max abs diff |", "|---|---:|---:|---:|---:|---:|---:|"]
    notes = []
    for label, booster in models:
        started = time.perf_counter()
        engine = TreeShap(booster)
        build = time.perf_counter() - started
        explainer = _shap_explainer(booster)
        notes.append(f"{label}: {booster.num_trees()} trees, {engine.tabled_leaves} of "
                     f"{len(engine.forest.leaf_value)} leaves tabled ({engine.table_bytes / 1e6:.1f} MB),"
                     f" engine built in {build:.2f} s")
        for n in (1, 8, 1_000):
            x = x_all[:n]
            number = {1: 200, 8: 40, 1_000: 1}[n]
            funcs = {"engine": lambda x=x, e=engine: e.contributions(x),
                     "lightgbm": lambda x=x, b=booster: lightgbm_contributions(b, x)}
            if explainer is not None:
                funcs["shap"] = lambda x=x, s=explainer: s.shap_values(x)  # type: ignore[attr-defined]
            times = interleaved_times(funcs, repeat=repeat, number=max(1, number // 4) if args.quick
                                      else number)
            diff = float(np.abs(engine.contributions(x) - lightgbm_contributions(booster, x)).max())
            cell_shap = f"{times['shap'] * 1e3:.2f} ms" if "shap" in times else "not installed"
            lines.append(f"| {label} | {n:,} | {times['engine'] * 1e3:.2f} ms | "
                         f"{times['lightgbm'] * 1e3:.2f} ms | {times['lightgbm'] / times['engine']:.1f}× | "
                         f"{cell_shap} | {diff:.1e} |")
    goal = ("Goal: engine ≥ 3× faster than `pred_contrib` at 1 and 1,000 rows with equal values "
            "(stretch 10×).")
    text = "\n".join([*lines, "", goal, "", *[f"- {note}" for note in notes], "",
                      "Median time per call, runs interleaved. `pred_contrib` uses LightGBM's "
                      "default threads; the engine splits batches of 256+ rows over the cores. "
                      + load_note()])
    print(text)
    options = [f"--{k} {v}" for k, v in (("bundle", args.bundle), ("deep", args.deep)) if v]
    command = " ".join([".venv/bin/python benchmarks/bench_explain.py", *options,
                        *(["--quick"] if args.quick else [])])
    write_section("bench_explain", command, text)


if __name__ == "__main__":
    main()
