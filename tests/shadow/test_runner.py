"""The shadow runner on its own: real bundles, a real spool and store, its real thread."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from creditwatch.config import Settings
from creditwatch.model.bundle import ModelBundle
from creditwatch.registry.pointers import CHALLENGER, set_pointer
from creditwatch.schema.rows import validate
from creditwatch.scoring import Scorer
from creditwatch.shadow import Shadow, sampled
from creditwatch.spool import Spool
from creditwatch.store import Store
from creditwatch.writer import BackgroundWriter

from tests.api.applications import applications
from tests.shadow.bundles import corrupt, install, own_pipeline, raising


class Rig:
    """A Shadow on a fresh project folder, its spool shipped to an embedded store."""

    def __init__(self, root: Path, champion: ModelBundle, **settings: object) -> None:
        self.settings = Settings(paths={"root": root}, store={"url": None}, **settings)
        self.artifacts = self.settings.paths.artifacts
        self.champion = Scorer(champion, self.settings)
        self.spool = Spool(self.settings.spool_dir)
        self.store = Store.from_settings(self.settings)
        self.writer = BackgroundWriter(self.spool, self.store)
        self.events: list[tuple[str, int]] = []
        self.shadow = Shadow(self.settings, self.spool, poll_s=0.05,
                             count=lambda e, n: self.events.append((e, n)))

    def send(self, rows: list[dict], prefix: str) -> list[str]:
        """Offer ``rows`` as the API does after answering them (one request per 10 rows)."""
        ids = []
        for start in range(0, len(rows), 10):
            part = rows[start:start + 10]
            validated = validate(part, self.champion.pipeline.encoder)
            assert validated.ok
            rid = [f"{prefix}-{start + i}" for i in range(len(part))]
            self.shadow.offer(rid, part, validated.encoded, self.champion.pipeline.category_maps,
                              datetime.now(UTC), validated.application_times)
            ids += rid
        return ids

    def stored(self) -> pd.DataFrame:
        assert self.shadow.wait_idle()
        assert self.writer.flush()
        return self.store.read_shadow()

    def wait(self, condition: Callable[[], bool], timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            assert time.monotonic() < deadline, "timed out"
            time.sleep(0.02)


@pytest.fixture
def rig(tmp_path: Path, bundle: ModelBundle) -> Iterator[Rig]:
    made = Rig(tmp_path, bundle)
    yield made
    made.shadow.stop()
    made.writer.stop()
    made.store.close()


@pytest.mark.parametrize("variant", ["same pipeline", "own pipeline"])
def test_the_challenger_scores_what_the_champion_scored(
        rig: Rig, challenger_bundle: ModelBundle, variant: str) -> None:
    """Every offered prediction gets one shadow row with the challenger's version, and the
    probability and decision the challenger gives the same raw application scored on its
    own, whether the shadow reused the champion's encoded matrix (same category maps) or
    encoded the rows again with the challenger's pipeline."""
    challenger = (challenger_bundle if variant == "same pipeline"
                  else own_pipeline(challenger_bundle))
    same = challenger.pipeline.category_maps == rig.champion.pipeline.category_maps
    assert same == (variant == "same pipeline")
    install(rig.artifacts, challenger)
    rig.shadow.start()
    rows = applications(57, seed=31)
    ids = rig.send(rows, "q")
    stored = rig.stored().set_index("request_id").loc[ids]
    assert set(stored["model_version"]) == {challenger.version}
    expected = Scorer(challenger, rig.settings).score(pd.DataFrame(rows))
    np.testing.assert_allclose(stored["probability"], expected.probability, rtol=1e-12)
    assert list(stored["decision"]) == list(expected.decisions)
    assert (stored["threshold"] == challenger.threshold).all()
    assert rig.shadow.scored == 57
    assert sum(n for e, n in rig.events if e == "scored") == 57


def test_the_share_is_chosen_by_request_id_and_stable(tmp_path: Path, bundle: ModelBundle,
                                                       challenger_bundle: ModelBundle) -> None:
    """With ``model.shadow_share`` 0.3 the shadow scores exactly the predictions whose id
    the hash samples, the same ones on every run, about 30 % of them."""
    assert [sampled(f"id-{i}", 0.3) for i in range(50)] == \
        [sampled(f"id-{i}", 0.3) for i in range(50)]
    share = np.mean([sampled(f"req-{i}", 0.3) for i in range(20_000)])
    assert 0.28 < share < 0.32
    assert all(sampled(f"x{i}", 1.0) for i in range(100))
    assert not any(sampled(f"x{i}", 0.0) for i in range(100))
    rig = Rig(tmp_path, bundle, model={"shadow_share": 0.3})
    install(rig.artifacts, challenger_bundle)
    rig.shadow.start()
    try:
        ids = rig.send(applications(80, seed=32), "s")
        stored = set(rig.stored()["request_id"])
        assert stored == {rid for rid in ids if sampled(rid, 0.3)}
        assert 0 < len(stored) < 80
    finally:
        rig.shadow.stop()
        rig.writer.stop()


def test_a_full_queue_drops_and_counts(rig: Rig, challenger_bundle: ModelBundle) -> None:
    """When the bounded queue is full, an offer is dropped at once (the request path never
    waits) and its predictions are counted as dropped."""
    install(rig.artifacts, challenger_bundle)
    small = Shadow(rig.settings, rig.spool, queue_max=2,
                   count=lambda e, n: rig.events.append((e, n)))
    small._follow()  # loads the challenger; no thread: nothing drains the queue
    assert small.challenger is not None
    rig.shadow = small
    rows = applications(50, seed=33)
    started = time.perf_counter()
    rig.send(rows, "d")  # five requests of ten
    assert time.perf_counter() - started < 5  # not blocked on the full queue
    assert small.queued == 2
    assert small.dropped == 30
    assert sum(n for e, n in rig.events if e == "dropped") == 30


def test_the_shadow_follows_the_challenger_pointer(rig: Rig,
                                                   challenger_bundle: ModelBundle) -> None:
    """No pointer: nothing is scored. A pointer set while running: the challenger is loaded
    by the thread and scores. The pointer removed: the shadow stops scoring."""
    rig.shadow.start()
    rig.send(applications(10, seed=34), "none")
    assert rig.stored().empty
    install(rig.artifacts, challenger_bundle)
    rig.wait(lambda: rig.shadow.challenger is not None)
    on = rig.send(applications(10, seed=35), "on")
    assert set(rig.stored()["request_id"]) == set(on)
    set_pointer(rig.artifacts, CHALLENGER, None)
    rig.wait(lambda: rig.shadow.challenger is None)
    rig.send(applications(10, seed=36), "off")
    assert set(rig.stored()["request_id"]) == set(on)


def test_a_challenger_that_fails_to_load_is_counted(rig: Rig,
                                                    challenger_bundle: ModelBundle) -> None:
    """A challenger whose model.txt is corrupted is not loaded: one load failure counted,
    nothing scored; a good version named later is loaded."""
    corrupt(rig.artifacts, challenger_bundle)
    rig.shadow.start()
    assert rig.shadow.failures["load"] == 1
    assert ("load", 1) in rig.events
    assert rig.shadow.challenger is None
    rig.send(applications(10, seed=37), "c")
    assert rig.stored().empty
    good = own_pipeline(challenger_bundle)
    install(rig.artifacts, good)
    rig.wait(lambda: rig.shadow.challenger is not None)
    assert rig.shadow.challenger.version == good.version  # type: ignore[union-attr]


def test_a_challenger_whose_scoring_raises_is_counted(rig: Rig, bundle: ModelBundle) -> None:
    """A challenger that loads but raises when scoring (its trees read 3 features): each
    failed batch is counted, nothing of it is stored, and the shadow keeps running."""
    install(rig.artifacts, raising(bundle))
    rig.shadow.start()
    assert rig.shadow.challenger is not None
    rig.send(applications(30, seed=38), "r")
    assert rig.stored().empty
    assert rig.shadow.failures["score"] >= 1
    assert sum(n for e, n in rig.events if e == "score") == rig.shadow.failures["score"]
    assert rig.shadow._thread is not None and rig.shadow._thread.is_alive()
