"""Model versions: bundles under ``artifacts/models/<version>/`` and the pointers that name the
champion (the model that answers) and the challenger (the model scored in shadow).

``pointers`` is the layout; ``versions`` adds a version, ``catalog`` lists them, ``promote``
moves the pointers (after ``checks``), ``migrate`` brings a legacy ``artifacts/model`` in.
Only ``pointers`` is imported here: ``config_groups`` reads the champion pointer, and the
other modules load bundles (LightGBM), which a settings import should not pay for."""

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
