"""Time and peak memory of the file-reading commands on a full-size file in the Kaggle format.

Writes a synthetic ``application_train.csv`` of 307,511 rows x 122 columns and an
``application_test.csv`` of 48,744 rows (a sudden shift, so drift has something to find) with
``creditwatch.synthetic.kaggle``, then runs, each in its own process under ``/usr/bin/time -v``
(wall time and maximum resident set size):

- ``train`` on the train file (``--no-fairness-report``: one model, not three);
- ``score`` of the train file (chunked, 50,000 rows at a time);
- ``drift compare`` train -> test (both read in chunks into seeded samples).

One run each (a run takes minutes); the wall times are inflated when the load is high.
Usage: ``.venv/bin/python benchmarks/bench_files.py [--rows N]``.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from creditwatch.synthetic.kaggle import TEST_ROWS, TRAIN_ROWS

from _common import load_note, write_section

GIB = 1024**3


def measured(args: list[str], root: Path) -> tuple[float, int, str]:
    """Wall seconds, peak RSS in bytes and the summary line of one command's output."""
    env = {**os.environ, "CREDITWATCH_ROOT": str(root)}
    env.pop("DATABASE_URL", None)
    done = subprocess.run(["/usr/bin/time", "-v", *args], env=env, capture_output=True,
                          text=True, check=False)
    if done.returncode not in (0, 2):  # 2: drift compare's ALERT
        raise SystemExit(f"{args} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)[1]) * 1024
    clock = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)", done.stderr)[1]
    seconds = 0.0
    for part in clock.split(":"):
        seconds = seconds * 60 + float(part)
    lines = done.stdout.strip().splitlines() or [""]
    verdict = [line for line in lines if "→" in line]  # drift compare's summary line
    return seconds, rss, (verdict or lines)[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=TRAIN_ROWS)
    rows = parser.parse_args().rows
    py = sys.executable
    cli = [py, "-m", "creditwatch.cli.main"]
    with tempfile.TemporaryDirectory(prefix="bench_files_") as tmp:
        root = Path(tmp)
        train, test = root / "application_train.csv", root / "application_test.csv"
        bundle = root / "bundle"
        steps = {
            f"write train file ({rows:,} rows)": [py, "-c", (
                "from creditwatch.synthetic.kaggle import write_kaggle_file; "
                f"write_kaggle_file({str(train)!r}, {rows}, seed=1)")],
            f"write test file ({TEST_ROWS:,} rows, sudden:0.5)": [py, "-c", (
                "from creditwatch.synthetic.kaggle import write_kaggle_file; "
                "from creditwatch.synthetic import DriftSpec; "
                f"write_kaggle_file({str(test)!r}, {TEST_ROWS}, seed=9_000, target=False, "
                "drift=DriftSpec.parse('sudden:0.5'), id_start=500_000)")],
            "creditwatch train --no-fairness-report": [
                *cli, "train", "--data", str(train), "--out", str(bundle), "--no-fairness-report"],
            "creditwatch score": [*cli, "score", "--data", str(train), "--model", str(bundle),
                                  "--out", str(root / "scores.parquet")],
            "creditwatch drift compare": [*cli, "drift", "compare", str(train), str(test),
                                          "--model", str(bundle)],
        }
        table = ["| step | wall time | peak RSS | output |", "|---|---:|---:|---|"]
        for name, args in steps.items():
            seconds, rss, last = measured(args, root)
            print(f"{name}: {seconds:.1f} s, {rss / GIB:.2f} GiB", flush=True)
            table.append(f"| {name} | {seconds:.1f} s | {rss / GIB:.2f} GiB | "
                         f"{last.replace('|', '/')[:110]} |")
        size = train.stat().st_size / 1e6
    body = (f"A synthetic `application_train.csv` in the Kaggle format: {rows:,} rows x 122 "
            f"columns, {size:.0f} MB. One run of each step in its own process, measured by "
            f"`/usr/bin/time -v`. {load_note()}\n\n" + "\n".join(table))
    write_section("bench_files", ".venv/bin/python benchmarks/bench_files.py", body)


if __name__ == "__main__":
    main()
