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
    TaskID,
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
            err_console.print(f"[bold red]error:[/] {exc}", soft_wrap=True)  # one line, any width
            raise typer.Exit(EXIT_USER_ERROR) from None

    return wrapper


class Bar:
    """One rich task: ``bar(completed)``, ``bar.advance(n)``, ``bar.describe(text)``."""

    def __init__(self, progress: Progress, task: TaskID, total: int | None) -> None:
        self._progress, self._task, self._total = progress, task, total
        self.completed = 0

    def __call__(self, completed: int, total: int | None = None) -> None:
        self.completed = completed
        self._progress.update(self._task, completed=completed, total=total or self._total)

    def advance(self, n: int = 1) -> None:
        self(self.completed + n)

    def describe(self, text: str) -> None:
        self._progress.update(self._task, description=text)


@contextmanager
def progress(description: str, total: int | None = None, *,
             transient: bool = False) -> Iterator[Bar]:
    """A rich progress bar on stderr (``transient``: removed when done, for a preliminary
    step whose bar would only clutter what follows)."""
    with Progress(
        SpinnerColumn(), TextColumn("[progress.description]{task.description}"), BarColumn(),
        MofNCompleteColumn(), TimeElapsedColumn(), console=err_console, transient=transient,
    ) as rich_bar:
        bar = Bar(rich_bar, rich_bar.add_task(description, total=total), total)
        try:
            yield bar
        except BaseException:
            rich_bar.live.transient = True  # an error ends in its one line, not a half bar
            raise
        # work that ends early (early stopping) still ends as a full bar
        done = rich_bar.tasks[0].completed
        rich_bar.update(rich_bar.tasks[0].id, total=done or None, completed=done)
