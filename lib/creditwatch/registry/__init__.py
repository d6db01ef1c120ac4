"""Model versions: bundles under ``artifacts/models/<version>/`` and the pointers that name the
champion (the model that answers) and the challenger (the model scored in shadow)."""

from __future__ import annotations

from creditwatch.registry.pointers import (
    CHALLENGER,
    CHAMPION,
    ROLES,
    pointed,
    set_pointer,
    version_dir,
    versions_root,
)

__all__ = ["CHALLENGER", "CHAMPION", "ROLES", "pointed", "set_pointer", "version_dir",
           "versions_root"]
