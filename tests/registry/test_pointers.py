"""The registry's pointers: atomic, validated, absent means none."""

from __future__ import annotations

from pathlib import Path

import pytest

from creditwatch.errors import ConfigurationError
from creditwatch.registry import CHALLENGER, CHAMPION, pointed, set_pointer, version_dir


def test_a_pointer_reads_back_what_was_set_and_none_when_removed(tmp_path: Path) -> None:
    """Setting a role's pointer makes it read back; removing it reads None."""
    assert pointed(tmp_path, CHAMPION) is None
    set_pointer(tmp_path, CHAMPION, "abc123def456")
    set_pointer(tmp_path, CHALLENGER, "0123456789ab")
    assert pointed(tmp_path, CHAMPION) == "abc123def456"
    assert pointed(tmp_path, CHALLENGER) == "0123456789ab"
    set_pointer(tmp_path, CHALLENGER, None)
    assert pointed(tmp_path, CHALLENGER) is None
    assert [p.name for p in (tmp_path / "models").iterdir()] == [CHAMPION]  # no temp left


@pytest.mark.parametrize("name", ["../etc", "ABCDEF123456", "", "abc/def"])
def test_a_name_that_is_not_a_version_hash_is_refused(tmp_path: Path, name: str) -> None:
    """Only hex hashes are versions, so a version can never escape the models folder."""
    with pytest.raises(ConfigurationError, match="not a model version"):
        version_dir(tmp_path, name)
    with pytest.raises(ConfigurationError):
        set_pointer(tmp_path, CHAMPION, name)
    assert pointed(tmp_path, CHAMPION) is None


def test_an_unknown_role_is_refused(tmp_path: Path) -> None:
    """Roles are champion and challenger only."""
    with pytest.raises(ConfigurationError, match="unknown model role"):
        pointed(tmp_path, "referee")
