"""Report parameters from the command line (``key=value``) and YAML files.

Values are read as YAML scalars, so ``period=7d`` is text, ``top=10`` a number,
``bundle_dir=null`` None and ``evidently=false`` a boolean (ISO times stay text); the
command line wins over the file. Notebook selection accepts ``01,03`` as well as names.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from creditwatch.errors import ConfigurationError


def parse_params(pairs: Sequence[str], file: Path | None = None) -> dict[str, Any]:
    params: dict[str, Any] = {}
    if file is not None:
        if not file.exists():
            raise ConfigurationError(f"parameters file {file} does not exist")
        data = yaml.safe_load(file.read_text()) or {}
        if not isinstance(data, dict):
            raise ConfigurationError(f"{file}: expected a mapping of parameter names to values")
        params.update({str(k): _plain(v) for k, v in data.items()})
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ConfigurationError(f"bad parameter {pair!r}: use key=value")
        params[key.strip()] = _plain(yaml.safe_load(value)) if value.strip() else None
    return params


def _plain(value: Any) -> Any:
    """YAML reads ISO times as datetimes; notebooks get parameters as JSON-able literals."""
    return value.isoformat() if isinstance(value, date | datetime) else value


def select_notebooks(folder: Path, selection: str | Sequence[str]) -> list[Path]:
    """Notebooks of ``folder`` named by ``01,03`` (number prefixes) or by file name."""
    items = selection.split(",") if isinstance(selection, str) else list(selection)
    available = sorted(folder.glob("*.ipynb"))
    chosen: list[Path] = []
    for item in (i.strip() for i in items if i.strip()):
        matches = [p for p in available if p.stem == item or p.name == item
                   or p.stem.startswith(f"{item}_")]
        if len(matches) != 1:
            names = ", ".join(p.stem for p in available) or "none"
            raise ConfigurationError(f"no single notebook matches {item!r} in {folder} "
                                     f"(available: {names})")
        chosen.append(matches[0])
    if not chosen:
        raise ConfigurationError("no notebook selected")
    return chosen
