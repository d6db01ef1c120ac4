"""The seeded PostgreSQL store of ``bench_performance_store``, built once and kept by name.

Seeding 1M scored predictions with their outcomes takes minutes; the timed part takes
seconds. So the bundle (trained here on 100k synthetic rows) is kept in
``benchmarks/.cache/perf_store/bundle`` (delete it to train again) and the seeded database as
``creditwatch_bench_perf_<rows>`` on the test server, marked when complete by a database
comment naming the bundle version, the row count and ``SEED_VERSION``. A later run whose
marker matches reuses it; anything else (no database, a seed interrupted half-way, another
bundle) is dropped and seeded again. ``--reseed`` forces it, ``--drop`` removes it after.

Seeding goes through the store's own write path (``Store.write_batch``: COPY into the
tables, outcome matching by request id, the audit chain entries), in batches of 50,000
predictions each with its outcome: the store holds exactly what the API and ``outcomes load``
would have written, without the refusal reasons (nothing here reads them; their explainer
was most of the seeding time) and with compact inputs (``tests.support.seed``) plus the
fields the coverage check reads (``coverage_fields``), so that check reads what it would
read from full inputs.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from psycopg import sql
from sqlalchemy import text

from creditwatch.config import Settings
from creditwatch.model.bundle import ModelBundle, load_bundle, save_bundle
from creditwatch.model.train import TrainConfig, train_model
from creditwatch.performance.reference import PerformanceReference
from creditwatch.performance.settings import PerformanceSettings
from creditwatch.scoring import Scorer
from creditwatch.store import Store, pgadmin
from creditwatch.synthetic.generator import generate

from _common import ROOT
from tests.support.seed import seed_store

CACHE = ROOT / "benchmarks" / ".cache" / "perf_store"
NOW = datetime(2026, 11, 1, tzinfo=UTC)
DAY = timedelta(days=1)
WINDOWS = 30
SEED_VERSION = 3  # bump when the seeded content changes: older databases are re-seeded
BATCH = 50_000


def cached_bundle(folder: Path = CACHE / "bundle") -> ModelBundle:
    """The benchmark's bundle: trained once as ``bench_performance`` trains its own (100k
    synthetic rows: a calibrator fitted on 15k validation rows), then reloaded."""
    if not (folder / "reference_stats.json").exists():  # written last by save_bundle
        settings = Settings(store={"url": None})
        bundle = train_model(generate(100_000, 17), TrainConfig(
            cost_fn=settings.model.cost_fn, cost_fp=settings.model.cost_fp, seed=3,
            reference_rows=20_000))
        save_bundle(bundle, folder)
    return load_bundle(folder)


def coverage_fields(bundle: ModelBundle) -> tuple[str, ...]:
    """The input fields the performance coverage check reads (kept besides the compact ones)."""
    settings = PerformanceSettings.of(Settings(store={"url": None}).performance)
    coverage = PerformanceReference.from_bundle(bundle, settings).coverage
    return () if coverage is None else coverage.fields


def database_name(rows: int) -> str:
    return f"creditwatch_bench_perf_{rows}"


def _marker(bundle: ModelBundle, rows: int) -> str:
    return f"bench_performance_store seed {SEED_VERSION}: {rows} rows, model {bundle.version}"


def _comment(admin: str, name: str) -> str | None:
    """The database's comment, or None when it does not exist (or has none)."""
    with pgadmin.connect(admin) as conn:
        row = conn.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            (name,)).fetchone()
    return None if row is None else row[0]


def seeded_database(admin: str, bundle: ModelBundle, rows: int, *, reseed: bool = False
                    ) -> tuple[str, float | None]:
    """The store URL of the seeded database and the seconds seeding took (None: reused)."""
    name = database_name(rows)
    url = pgadmin.store_url(admin, name)
    if not reseed and _comment(admin, name) == _marker(bundle, rows):
        return url, None
    pgadmin.drop_database(admin, name)
    pgadmin.create_database(admin, name)
    start = time.perf_counter()
    with Store(url) as store:
        store.upgrade()
        scorer = Scorer(bundle, Settings(store={"url": None}))
        done = seed_store(store, scorer, rows, start=NOW - WINDOWS * DAY, end=NOW, seed=3,
                          error_rate=0.0, batch=BATCH, top_k=0, compact=coverage_fields(bundle),
                          labelled=1.0,
                          reasons=False)
        assert done.predictions == rows and done.outcomes == rows, done
        with store.engine.begin() as conn:
            conn.execute(text("ANALYZE"))  # the test server runs without autovacuum
    seconds = time.perf_counter() - start
    with pgadmin.connect(admin) as conn:  # complete: mark it reusable
        conn.execute(sql.SQL("COMMENT ON DATABASE {} IS {}").format(
            sql.Identifier(name), sql.Literal(_marker(bundle, rows))))
    return url, seconds
