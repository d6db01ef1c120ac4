"""Adding versions, promotion, retirement, the challenger and migration, on real bundles."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from creditwatch.config import Settings
from creditwatch.errors import ConfigurationError
from creditwatch.features import FeaturePipeline
from creditwatch.model.bundle import ModelBundle, load_bundle, save_bundle
from creditwatch.registry import CHALLENGER, CHAMPION, pointed, set_pointer, version_dir
from creditwatch.registry.catalog import card, list_versions
from creditwatch.registry.migrate import migrate
from creditwatch.registry.promote import challenge, promote, retire
from creditwatch.registry.versions import add_version


@pytest.fixture
def artifacts(tmp_path: Path) -> Path:
    return tmp_path / "artifacts"


def wider_input(bundle: ModelBundle) -> ModelBundle:
    """The same trees reading one more category of the first categorical field: another
    input schema (a client's new value would be encoded differently)."""
    maps = {k: list(v) for k, v in bundle.pipeline.category_maps.items()}
    first = sorted(maps)[0]
    maps[first].append("NEW_LEVEL")
    return replace(bundle, pipeline=FeaturePipeline(maps), version="", extra=dict(bundle.extra))


def test_the_first_version_is_champion_and_later_ones_leave_it(
        artifacts: Path, bundle: ModelBundle, other_bundle: ModelBundle) -> None:
    """A fresh project's first version becomes the champion; the next one is added beside it
    and the champion is unchanged; adding a version twice changes nothing."""
    first = add_version(artifacts, bundle)
    assert first.champion and not first.existed and pointed(artifacts, CHAMPION) == bundle.version
    second = add_version(artifacts, other_bundle)
    assert not second.champion and pointed(artifacts, CHAMPION) == bundle.version
    assert load_bundle(second.directory).version == other_bundle.version
    assert add_version(artifacts, other_bundle).existed
    assert sorted(p.name for p in (artifacts / "models").iterdir()) == sorted(
        [CHAMPION, bundle.version, other_bundle.version])  # no temporary folder left


def test_bundle_dir_follows_the_champion_else_the_legacy_folder(
        tmp_path: Path, bundle: ModelBundle, other_bundle: ModelBundle) -> None:
    """settings.paths.bundle_dir is artifacts/model until a champion is named, then the
    champion's version folder, and it follows a promotion."""
    settings = Settings(paths={"root": tmp_path})
    artifacts = settings.paths.artifacts
    assert settings.paths.bundle_dir == artifacts / "model"
    add_version(artifacts, bundle)
    add_version(artifacts, other_bundle)
    assert settings.paths.bundle_dir == version_dir(artifacts, bundle.version)
    promote(artifacts, other_bundle.version)
    assert settings.paths.bundle_dir == version_dir(artifacts, other_bundle.version)


def test_training_with_a_legacy_bundle_keeps_it_serving(
        artifacts: Path, bundle_dir: Path, bundle: ModelBundle,
        other_bundle: ModelBundle) -> None:
    """With an artifacts/model bundle and no champion, adding a version migrates the legacy
    bundle first: it stays the champion, the new version waits for a promotion."""
    shutil.copytree(bundle_dir, artifacts / "model")
    added = add_version(artifacts, other_bundle)
    assert added.migrated == bundle.version and not added.champion
    assert pointed(artifacts, CHAMPION) == bundle.version


def test_promotion_checks_load_and_input_and_moves_the_pointer(
        artifacts: Path, bundle: ModelBundle, other_bundle: ModelBundle) -> None:
    """A loadable version with the champion's input is promoted; one that does not load, or
    reads another input, or is not registered, is refused in one line and nothing moves."""
    add_version(artifacts, bundle)
    add_version(artifacts, other_bundle)
    wider = wider_input(bundle)
    add_version(artifacts, wider)
    broken = replace(bundle, threshold=0.123, version="", extra=dict(bundle.extra))
    add_version(artifacts, broken)
    (version_dir(artifacts, broken.version) / "model.txt").write_text("not a model\n")

    with pytest.raises(ConfigurationError, match=f"version {broken.version} fails to load"):
        promote(artifacts, broken.version)
    with pytest.raises(ConfigurationError, match="reads a different input than champion") as exc:
        promote(artifacts, wider.version)
    assert "category_maps" in str(exc.value) and "\n" not in str(exc.value)
    with pytest.raises(ConfigurationError, match="not in the registry"):
        promote(artifacts, "abcdef012345")
    assert pointed(artifacts, CHAMPION) == bundle.version

    change = promote(artifacts, other_bundle.version)
    assert (change.before, change.after) == (bundle.version, other_bundle.version)
    assert pointed(artifacts, CHAMPION) == other_bundle.version


def test_a_bundle_whose_files_do_not_match_its_version_is_refused(
        artifacts: Path, bundle: ModelBundle, other_bundle: ModelBundle) -> None:
    """A bundle.json edited after training (its threshold) no longer matches its version
    hash: the promotion is refused as a bundle that fails to load."""
    add_version(artifacts, bundle)
    add_version(artifacts, other_bundle)
    meta_path = version_dir(artifacts, other_bundle.version) / "bundle.json"
    meta = json.loads(meta_path.read_text())
    meta["threshold"] = 0.01
    meta_path.write_text(json.dumps(meta))
    with pytest.raises(ConfigurationError, match=r"fails to load: .*version hash"):
        promote(artifacts, other_bundle.version)
    assert pointed(artifacts, CHAMPION) == bundle.version


def test_retire_refuses_the_champion_and_clears_the_challenger(
        artifacts: Path, bundle: ModelBundle, other_bundle: ModelBundle) -> None:
    """The champion cannot be retired; retiring the challenger clears the challenger pointer,
    keeps the bundle, and makes it ineligible for promotion or challenge."""
    add_version(artifacts, bundle)
    add_version(artifacts, other_bundle)
    with pytest.raises(ConfigurationError, match="is the champion"):
        retire(artifacts, bundle.version)
    challenge(artifacts, other_bundle.version)
    assert pointed(artifacts, CHALLENGER) == other_bundle.version
    assert retire(artifacts, other_bundle.version) is True
    assert pointed(artifacts, CHALLENGER) is None
    assert (version_dir(artifacts, other_bundle.version) / "bundle.json").exists()
    assert card(artifacts, other_bundle.version)["role"] == "retired"
    for move in (promote, challenge):
        with pytest.raises(ConfigurationError, match="is retired"):
            move(artifacts, other_bundle.version)
    assert pointed(artifacts, CHAMPION) == bundle.version


def test_the_challenger_is_checked_like_a_champion(
        artifacts: Path, bundle: ModelBundle, other_bundle: ModelBundle) -> None:
    """The champion cannot be its own challenger, another input is refused, --off clears
    it, and promoting the challenger leaves no challenger."""
    add_version(artifacts, bundle)
    add_version(artifacts, other_bundle)
    wider = wider_input(bundle)
    add_version(artifacts, wider)
    with pytest.raises(ConfigurationError, match="is the champion"):
        challenge(artifacts, bundle.version)
    with pytest.raises(ConfigurationError, match="different input"):
        challenge(artifacts, wider.version)
    assert challenge(artifacts, other_bundle.version).after == other_bundle.version
    assert challenge(artifacts, None).after is None and pointed(artifacts, CHALLENGER) is None
    challenge(artifacts, other_bundle.version)
    assert promote(artifacts, other_bundle.version).challenger_cleared
    assert pointed(artifacts, CHALLENGER) is None


def test_migrate_copies_or_moves_the_legacy_bundle_once(
        artifacts: Path, bundle_dir: Path, bundle: ModelBundle) -> None:
    """migrate registers artifacts/model as its version and names it champion; again it
    changes nothing; --move removes the legacy folder; without one, or with a broken one,
    it is refused."""
    with pytest.raises(ConfigurationError, match="nothing to migrate"):
        migrate(artifacts)
    shutil.copytree(bundle_dir, artifacts / "model")
    done = migrate(artifacts)
    assert (done.version, done.existed, done.champion) == (bundle.version, False, True)
    assert load_bundle(version_dir(artifacts, bundle.version)).version == bundle.version
    again = migrate(artifacts, move=True)
    assert again.existed and not again.champion and not (artifacts / "model").exists()
    broken = save_bundle(bundle, artifacts / "model")
    (broken / "model.txt").write_text("garbage")
    with pytest.raises(ConfigurationError, match="does not load"):
        migrate(artifacts)


def test_list_shows_metrics_training_data_date_and_protected_use(
        artifacts: Path, bundle: ModelBundle, other_bundle: ModelBundle) -> None:
    """Each card carries the role, creation date, held-out metrics, the training-data record
    and the protected fields the trees read (those the bundle's fairness usage marks used)."""
    described = replace(other_bundle, extra={**other_bundle.extra, "training_data": {
        "source": "store", "since": "2026-01-01", "until": "2026-02-01", "rows": 1234}})
    add_version(artifacts, bundle)
    add_version(artifacts, described)
    set_pointer(artifacts, CHALLENGER, described.version)
    cards = {c["version"]: c for c in list_versions(artifacts)}
    assert set(cards) == {bundle.version, described.version}
    assert cards[bundle.version]["role"] == CHAMPION
    assert cards[described.version]["role"] == CHALLENGER
    assert cards[bundle.version]["metrics"] == bundle.metrics
    assert cards[bundle.version]["created_at"] == bundle.created_at
    assert cards[described.version]["training_data"]["rows"] == 1234
    used = {f for f, u in bundle.extra["fairness"]["protected"].items() if u["used"]}
    assert cards[bundle.version]["protected_used"] == sorted(used)
