"""Version folders appear whole: written beside their place, then renamed into it."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

from creditwatch.registry.pointers import version_dir


def publish(artifacts: Path, version: str, fill: Callable[[Path], object]) -> tuple[Path, bool]:
    """The folder of ``version``, made by ``fill(folder)`` in a hidden temporary folder and
    renamed into place (a reader never sees it half-written); (folder, it already existed:
    nothing done, a version is its content's hash)."""
    target = version_dir(artifacts, version)
    if (target / "bundle.json").exists():
        return target, True
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{version}.{os.getpid()}.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    fill(tmp)
    os.replace(tmp, target)
    return target, False
