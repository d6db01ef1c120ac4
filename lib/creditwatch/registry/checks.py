"""What a version must pass before it answers (champion) or is scored in shadow (challenger):
it loads and scores, and it reads the same input as the champion."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from creditwatch.errors import ConfigurationError
from creditwatch.model.bundle import ModelBundle, load_bundle

# The parts of bundle.json that make a model's input: what it expects, how it encodes it.
SCHEMA_KEYS = ("expected_fields", "category_maps", "feature_names", "categorical_features")
SMOKE_ROWS = 8  # reference rows scored to prove the trees and the pipeline fit together


def loaded(directory: Path, version: str) -> ModelBundle:
    """The bundle of ``version``, loaded and made to score a few of its reference rows; any
    failure is one ``ConfigurationError`` line naming the version."""
    if not (directory / "bundle.json").exists():
        raise ConfigurationError(f"version {version} is not in the registry ({directory} has no "
                                 "bundle.json): see `creditwatch model list`")
    try:
        bundle = load_bundle(directory)
        sample = bundle.pipeline.transform(bundle.reference.head(SMOKE_ROWS))
        bundle.booster.predict(sample)
    except Exception as exc:  # noqa: BLE001 - whatever breaks loading or scoring refuses the version
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise ConfigurationError(f"version {version} fails to load: {first[:200]}") from None
    if bundle.version != version:
        raise ConfigurationError(f"version {version}'s folder holds bundle {bundle.version}")
    return bundle


def input_schema(directory: Path) -> dict[str, Any]:
    """The input-defining parts of a bundle folder's bundle.json."""
    meta = json.loads((directory / "bundle.json").read_text())
    return {key: meta.get(key) for key in SCHEMA_KEYS}


def schema_differences(ours: dict[str, Any], theirs: dict[str, Any]) -> list[str]:
    """Human-readable differences between two input schemas (empty: the same input)."""
    out = []
    for key in SCHEMA_KEYS:
        a, b = ours.get(key), theirs.get(key)
        if a == b:
            continue
        if isinstance(a, list) and isinstance(b, list):
            added, removed = sorted(set(a) - set(b)), sorted(set(b) - set(a))
            parts = [f"+{', +'.join(added[:3])}" if added else "",
                     f"-{', -'.join(removed[:3])}" if removed else ""]
            out.append(f"{key} {' '.join(p for p in parts if p) or 'reordered'}")
        elif isinstance(a, dict) and isinstance(b, dict):
            fields = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
            out.append(f"{key} of {', '.join(fields[:3])}{' ...' if len(fields) > 3 else ''}")
        else:
            out.append(key)
    return out


def same_input(directory: Path, version: str, champion_dir: Path, champion: str) -> None:
    """Refuse ``version`` when its input schema is not the champion's."""
    diff = schema_differences(input_schema(directory), input_schema(champion_dir))
    if diff:
        raise ConfigurationError(f"version {version} reads a different input than champion "
                                 f"{champion}: {'; '.join(diff)}")
