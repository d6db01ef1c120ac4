"""``creditwatch model migrate``: the legacy ``artifacts/model`` bundle into the registry.

The legacy bundle is loaded (a broken one is refused), copied to
``artifacts/models/<version>/`` and, when the project has no champion yet, made the
champion. ``move`` removes the legacy folder afterwards; by default it is kept, and ignored
once a champion exists (``settings.paths.bundle_dir`` then resolves to the champion).
Running it again changes nothing.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from creditwatch.errors import ConfigurationError
from creditwatch.model.bundle import load_bundle
from creditwatch.registry.folders import publish
from creditwatch.registry.pointers import CHAMPION, legacy_dir, pointed, set_pointer


@dataclass(frozen=True)
class Migrated:
    version: str
    directory: Path
    existed: bool  # the version was already in the registry
    champion: bool  # it is the champion now because there was none
    moved: bool  # the legacy folder was removed


def migrate(artifacts: Path, *, move: bool = False) -> Migrated:
    """Copy (or move) ``artifacts/model`` into the registry; see the module docstring."""
    legacy = legacy_dir(artifacts)
    if not (legacy / "bundle.json").exists():
        raise ConfigurationError(f"nothing to migrate: no model bundle in {legacy}")
    try:
        version = load_bundle(legacy).version
    except Exception as exc:  # noqa: BLE001 - whatever breaks loading refuses the migration
        raise ConfigurationError(f"the bundle in {legacy} does not load: {exc}") from None
    target, existed = publish(artifacts, version, lambda tmp: shutil.copytree(legacy, tmp))
    champion = pointed(artifacts, CHAMPION) is None
    if champion:
        set_pointer(artifacts, CHAMPION, version)
    if move:
        shutil.rmtree(legacy)
    return Migrated(version, target, existed, champion, move)
