"""Scoring benchmark: the Scorer against a raw ``Booster.predict`` on the same rows.

    .venv/bin/python benchmarks/bench_scoring.py [--bundle artifacts/model]

* single application: ``Scorer.score_one(dict)`` (validation-free encoding, features,
  quality, prediction) against ``Booster.predict`` on the already-built 1-row matrix;
* batch of 1k and 100k rows: ``Scorer.score(DataFrame)`` rows/s against ``Booster.predict``
  on the already-built feature matrix, and with compiled trees (lleaves) when installed.

Without --bundle it trains a 500-tree model (--trees; 100k synthetic rows, no early stopping)
into a temporary folder.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np

from creditwatch.config import Settings
from creditwatch.model.bundle import ModelBundle, load_bundle
from creditwatch.model.train import TrainConfig, train_model
from creditwatch.scoring import Scorer
from creditwatch.synthetic.generator import generate

from _common import interleaved_times, load_note, write_section


def _bundle(path: Path | None, settings: Settings, trees: int) -> ModelBundle:
    if path is not None:
        return load_bundle(path)
    # A fixed number of trees (no early stopping), so the comparison is at the model size
    # the issue measured (500 trees); the demo's early-stopped model is much smaller.
    frame = generate(100_000, 42)
    cfg = TrainConfig(cost_fn=settings.model.cost_fn, cost_fp=settings.model.cost_fp, max_rounds=trees,
                      early_stopping=trees + 1, learning_rate=0.02)
    return train_model(frame, cfg)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bundle", type=Path, default=None)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--trees", type=int, default=500, help="trees of the trained model")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp())
    settings = Settings(paths={"root": tmp})
    bundle = _bundle(args.bundle, settings, args.trees)
    booster = bundle.booster
    scorer = Scorer(bundle, settings)
    apps = generate(100_000, 7, id_start=600_000)
    features = bundle.pipeline.transform(apps)
    lines = [f"Model: {booster.num_trees()} trees, {booster.num_feature()} features.", ""]

    # single application
    rows = apps.drop(columns=["SK_ID_CURR", "TARGET", "TRUE_PD"]).iloc[:200]
    records = [{k: v for k, v in r.items() if v == v} for r in rows.to_dict("records")]
    x1 = [features[i : i + 1] for i in range(200)]
    state = {"i": 0}

    def one_scorer() -> None:
        state["i"] = (state["i"] + 1) % 200
        scorer.score_one(records[state["i"]])

    def one_booster() -> None:
        state["i"] = (state["i"] + 1) % 200
        booster.predict(x1[state["i"]])

    single = interleaved_times({"scorer": one_scorer, "booster": one_booster},
                               repeat=args.repeat, number=2000)
    t_scorer, t_booster = single["scorer"] * 1e6, single["booster"] * 1e6
    same = all(abs(scorer.score_one(records[i])["probability"] - booster.predict(x1[i])[0]) < 1e-12
               for i in range(200))
    lines += [
        "### One application (µs per call, lower is better)", "",
        "| contender | µs/call | ratio to booster |", "|---|---:|---:|",
        f"| raw `Booster.predict` (1-row matrix, features prebuilt) | {t_booster:.1f} | 1.00 |",
        f"| `Scorer.score_one(dict)` (encode + features + quality + predict) | {t_scorer:.1f} | "
        f"{t_scorer / t_booster:.2f} |", "",
        f"Goal: Scorer ≤ 2× booster → {'met' if t_scorer <= 2 * t_booster else 'NOT met'}. "
        f"Probabilities identical: {same}.", "",
    ]

    # batches
    compiled: Scorer | None = None
    try:
        compiled = Scorer(bundle, Settings(paths={"root": tmp}, model={"compiled_trees": True}))
    except Exception as exc:  # noqa: BLE001 - the benchmark reports why compiled is absent
        print(f"compiled trees unavailable: {exc}", file=sys.stderr)
    lines += ["### Batches (rows/s, higher is better)", "",
              "| rows | raw `Booster.predict` | `Scorer.score(DataFrame)` | ratio | "
              "Scorer + compiled trees | ratio | max abs diff |", "|---:|---:|---:|---:|---:|---:|---:|"]
    for n in (1_000, 100_000):
        frame, x = apps.iloc[:n], features[:n]
        repeat = args.repeat if n <= 1_000 else max(3, args.repeat // 2)
        number = 20 if n <= 1_000 else 1
        funcs = {"booster": lambda x=x: booster.predict(x), "scorer": lambda f=frame: scorer.score(f)}
        if compiled is not None:
            funcs["compiled"] = lambda f=frame: compiled.score(f)
        times = interleaved_times(funcs, repeat=repeat, number=number)
        rb, rs = n / times["booster"], n / times["scorer"]
        cell_c = cell_r = cell_d = "n/a"
        if compiled is not None:
            rc = n / times["compiled"]
            diff = float(np.max(np.abs(compiled.score(frame).probability - booster.predict(x))))
            cell_c, cell_r, cell_d = f"{rc:,.0f}", f"{rc / rb:.2f}", f"{diff:.1e}"
        lines.append(f"| {n:,} | {rb:,.0f} | {rs:,.0f} | {rs / rb:.2f} | {cell_c} | {cell_r} | {cell_d} |")
    lines += ["", "Runs of the contenders are interleaved; each figure is a median. " + load_note()]
    text = "\n".join(lines)
    print(text)
    write_section("bench_scoring", ".venv/bin/python benchmarks/bench_scoring.py",
                  text)


if __name__ == "__main__":
    main()
