"""The command-line reference, generated from the Typer app.

Every command and group under ``creditwatch``, in the order ``creditwatch --help`` lists
them, with its help text, usage and each parameter's help line as ``--help`` prints it
(defaults and ranges included). A new command or option appears in the docs as soon as it
exists.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import typer

from creditwatch.cli.main import app
from creditwatch.docgen.markdown import table, text

PROGRAM = "creditwatch"


def reference_markdown(level: int = 2) -> str:
    """One section per command, its heading at ``level`` (``## `creditwatch synth` ``) and a
    group's commands one level below (``### `creditwatch drift run` ``)."""
    parts = []
    for path, command, ctx in _commands():
        name = " ".join(path)
        helps = [text(block) for block in (command.help or "").split("\n\n") if block.strip()]
        parts.append("#" * (level + len(path) - 2) + f" `{name}`\n\n" + "\n\n".join(helps))
        if _is_group(command):
            continue
        parts.append("```text\n" + " ".join([name, *command.collect_usage_pieces(ctx)]) + "\n```")
        rows = []
        for param in command.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is not None and record[0] != "--help":
                rows.append([f"`{record[0]}`", text(record[1]) or "–"])
        if rows:
            parts.append(table(["parameter", "meaning"], rows))
    return "\n\n".join(parts) + "\n"


def command_names() -> list[str]:
    """Every command's full name (``creditwatch drift run``), groups included."""
    return [" ".join(path) for path, _, _ in _commands()]


def _commands() -> Iterator[tuple[list[str], Any, Any]]:
    root = typer.main.get_command(app)
    yield from _walk(root, root.make_context(PROGRAM, [], resilient_parsing=True), [PROGRAM])


def _walk(group: Any, ctx: Any, path: list[str]) -> Iterator[tuple[list[str], Any, Any]]:
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        if command is None or command.hidden:
            continue
        sub = command.make_context(name, [], parent=ctx, resilient_parsing=True)
        yield [*path, name], command, sub
        if _is_group(command):
            yield from _walk(command, sub, [*path, name])


def _is_group(command: Any) -> bool:
    return hasattr(command, "list_commands")
