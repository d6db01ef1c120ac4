"""A running API follows the registry's champion pointer: the promoted model answers,
is stored, and shows on /model and /health, without a restart; a bundle that fails to load
leaves the old model answering. (Under load, in real server processes:
tests/registry/test_live_promotion.py.)"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from creditwatch.model.bundle import ModelBundle
from creditwatch.registry import CHALLENGER, CHAMPION, set_pointer, version_dir
from creditwatch.registry.promote import promote
from creditwatch.registry.versions import add_version

from tests.api.applications import applications
from tests.plugins.api_server import InProcessApi, InProcessApiFactory

DEADLINE_S = 60.0


def wait_for(condition: Callable[[], bool]) -> None:
    """Wait until ``condition()`` holds (the watcher's thread acts on its own cadence)."""
    end = time.monotonic() + DEADLINE_S
    while not condition():
        assert time.monotonic() < end, "condition not reached"
        time.sleep(0.01)


@pytest.fixture
def api(inproc_api_factory: InProcessApiFactory) -> InProcessApi:
    """An API checking the pointers every 20 ms."""
    return inproc_api_factory(api={"model_poll_s": 0.02})


def artifacts_of(api: InProcessApi) -> Path:
    return api.settings.paths.artifacts


def test_a_promotion_is_served_stored_and_shown_without_restart(
        api: InProcessApi, bundle: ModelBundle, other_bundle: ModelBundle) -> None:
    """After `promote`, /predict and /predict-batch answer with the new version (and its
    threshold), their stored predictions carry it, /model and /health show it."""
    artifacts = artifacts_of(api)
    add_version(artifacts, bundle)  # the served model, now champion: nothing to reload
    add_version(artifacts, other_bundle)
    rows = applications(3, seed=21)
    before = api.client.post("/predict", json=rows[0], headers={"X-Request-ID": "rl-a"}).json()
    assert before["model_version"] == bundle.version
    promote(artifacts, other_bundle.version)
    wait_for(lambda: api.state.model.version == other_bundle.version)
    single = api.client.post("/predict", json=rows[0], headers={"X-Request-ID": "rl-b"}).json()
    batch = api.client.post("/predict-batch", json={"applications": rows[1:]},
                            headers={"X-Request-ID": "rl-c"}).json()
    assert single["model_version"] == other_bundle.version
    assert single["threshold"] == other_bundle.threshold
    assert batch["model_version"] == other_bundle.version
    assert {r["model_version"] for r in batch["results"]} == {other_bundle.version}
    assert api.client.get("/model").json()["version"] == other_bundle.version
    assert api.client.get("/health").json()["model_version"] == other_bundle.version
    stored = api.predictions("rl-").set_index("request_id")["model_version"].to_dict()
    assert stored == {"rl-a": bundle.version, "rl-b": other_bundle.version,
                      "rl-c-0": other_bundle.version, "rl-c-1": other_bundle.version}
    assert api.state.watcher.swaps == 1


def test_a_champion_that_fails_to_load_leaves_the_old_model_answering(
        api: InProcessApi, bundle: ModelBundle, other_bundle: ModelBundle) -> None:
    """A pointer set by hand to a broken bundle is skipped (logged) and the old model keeps
    answering; pointing at a good version afterwards is followed."""
    artifacts = artifacts_of(api)
    add_version(artifacts, bundle)
    add_version(artifacts, other_bundle)
    (version_dir(artifacts, other_bundle.version) / "model.txt").write_text("garbage\n")
    set_pointer(artifacts, CHAMPION, other_bundle.version)  # around promote's checks
    wait_for(lambda: other_bundle.version in api.state.watcher.skipped)
    answer = api.client.post("/predict", json=applications(1, seed=22)[0])
    assert answer.status_code == 200 and answer.json()["model_version"] == bundle.version
    assert api.state.watcher.swaps == 0


def test_model_shows_the_challenger_card_or_null(
        api: InProcessApi, bundle: ModelBundle, other_bundle: ModelBundle) -> None:
    """GET /model keeps the champion's card and adds ``challenger``: null without one, the
    challenger's card once one is named, null again when it is turned off."""
    artifacts = artifacts_of(api)
    add_version(artifacts, bundle)
    add_version(artifacts, other_bundle)
    assert api.client.get("/model").json()["challenger"] is None
    set_pointer(artifacts, CHALLENGER, other_bundle.version)
    wait_for(lambda: (api.client.get("/model").json()["challenger"] or {}).get("version")
             == other_bundle.version)
    body = api.client.get("/model").json()
    assert body["version"] == bundle.version
    assert body["challenger"]["threshold"] == other_bundle.threshold
    assert body["challenger"]["features"] == other_bundle.feature_names
    set_pointer(artifacts, CHALLENGER, None)
    wait_for(lambda: api.client.get("/model").json()["challenger"] is None)
