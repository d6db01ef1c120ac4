"""Promotion, retirement and the challenger: the only ways the pointers change.

* ``promote(v)``: ``v`` must load and score, and read the same input as the current
  champion (same expected fields, category maps and features: clients and the stored
  analytics keep working); then the champion pointer names it. If ``v`` was the challenger,
  the challenger pointer is cleared (a model is not its own shadow).
* ``retire(v)``: refused for the champion; clears the challenger pointer if it named ``v``,
  and marks the folder ``RETIRED`` (the bundle is kept: stored predictions name it, and an
  audit must be able to reload it). A retired version cannot be promoted or challenge.
* ``challenge(v)`` / ``challenge(None)``: the same checks as a promotion, not the champion.

Each refusal is one ``ConfigurationError`` line and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from creditwatch.errors import ConfigurationError
from creditwatch.registry.catalog import RETIRED, is_retired
from creditwatch.registry.checks import loaded, same_input
from creditwatch.registry.pointers import CHALLENGER, CHAMPION, pointed, set_pointer, version_dir


@dataclass(frozen=True)
class Change:
    """A pointer change: ``role`` went from ``before`` to ``after``."""

    role: str
    before: str | None
    after: str | None
    challenger_cleared: bool = False


def _eligible(artifacts: Path, version: str, role: str) -> None:
    directory = version_dir(artifacts, version)
    if is_retired(artifacts, version):
        raise ConfigurationError(f"version {version} is retired; remove {directory / RETIRED} "
                                 f"to make it eligible as {role} again")
    loaded(directory, version)
    champion = pointed(artifacts, CHAMPION)
    if champion is not None and champion != version:
        same_input(directory, version, version_dir(artifacts, champion), champion)


def promote(artifacts: Path, version: str) -> Change:
    """Make ``version`` the champion (see the module docstring)."""
    before = pointed(artifacts, CHAMPION)
    if before == version:
        return Change(CHAMPION, before, version)
    _eligible(artifacts, version, CHAMPION)
    set_pointer(artifacts, CHAMPION, version)
    cleared = pointed(artifacts, CHALLENGER) == version
    if cleared:
        set_pointer(artifacts, CHALLENGER, None)
    return Change(CHAMPION, before, version, cleared)


def challenge(artifacts: Path, version: str | None) -> Change:
    """Make ``version`` the challenger; None turns the shadow off."""
    before = pointed(artifacts, CHALLENGER)
    if version is not None:
        if version == pointed(artifacts, CHAMPION):
            raise ConfigurationError(f"version {version} is the champion; it cannot also be "
                                     "its challenger")
        _eligible(artifacts, version, CHALLENGER)
    set_pointer(artifacts, CHALLENGER, version)
    return Change(CHALLENGER, before, version)


def retire(artifacts: Path, version: str) -> bool:
    """Retire ``version`` (see the module docstring); True when it was the challenger."""
    directory = version_dir(artifacts, version)
    if not (directory / "bundle.json").exists():
        raise ConfigurationError(f"version {version} is not in the registry: see "
                                 "`creditwatch model list`")
    if version == pointed(artifacts, CHAMPION):
        raise ConfigurationError(f"version {version} is the champion: promote another "
                                 "version before retiring it")
    cleared = pointed(artifacts, CHALLENGER) == version
    if cleared:
        set_pointer(artifacts, CHALLENGER, None)
    (directory / RETIRED).touch()
    return cleared
