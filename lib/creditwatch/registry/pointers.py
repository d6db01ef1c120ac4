"""The registry's layout on disk, and its two pointers.

    artifacts/models/<version>/   one bundle per version (``model.bundle`` format), the
                                  folder named by the bundle's version hash
    artifacts/models/champion     a text file holding the champion's version
    artifacts/models/challenger   the same for the challenger (absent: no shadow)
    artifacts/model/              the single bundle of a project from before the registry,
                                  served while no champion is named

A pointer is replaced with ``os.replace`` (atomic on POSIX), so a reader sees the old version
or the new one, never a half-written name: this is what lets a running API (every worker of
it) follow a promotion by re-reading the pointer, without a restart or a lock.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from creditwatch.errors import ConfigurationError

CHAMPION = "champion"
CHALLENGER = "challenger"
ROLES = (CHAMPION, CHALLENGER)
_VERSION = re.compile(r"^[0-9a-f]{6,64}$")  # bundle versions are hex hashes (model.bundle)


def versions_root(artifacts: Path) -> Path:
    """The folder that holds one sub-folder per version."""
    return artifacts / "models"


def version_dir(artifacts: Path, version: str) -> Path:
    """The folder of ``version``; a name that is not a version hash is refused (it would
    otherwise be a path)."""
    if not _VERSION.match(version):
        raise ConfigurationError(f"{version!r} is not a model version (a hex hash, e.g. "
                                 "as `creditwatch model list` shows)")
    return versions_root(artifacts) / version


def legacy_dir(artifacts: Path) -> Path:
    """The single-bundle folder used before the registry (``artifacts/model``)."""
    return artifacts / "model"


def serving_dir(artifacts: Path) -> Path:
    """The bundle the API answers with: the champion's folder, else the legacy bundle."""
    champion = pointed(artifacts, CHAMPION)
    return legacy_dir(artifacts) if champion is None else version_dir(artifacts, champion)


def _pointer(artifacts: Path, role: str) -> Path:
    if role not in ROLES:
        raise ConfigurationError(f"unknown model role {role!r}: {' or '.join(ROLES)}")
    return versions_root(artifacts) / role


def pointed(artifacts: Path, role: str) -> str | None:
    """The version ``role`` points to, or None when the pointer is absent or empty."""
    try:
        text = _pointer(artifacts, role).read_text().strip()
    except FileNotFoundError:
        return None
    return text or None


def set_pointer(artifacts: Path, role: str, version: str | None) -> None:
    """Point ``role`` at ``version`` (None removes the pointer), atomically."""
    path = _pointer(artifacts, role)
    if version is None:
        path.unlink(missing_ok=True)
        return
    version_dir(artifacts, version)  # validates the name
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{role}.{os.getpid()}.tmp")
    tmp.write_text(version + "\n")
    os.replace(tmp, path)
