"""What the registry holds: one card per version, read from its bundle.json (no model is
loaded, so listing a hundred versions is instant, and importing this module does not load
LightGBM: ``creditwatch train`` and the demo use ``file_source`` before they train).

A card has the version, its role (champion, challenger, retired or none), creation date,
decision threshold, the held-out metrics, what it was trained on (``extra.training_data``,
written by ``creditwatch train``; absent for bundles trained before it existed) and the
protected attributes the trees read (``extra.fairness.protected``).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from creditwatch.errors import ConfigurationError
from creditwatch.registry.pointers import CHALLENGER, CHAMPION, pointed, version_dir, versions_root

HASH_CHUNK = 1 << 20
RETIRED = "RETIRED"  # marker file in a retired version's folder (the bundle is kept)


def is_retired(artifacts: Path, version: str) -> bool:
    return (version_dir(artifacts, version) / RETIRED).exists()


def file_source(path: Path, rows: int) -> dict[str, Any]:
    """``extra.training_data`` of a model trained on a file: where, how many rows, its hash."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(HASH_CHUNK):
            digest.update(chunk)
    return {"source": "file", "path": str(path.resolve()), "rows": int(rows),
            "sha256": digest.hexdigest()}


def describe_source(data: dict[str, Any] | None, *, digest: bool = True) -> str:
    """One line for a training-data record (a file, the store over a period, or unknown);
    ``digest``: with the start of a file's sha256."""
    if not data:
        return "unknown"
    rows = f"{data['rows']:,} rows" if "rows" in data else "? rows"
    if data.get("source") == "file":
        sha = f", sha256 {str(data.get('sha256'))[:12]}" if digest else ""
        return f"{Path(data['path']).name} ({rows}{sha})"
    if data.get("source") == "store":
        return f"store {data.get('since') or '…'} to {data.get('until') or '…'} ({rows})"
    return f"{data.get('source', '?')} ({rows})"


def protected_used(meta: dict[str, Any]) -> list[str]:
    """The protected fields the trees read, directly or through derived features."""
    usage = ((meta.get("extra") or {}).get("fairness") or {}).get("protected") or {}
    return sorted(f for f, use in usage.items() if use.get("used", use.get("direct")))


def card(artifacts: Path, version: str) -> dict[str, Any]:
    """The card of one version (``ConfigurationError`` when it is not registered)."""
    directory = version_dir(artifacts, version)
    try:
        meta = json.loads((directory / "bundle.json").read_text())
    except FileNotFoundError:
        raise ConfigurationError(f"version {version} is not in the registry: see "
                                 "`creditwatch model list`") from None
    except ValueError as exc:
        return {"version": version, "role": _role(artifacts, version), "broken": str(exc)[:200]}
    extra = meta.get("extra") or {}
    return {
        "version": version,
        "role": _role(artifacts, version),
        "created_at": meta.get("created_at"),
        "threshold": meta.get("threshold"),
        "metrics": meta.get("metrics", {}),
        "training_data": extra.get("training_data"),
        "protected_used": protected_used(meta),
        "excluded_fields": (extra.get("fairness") or {}).get("excluded_fields", []),
        "n_features": len(meta.get("feature_names", [])),
        "path": str(directory),
    }


def _role(artifacts: Path, version: str) -> str:
    if version == pointed(artifacts, CHAMPION):
        return CHAMPION
    if version == pointed(artifacts, CHALLENGER):
        return CHALLENGER
    return "retired" if is_retired(artifacts, version) else ""


def list_versions(artifacts: Path) -> list[dict[str, Any]]:
    """Every registered version's card, newest first."""
    root = versions_root(artifacts)
    if not root.is_dir():
        return []
    cards = [card(artifacts, d.name) for d in root.iterdir()
             if d.is_dir() and not d.name.startswith(".") and (d / "bundle.json").exists()]
    return sorted(cards, key=lambda c: (c.get("created_at") or "", c["version"]), reverse=True)
