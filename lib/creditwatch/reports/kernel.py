"""The Jupyter kernel report notebooks run in: this interpreter's (the project's venv).

papermill starts kernels by name. "python3" is the kernelspec ipykernel installs in the
environment's ``share/jupyter/kernels``; a spec whose command is plain ``python`` (or
``python3``) is started with the interpreter running papermill (jupyter_client substitutes
``sys.executable``), so notebooks import the same creditwatch as the caller. When the
"python3" found first names another interpreter (a user-level spec takes precedence over
the environment's), a spec of our own is installed into this environment and used instead.
"""

from __future__ import annotations

import sys
from pathlib import Path

KERNEL_NAME = "python3"
FALLBACK_NAME = "creditwatch-venv"
_SELF = {"python", f"python{sys.version_info[0]}",
         f"python{sys.version_info[0]}.{sys.version_info[1]}"}


def _runs_here(argv0: str) -> bool:
    return argv0 in _SELF or Path(argv0).resolve() == Path(sys.executable).resolve()


def ensure_kernel(name: str = KERNEL_NAME) -> str:
    """The name of a kernelspec that runs this interpreter (installing one if needed)."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    manager = KernelSpecManager()
    for candidate in (name, FALLBACK_NAME):
        try:
            if _runs_here(manager.get_kernel_spec(candidate).argv[0]):
                return candidate
        except NoSuchKernel:
            continue
    from ipykernel.kernelspec import install

    install(kernel_name=FALLBACK_NAME, prefix=sys.prefix,
            display_name=f"Python {sys.version_info[0]}.{sys.version_info[1]} (creditwatch)")
    return FALLBACK_NAME
