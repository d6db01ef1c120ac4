"""The model the API answers with, and how it follows a promotion without a restart.

Everything that depends on the model (scorer, reasons engine, the top-feature columns
stored with each prediction, the reference AUC the monitor reports) is one immutable
``ServedModel``. ``ApiState.model`` holds the current one; a promotion replaces it with a
single attribute assignment, which is atomic for every reader. A request (or a coalesced
pass) reads ``state.model`` once at its start and uses that object throughout, so it is
validated, scored, explained, stored and answered by one version, even when the swap
happens in the middle of it; nothing is lost or refused at the switch.

``ModelWatcher`` is a small thread in each worker process: every ``api.model_poll_s`` it
reads the champion pointer (``creditwatch.registry``); when it names another version, the
thread loads that bundle and builds its reasons engine (off the request path: requests go
on with the old model meanwhile), then swaps. A bundle that fails to load is logged once
and skipped (the old model keeps answering) until the pointer changes again. The challenger
pointer is the shadow's (``creditwatch.shadow``), which also keeps its card for ``GET /model``.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass

import structlog

from creditwatch.config import Settings
from creditwatch.explain import Explainer
from creditwatch.registry import CHAMPION, pointed, version_dir
from creditwatch.scoring import Scorer

log = structlog.get_logger("creditwatch.api")
TOP_FEATURES = 20


@dataclass(frozen=True, slots=True)
class ServedModel:
    """One model version and everything built from it for serving."""

    scorer: Scorer
    explainer: Explainer | None  # the reasons engine (None: reasons off)
    top_names: list[str]  # the model's 20 most important features (feature_values rows)
    top_idx: list[int]  # their columns in the feature matrix
    reference_auc: float | None  # held-out AUC at training (the monitor's reference gauge)

    @property
    def version(self) -> str:
        return self.scorer.version

    @classmethod
    def build(cls, scorer: Scorer, settings: Settings) -> ServedModel:
        bundle = scorer.bundle
        names = bundle.feature_names
        top = bundle.top_features(TOP_FEATURES)
        # Built (per-tree tables, compiled kernels warmed up) before its first request.
        explainer = Explainer.from_bundle(bundle) if settings.api.reasons_max else None
        reference = bundle.performance_reference or {}
        return cls(scorer, explainer, top, [names.index(n) for n in top], reference.get("auc"))


class ModelWatcher:
    """Follows the registry's pointers for one API process (see the module docstring)."""

    def __init__(self, settings: Settings, current: Callable[[], ServedModel],
                 swap: Callable[[ServedModel], None]) -> None:
        self.settings, self._current, self._swap = settings, current, swap
        self.period = settings.api.model_poll_s
        self.skipped: set[str] = set()  # versions that failed to load (until the pointer moves)
        self._pointer: str | None = None
        self.swaps = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="creditwatch-model-watcher",
                                        daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(30)

    def _run(self) -> None:
        while not self._stop.wait(self.period):
            try:
                self.check()
            except Exception as exc:  # noqa: BLE001 - an unreadable pointer must not end the thread
                log.error("model_watch_failed", error=str(exc)[:200])

    def check(self) -> bool:
        """Read the champion pointer once; True when the champion was swapped."""
        artifacts = self.settings.paths.artifacts
        champion = pointed(artifacts, CHAMPION)
        if champion != self._pointer:  # the pointer moved: a skipped version gets a new try
            self._pointer = champion
            self.skipped.clear()
        if champion is None or champion == self._current().version or champion in self.skipped:
            return False
        try:
            model = ServedModel.build(Scorer.load(version_dir(artifacts, champion),
                                                  self.settings), self.settings)
        except Exception as exc:  # noqa: BLE001 - a bad bundle must not stop the API: keep serving
            self.skipped.add(champion)
            log.error("model_reload_failed", version=champion, error=str(exc)[:200])
            return False
        before = self._current().version
        self._swap(model)
        self.swaps += 1
        log.info("model_promoted", before=before, version=model.version, pid=os.getpid())
        return True
