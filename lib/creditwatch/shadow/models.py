"""The bundles behind the versions a comparison names, and their performance references.

A version is looked up in the registry (``artifacts/models/<version>``), then in the legacy
bundle folder (``paths.bundle_dir``) when that bundle is the version; a version found in
neither (retired, deleted) leaves its estimates out, never the comparison.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lightgbm.basic import LightGBMError

from creditwatch.config import Settings
from creditwatch.errors import CreditwatchError
from creditwatch.model.bundle import ModelBundle, load_bundle
from creditwatch.performance.reference import PerformanceReference
from creditwatch.performance.settings import PerformanceSettings
from creditwatch.registry.pointers import version_dir


@dataclass
class Models:
    """Bundles and references by version, each loaded once."""

    settings: Settings
    _bundles: dict[str, ModelBundle | None] = field(default_factory=dict)
    _references: dict[str, PerformanceReference | None] = field(default_factory=dict)

    def bundle(self, version: str) -> ModelBundle | None:
        if version not in self._bundles:
            self._bundles[version] = self._load(version)
        return self._bundles[version]

    def _load(self, version: str) -> ModelBundle | None:
        paths = self.settings.paths
        try:
            folder = version_dir(paths.artifacts, version)
        except CreditwatchError:
            return None
        for candidate in (folder, paths.bundle_dir):
            if (candidate / "bundle.json").exists():
                try:
                    bundle = load_bundle(candidate)
                except (CreditwatchError, LightGBMError, OSError, ValueError):
                    continue
                if bundle.version == version:
                    return bundle
        return None

    def reference(self, version: str) -> PerformanceReference | None:
        """The version's performance reference when it can estimate, else None."""
        if version not in self._references:
            bundle = self.bundle(version)
            reference = None if bundle is None else PerformanceReference.from_bundle(
                bundle, PerformanceSettings.of(self.settings.performance))
            self._references[version] = (reference if reference is not None
                                         and reference.can_estimate else None)
        return self._references[version]

    def costs(self, version: str) -> tuple[float, float]:
        """(cost_fn, cost_fp) of the version's bundle, else of the settings."""
        bundle = self.bundle(version)
        if bundle is not None:
            return bundle.cost_fn, bundle.cost_fp
        return self.settings.model.cost_fn, self.settings.model.cost_fp
