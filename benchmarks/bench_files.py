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

``--replay`` measures ``simulate --from-file`` instead (its own section, ``bench_files_replay``):
the train file replayed through ``/predict-batch`` into a fresh server (``creditwatch serve``,
embedded SQLite store; its model trained on a separate 20,000-row file, as the model's size
does not change what the client holds), once in file order and once ``--shuffle``, and the
file's first 100,000 rows in file order (the client's peak should not follow the file's
size), each against its own fresh server. The client's time and peak RSS come from ``/usr/bin/time -v``,
the server's peak RSS from its ``VmHWM``. ``--file PATH`` reuses a written train file.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from creditwatch.synthetic.kaggle import TEST_ROWS, TRAIN_ROWS

from _common import load_note, write_section

GIB = 1024**3
PREFIX_ROWS = 100_000  # --replay: also a file of the train file's first rows (memory vs size)


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


def serving(root: Path, port: int) -> subprocess.Popen[bytes]:
    """``creditwatch serve`` on ``root`` (one worker, in this process tree), once healthy."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CREDITWATCH_")}
    env.pop("DATABASE_URL", None)
    env["CREDITWATCH_ROOT"] = str(root)
    with open(root / "server.log", "ab") as log:
        proc = subprocess.Popen([sys.executable, "-m", "creditwatch.cli.main", "serve", "--port",
                                 str(port)], cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=5).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.5)
    proc.kill()
    raise SystemExit(f"server did not become healthy: see {root / 'server.log'}")


def peak_rss(pid: int) -> int:
    """A live process's peak resident set size (VmHWM) in bytes."""
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+) kB", status)[1]) * 1024


def replay_main(rows: int, file: Path | None) -> None:
    py = sys.executable
    cli = [py, "-m", "creditwatch.cli.main"]
    with tempfile.TemporaryDirectory(prefix="bench_replay_") as tmp:
        work = Path(tmp)
        train = file or work / "application_train.csv"
        if file is None:
            measured([py, "-c", "from creditwatch.synthetic.kaggle import write_kaggle_file; "
                      f"write_kaggle_file({str(train)!r}, {rows}, seed=1)"], work)
        small, bundle = work / "small.csv", work / "bundle"
        measured([py, "-c", "from creditwatch.synthetic.kaggle import write_kaggle_file; "
                  f"write_kaggle_file({str(small)!r}, 20000, seed=2)"], work)
        measured([*cli, "train", "--data", str(small), "--out", str(bundle),
                  "--no-fairness-report"], work)
        table = ["| replay | wall time | client peak RSS | server peak RSS | output |",
                 "|---|---:|---:|---:|---|"]
        loads = []
        prefix = work / "application_train_100k.csv"  # the same rows, a third of the file
        with train.open("rb") as src, prefix.open("wb") as dst:
            for _, line in zip(range(PREFIX_ROWS + 1), src, strict=False):
                dst.write(line)
        contenders = ((f"file order, first {PREFIX_ROWS:,} rows", prefix, []),
                      ("file order", train, []),
                      ("--shuffle --seed 1", train, ["--shuffle", "--seed", "1"]))
        for n_run, (name, path, extra) in enumerate(contenders):
            root = work / f"run{n_run}"
            shutil.copytree(bundle, root / "artifacts" / "model")
            port = 8700 + len(table)
            server = serving(root, port)
            try:
                args = [*cli, "simulate", "--from-file", str(path), "--api-url",
                        f"http://127.0.0.1:{port}", "--endpoint", "batch", "--batch-size",
                        "10000", "--batch-interval", "1d", "--timeout", "300", *extra]
                seconds, rss, last = measured(args, root)
                server_rss = peak_rss(server.pid)
            finally:
                server.terminate()
                server.wait(timeout=120)
            loads.append(os.getloadavg()[0])
            print(f"{name}: {seconds:.1f} s, client {rss / GIB:.2f} GiB, server "
                  f"{server_rss / GIB:.2f} GiB ({last})", flush=True)
            table.append(f"| {name} | {seconds:.1f} s | {rss / GIB:.2f} GiB | "
                         f"{server_rss / GIB:.2f} GiB | {last.replace('|', '/')[:90]} |")
        size = train.stat().st_size / 1e6
        n = sum(1 for _ in train.open("rb")) - 1
    command = (".venv/bin/python benchmarks/bench_files.py --replay"
               + (" --file application_train.csv" if file else ""))
    body = (f"`creditwatch simulate --from-file` on a synthetic `application_train.csv` in the "
            f"Kaggle format: {n:,} rows x 122 columns, {size:.0f} MB, through `/predict-batch` "
            "(`--endpoint batch --batch-size 10000 --batch-interval 1d`, default `--chunk-rows` "
            "50,000) into a fresh `creditwatch serve` (one worker, embedded SQLite) each run. "
            "One run each, measured by `/usr/bin/time -v` (client) and `VmHWM` (server). Load "
            f"average after each run: {', '.join(f'{x:.1f}' for x in loads)}. {load_note()}\n\n"
            + "\n".join(table))
    write_section("bench_files_replay", command, body)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=TRAIN_ROWS)
    parser.add_argument("--replay", action="store_true",
                        help="measure simulate --from-file instead (see the module docstring)")
    parser.add_argument("--file", type=Path, default=None,
                        help="--replay: a train file already written (else one is written)")
    parsed = parser.parse_args()
    if parsed.replay:
        replay_main(parsed.rows, parsed.file)
        return
    rows = parsed.rows
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
