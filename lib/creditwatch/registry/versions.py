"""Adding a version to the registry: a bundle written under ``artifacts/models/<version>/``.

The bundle is written to a hidden temporary folder beside its final place and renamed into
it, so a reader (a promotion, the API's reload) never sees a half-written version. A version
already present is left as it is (same hash: the same decisions). When the project has no
champion yet, the legacy ``artifacts/model`` bundle (if any) is migrated first, so it stays
what the API serves; with neither, the first version becomes the champion: a fresh project
must be able to score after its first ``creditwatch train``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from creditwatch.model.bundle import ModelBundle, save_bundle
from creditwatch.registry.folders import publish
from creditwatch.registry.migrate import migrate
from creditwatch.registry.pointers import CHAMPION, legacy_dir, pointed, set_pointer


@dataclass(frozen=True)
class Added:
    """What ``add_version`` did."""

    version: str
    directory: Path
    existed: bool  # the same version was already registered
    champion: bool  # it became the champion (the project had none)
    migrated: str | None = None  # the legacy bundle's version, migrated first


def add_version(artifacts: Path, bundle: ModelBundle) -> Added:
    """Register ``bundle``; the champion is unchanged unless the project had none."""
    migrated = None
    if pointed(artifacts, CHAMPION) is None and (legacy_dir(artifacts) / "bundle.json").exists():
        migrated = migrate(artifacts).version
    target, existed = publish(artifacts, bundle.version, lambda tmp: save_bundle(bundle, tmp))
    champion = pointed(artifacts, CHAMPION) is None
    if champion:
        set_pointer(artifacts, CHAMPION, bundle.version)
    return Added(bundle.version, target, existed, champion, migrated)
