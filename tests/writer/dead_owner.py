"""A process that spools records, ships some of them, then dies by SIGKILL (its segment is
an orphan for the next process to replay).

    python -m tests.writer.dead_owner SPOOL_DIR N [--store URL --shipped K --commit C]
                                           [--tail TEXT] [--id-prefix P]

Writes N prediction records (request ids ``<P>-<i>``) in one segment; with ``--store`` writes
the first K of them to the store and saves the committed offset after the first C lines (C
< K: the crash came between a committed batch and its offset, so a replay re-sends K - C
records already stored); ``--tail`` appends bytes without a newline (a write cut short).
"""

from __future__ import annotations

import argparse
import os
import signal
from datetime import timedelta
from pathlib import Path

from creditwatch.spool.spool import Spool, encode_record
from creditwatch.store import Store

from tests.store.records import T0, prediction


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("spool_dir", type=Path)
    parser.add_argument("n", type=int)
    parser.add_argument("--store")
    parser.add_argument("--shipped", type=int, default=0)
    parser.add_argument("--commit", type=int, default=0)
    parser.add_argument("--tail", default="")
    parser.add_argument("--id-prefix", default="dead")
    args = parser.parse_args()
    records = [prediction(T0 + timedelta(seconds=i), request_id=f"{args.id_prefix}-{i}")
               for i in range(args.n)]
    spool = Spool(args.spool_dir)
    spool.append_many("prediction", records)
    if args.store:
        with Store(args.store) as store:
            store.write_batch(predictions=records[: args.shipped])
        offset = sum(len(encode_record("prediction", r)) for r in records[: args.commit])
        spool.segment.commit(offset)
    if args.tail:
        spool.segment.append(args.tail.encode())
    os.kill(os.getpid(), signal.SIGKILL)


if __name__ == "__main__":
    main()
