"""`creditwatch simulate --from-file`: a file's applications replayed through the real API."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from creditwatch.files.loader import load_applications, write_applications
from creditwatch.schema import TRUE_PD_COLUMN
from creditwatch.simulate.payloads import LazyRows, request_rows
from creditwatch.simulate.replay import _batches
from creditwatch.simulate.shuffle import shuffled, shuffled_order
from creditwatch.synthetic.generator import generate
from creditwatch.windows import Chunker

from tests.plugins.paths import FIXTURES


def cli(args: list[str], root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CREDITWATCH_ROOT": str(root), "COLUMNS": "250"}
    env.pop("DATABASE_URL", None)
    return subprocess.run([sys.executable, "-m", "creditwatch.cli.main", *args], env=env,
                          capture_output=True, text=True, timeout=600, cwd=root)


def application_file(path: Path, n: int, seed: int = 7) -> Path:
    """A file in the Kaggle layout: the real fixture rows, then ``n`` generated ones (with
    TARGET), in the fixture's column order."""
    real = pd.read_csv(FIXTURES / "application_train_sample.csv")
    made = generate(n, seed, id_start=300_000).drop(columns=[TRUE_PD_COLUMN])
    frame = pd.concat([real, made[real.columns]], ignore_index=True)
    return write_applications(frame, path)


def test_batches_are_the_same_whatever_the_chunks() -> None:
    """The file is cut into the same batches (file rows and values) whether it arrives as one
    frame or in chunks of any size (as the chunked reader gives it, indexed by file row)."""
    frame = pd.DataFrame({"x": np.arange(31) * 10})
    whole = list(_batches([frame], 4))
    pieces = [frame.iloc[a:b] for a, b in ((0, 7), (7, 10), (10, 10), (10, 31))]
    chunked = list(_batches(pieces, 4))
    assert [len(f) for _, f in whole] == [4] * 7 + [3]
    for (rows_a, a), (rows_b, b) in zip(whole, chunked, strict=True):
        assert rows_a.tolist() == rows_b.tolist() == (a["x"] // 10).tolist() == (b["x"] // 10).tolist()


@pytest.mark.parametrize("block", [1, 7, 50, 1000])
def test_lazy_rows_are_the_batch_request_rows_in_any_order(block: int) -> None:
    """A batch's rows made block by block when asked for, in any order and again after
    their block was dropped, are exactly the dicts (values and stamped times spread over the
    whole batch's window) that request_rows makes of the whole batch at once."""
    frame = generate(50, 4).set_index(pd.RangeIndex(100, 150))
    window = Chunker.latest(1, timedelta(days=1), datetime(2026, 3, 2, tzinfo=UTC))[0]
    whole = request_rows(frame, window=window)
    lazy = LazyRows(frame, window, block=block)
    order = [*range(50), *np.random.default_rng(1).permutation(50).tolist(), 0, 49, 0]
    assert len(lazy) == 50
    assert [lazy[i] for i in order] == [whole[i] for i in order]


@pytest.mark.parametrize(("chunk", "window"), [(7, 5), (31, 31), (3, 100), (10, 1)])
def test_shuffle_sends_the_seeded_permutation_a_window_at_a_time(chunk: int, window: int) -> None:
    """Shuffled, the rows come in the seed's permutation of the whole file (the row that
    comes first can be anywhere in it), whatever the chunk and window sizes; no frame holds
    more than a window of rows, and the spill folder is gone at the end."""
    frame = pd.DataFrame({"x": np.arange(31) * 10, "t": list("ab") * 15 + ["c"]})
    order = shuffled_order(31, seed=3)
    assert sorted(order.tolist()) == list(range(31)) and order.tolist() != list(range(31))
    spills_before = set(Path(tempfile.gettempdir()).glob("creditwatch-shuffle-*"))
    chunks = (frame.iloc[a:a + chunk] for a in range(0, 31, chunk))
    frames = list(shuffled(chunks, order, window))
    assert max(len(f) for f in frames) <= window
    out = pd.concat(frames)
    assert out.index.tolist() == order.tolist()
    assert (out["x"] == out.index * 10).all() and out["t"].tolist() == frame["t"].iloc[order].tolist()
    assert set(Path(tempfile.gettempdir()).glob("creditwatch-shuffle-*")) == spills_before
    batches = list(_batches(shuffled((frame.iloc[a:a + chunk] for a in range(0, 31, chunk)),
                                     order, window), 4))
    assert np.concatenate([rows for rows, _ in batches]).tolist() == order.tolist()


def test_replayed_predictions_equal_score_and_outcomes_equal_target(
        api_server: Any, bundle_dir: Path, tmp_path: Path) -> None:
    """Read 13 rows at a time and shuffled through windows of 13 (so the 120-row file
    streams in 10 chunks), every row of the file is stored once under its SK_ID_CURR, stamped
    over 3 daily windows, with the probability and decision `creditwatch score` gives the same rows;
    TARGET is not among the sent inputs; each row stamped before the run's end has its
    TARGET posted afterwards as its outcome, the others (later in today's window) are
    reported not yet due."""
    path = application_file(tmp_path / "applications.csv", 108)
    out = cli(["simulate", "--from-file", str(path), "--api-url", api_server.url,
               "--batch-size", "40", "--batch-interval", "1d", "--shuffle", "--seed", "5",
               "--outcomes-from-target", "--chunk-rows", "13"], tmp_path)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "120 of 120 sent, 120 accepted" in out.stdout
    scored = cli(["score", "--data", str(path), "--model", str(bundle_dir), "--out",
                  str(tmp_path / "scores.parquet")], tmp_path)
    assert scored.returncode == 0, scored.stderr
    api_server.stop()
    with api_server.store() as store:
        stored = store.read_predictions(columns=["id", "client_id", "probability", "decision",
                                                 "application_time", "inputs"])
        outcomes = store.read_outcomes()
    truth = load_applications(path).frame.set_index("SK_ID_CURR")
    expected = pd.read_parquet(tmp_path / "scores.parquet").set_index("SK_ID_CURR")
    got = stored.set_index("client_id").loc[expected.index]
    assert len(stored) == 120 and stored["client_id"].is_unique
    np.testing.assert_allclose(got["probability"], expected["probability"], rtol=0, atol=1e-12)
    assert (got["decision"].to_numpy() == expected["decision"].to_numpy()).all()
    assert got["application_time"].dt.floor("D").nunique() == 3
    sent_order = stored.sort_values("application_time")["client_id"].tolist()
    assert sent_order == truth.index[shuffled_order(120, 5)].tolist()
    inputs = [x if isinstance(x, dict) else json.loads(x) for x in stored["inputs"]]
    assert all("TARGET" not in x and "AMT_CREDIT" in x for x in inputs)
    ledger = next((tmp_path / "data" / "replay").glob("*.jsonl"))
    end = pd.Timestamp(json.loads(ledger.read_text().splitlines()[0])["plan"]["end"])
    due = stored.loc[stored["application_time"] <= end, "client_id"]
    assert 0 < len(due) < 120
    assert f"outcomes: {len(due)} of 120 labelled sent (stored {len(due)}), " \
           f"{120 - len(due)} not yet due" in out.stdout
    client = stored.set_index("id")["client_id"]
    labelled = outcomes.assign(client=client.loc[outcomes["prediction_id"]].to_numpy())
    assert sorted(labelled["client"]) == sorted(due)
    assert (labelled.set_index("client")["defaulted"]
            == truth.loc[labelled["client"], "TARGET"]).all()


@pytest.mark.parametrize("endpoint", ["predict", "batch"])
def test_refused_rows_are_reported_by_field(api_server: Any, tmp_path: Path,
                                            endpoint: str) -> None:
    """Rows with a negative amount, an unknown gender or an EXT_SOURCE above 1 are refused
    by the API and listed by field with their file row (counted across the chunks of 7 rows
    the file is read in); every other row is stored (on the batch endpoint too, where the
    refused request goes again without them)."""
    path = application_file(tmp_path / "applications.csv", 28)
    frame = pd.read_csv(path)
    frame.loc[3, "AMT_INCOME_TOTAL"] = -5.0
    frame.loc[[5, 20], "CODE_GENDER"] = "Q"
    frame.loc[20, "EXT_SOURCE_2"] = 1.7
    frame.to_csv(path, index=False)
    out = cli(["simulate", "--from-file", str(path), "--api-url", api_server.url,
               "--batch-size", "25", "--endpoint", endpoint, "--chunk-rows", "7"], tmp_path)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "40 of 40 sent, 37 accepted" in out.stdout
    assert "refused: CODE_GENDER: 2 row(s) refused (rows 6, 21)" in out.stdout
    assert "refused: AMT_INCOME_TOTAL: 1 row(s) refused (rows 4)" in out.stdout
    assert "refused: EXT_SOURCE_2: 1 row(s) refused (rows 21)" in out.stdout
    api_server.stop()
    with api_server.store() as store:
        clients = set(store.read_predictions(columns=["client_id"])["client_id"])
    assert clients == set(frame["SK_ID_CURR"]) - set(frame.loc[[3, 5, 20], "SK_ID_CURR"])


def test_interrupted_replay_resumes_and_stores_every_row_once(api_server: Any,
                                                              tmp_path: Path) -> None:
    """Ctrl-C (SIGINT) mid-replay (read 9 rows at a time) stops it cleanly: it says what was
    and was not sent and how to resume; `--resume` sends only the rest, and the store holds
    every row exactly once."""
    path = application_file(tmp_path / "applications.csv", 48)
    args = ["simulate", "--from-file", str(path), "--api-url", api_server.url, "--batch-size",
            "10", "--batch-interval", "1s", "--realtime", "--concurrency", "2",
            "--chunk-rows", "9"]
    env = {**os.environ, "CREDITWATCH_ROOT": str(tmp_path), "COLUMNS": "250"}
    env.pop("DATABASE_URL", None)
    proc = subprocess.Popen([sys.executable, "-m", "creditwatch.cli.main", *args], env=env,
                            cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    ledgers = tmp_path / "data" / "replay"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and proc.poll() is None:  # wait for 15 answered rows
        files = list(ledgers.glob("*.jsonl"))
        if files and len(files[0].read_text().splitlines()) > 15:
            break
        time.sleep(0.05)
    assert proc.poll() is None, "the replay ended before it could be interrupted"
    proc.send_signal(signal.SIGINT)
    first_out, first_err = proc.communicate(timeout=120)
    assert proc.returncode == 1, first_out + first_err
    assert "Traceback" not in first_err
    assert "interrupted:" in first_out and "--resume" in first_out
    sent_first = int(first_out.split("interrupted: ")[1].split(" of")[0])
    assert 15 <= sent_first < 60

    second = cli([*args, "--resume"], tmp_path)
    assert second.returncode == 0, second.stdout + second.stderr
    assert "done:" in second.stdout and "had been answered by the earlier run" in second.stdout
    api_server.stop()
    with api_server.store() as store:
        stored = store.read_predictions(columns=["client_id", "request_id"])
    assert len(stored) == 60
    assert sorted(stored["client_id"]) == sorted(pd.read_csv(path)["SK_ID_CURR"])


@pytest.mark.parametrize(("args", "message"), [
    (["--from-file", "missing.csv"], "no such file"),
    (["--from-file", "{bad}"], "cannot be replayed: 112 schema column(s) missing"),
    (["--from-file", "{badtarget}"], "cannot be replayed: TARGET: 1 value(s) not 0 or 1"),
    (["--from-file", "{badtarget}", "--chunk-rows", "2"], "(e.g. 3), first in row 3"),
    (["--from-file", "{badid}", "--chunk-rows", "4"], "SK_ID_CURR: 2 value(s) not"),
    (["--from-file", "{good}", "--resume"], "nothing to resume"),
    (["--from-file", "{good}", "--schedule", "clean*2"], "--schedule: not with --from-file"),
    (["--shuffle"], "--shuffle: only with --from-file"),
    (["--chunk-rows", "5"], "--chunk-rows: only with --from-file"),
    (["--from-file", "{nolabel}", "--outcomes-from-target"], "has no TARGET column"),
])
def test_bad_input_is_one_line_and_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    """A missing file, a file without the schema's columns or with a TARGET other than 0/1 or
    invalid ids (found in whichever chunk they are, named by file row), a resume with
    nothing to resume, and options of the other mode are refused before anything is sent:
    one line, exit 2."""
    good = application_file(tmp_path / "good.csv", 5)
    nolabel = tmp_path / "nolabel.csv"
    pd.read_csv(good).drop(columns=["TARGET"]).to_csv(nolabel, index=False)
    bad = tmp_path / "bad.csv"
    pd.read_csv(good).iloc[:, :10].to_csv(bad, index=False)
    badtarget = tmp_path / "badtarget.csv"
    pd.read_csv(good).assign(TARGET=[0, 1, 3, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0]
                             ).to_csv(badtarget, index=False)
    badid = tmp_path / "badid.csv"
    pd.read_csv(good).assign(SK_ID_CURR=lambda f: f["SK_ID_CURR"].where(
        ~f.index.isin([9, 15]), -4)).to_csv(badid, index=False)
    named = {"{good}": str(good), "{bad}": str(bad), "{nolabel}": str(nolabel),
             "{badtarget}": str(badtarget), "{badid}": str(badid)}
    out = cli(["simulate", "--api-url", "http://127.0.0.1:9", *[named.get(a, a) for a in args]],
              tmp_path)
    assert out.returncode == 2, out.stdout + out.stderr
    assert message in out.stderr and "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1, out.stderr
