"""What every command shares: the console, settings, and the error-to-exit-code mapping."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

from creditwatch.errors import CreditwatchError

# Piped output (make demo, cron logs) gets a readable width instead of rich's default 80.
_WIDTH = None if sys.stdout.isatty() else 130
console = Console(width=_WIDTH)
err_console = Console(stderr=True, width=_WIDTH)
P = ParamSpec("P")
R = TypeVar("R")

EXIT_USER_ERROR = 2  # bad input, missing model, unreachable store: one line, no traceback


def guarded(func: Callable[P, R]) -> Callable[P, R]:
    """Turn library errors into a one-line message and exit code 2."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except CreditwatchError as exc:
            err_console.print(f"[bold red]error:[/] {exc}")
            raise typer.Exit(EXIT_USER_ERROR) from None

    return wrapper


@contextmanager
def progress(description: str, total: int | None = None) -> Iterator[Callable[..., None]]:
    """A rich progress bar; yields ``update(completed, total)``."""
    with Progress(
        SpinnerColumn(), TextColumn("[progress.description]{task.description}"), BarColumn(),
        MofNCompleteColumn(), TimeElapsedColumn(), console=err_console, transient=False,
    ) as bar:
        task = bar.add_task(description, total=total)

        def update(completed: int, new_total: int | None = None) -> None:
            bar.update(task, completed=completed, total=new_total or total)

        yield update
        # work that ends early (early stopping) still ends as a full bar
        done = bar.tasks[0].completed
        bar.update(task, total=done or None, completed=done)
