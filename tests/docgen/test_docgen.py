"""The generated reference pages: what they say about settings, commands and packages."""

from __future__ import annotations

from pathlib import Path

import pytest

from creditwatch.config import Settings, env_names
from creditwatch.config_groups import AlertsConfig, DriftConfig, PathsConfig, StoreConfig
from creditwatch.docgen import markdown
from creditwatch.docgen.commands import command_names
from creditwatch.docgen.commands import reference_markdown as commands_markdown
from creditwatch.docgen.packages import package_dependencies, package_table
from creditwatch.docgen.settings import (
    UndocumentedSetting,
    default_text,
    reference_markdown,
    type_text,
)

LIB = Path(__file__).resolve().parents[2] / "lib" / "creditwatch"


def test_types_and_defaults_read_as_an_operator_writes_them() -> None:
    """Types carry their bounds, defaults are written as in the environment, and the root's
    machine-specific default path is not printed."""
    drift = DriftConfig.model_fields
    assert type_text(drift["alpha"]) == "number"
    assert type_text(drift["min_rows"]) == "integer ≥ 1"
    assert type_text(drift["min_jensen_shannon"]) == "number in [0, 1]"
    assert type_text(AlertsConfig.model_fields["email_to"]) == "JSON list of text"
    assert type_text(StoreConfig.model_fields["url"]) == "text"
    assert default_text(drift["max_rows"]) == "`5000`"
    assert default_text(AlertsConfig.model_fields["smtp_starttls"]) == "`true`"
    assert default_text(AlertsConfig.model_fields["email_to"]) == "`[]`"
    assert default_text(StoreConfig.model_fields["url"]) == "unset"
    assert default_text(PathsConfig.model_fields["root"]) == "derived (see description)"


def test_each_field_row_holds_its_variables_in_precedence_order() -> None:
    """A field's row names the field, its type and default, its description and every
    variable that sets it, the nested form first."""
    row = next(line for line in reference_markdown().splitlines()
               if line.startswith("| `drift.alert_share`"))
    assert "number" in row and "`0.3`" in row and "older name" in row
    variables = ", ".join(f"`{v}`" for v in env_names("drift", "alert_share"))
    assert variables in row
    assert env_names("drift", "alert_share")[0] == "CREDITWATCH_DRIFT__ALERT_SHARE"


def test_a_setting_without_a_description_fails_the_reference(monkeypatch: pytest.MonkeyPatch
                                                             ) -> None:
    """A field, or a group, whose description is missing or blank stops the reference (and
    with it the docs build), naming it."""
    monkeypatch.setattr(DriftConfig.model_fields["alpha"], "description", "  ")
    with pytest.raises(UndocumentedSetting, match=r"drift\.alpha"):
        reference_markdown()
    monkeypatch.undo()
    monkeypatch.setattr(Settings.model_fields["alerts"], "description", None)
    with pytest.raises(UndocumentedSetting, match="'alerts'"):
        reference_markdown()


def test_markdown_text_escapes_html_outside_code_only() -> None:
    """``<data>`` outside backticks becomes text, not a tag; inside a code span it stays."""
    assert markdown.text("default <data>.scores.parquet") == "default &lt;data&gt;.scores.parquet"
    assert markdown.text("Default: `<root>/data`  and  a*b") == r"Default: `<root>/data` and a\*b"
    assert markdown.cell("predict|batch") == r"predict\|batch"
    assert markdown.from_docstring("``x`` and :mod:`.codes`", package="explain") == (
        "`x` and `explain.codes`")


def test_commands_are_listed_with_their_usage_and_options() -> None:
    """Groups and their commands appear in --help order, each command with its usage and
    options, the --help option left out."""
    names = command_names()
    assert names[0] == "creditwatch synth"
    assert names.index("creditwatch drift") < names.index("creditwatch drift run")
    text = commands_markdown(level=3)
    assert "#### `creditwatch drift run`" in text and "### `creditwatch drift`" in text
    assert "creditwatch outcomes load [OPTIONS] {file}" in text
    assert "`--every DURATION`" in text and "`--help`" not in text


def test_package_dependencies_fold_modules_to_their_part() -> None:
    """Module imports count once per top-level part; imports inside a part and of the root
    package's ``__init__`` are not dependencies."""
    graph = {
        "creditwatch": set(),
        "creditwatch.api.app": {"creditwatch.api.state", "creditwatch.store.repository",
                                "creditwatch"},
        "creditwatch.api.state": {"creditwatch.spool.spool", "creditwatch.store"},
        "creditwatch.store.repository": {"creditwatch.config"},
        "creditwatch.config": set(),
        "creditwatch.spool.spool": set(),
    }
    assert package_dependencies(graph, "creditwatch") == {
        "api": {"spool", "store"}, "store": {"config"}, "config": set(), "spool": set()}


def test_the_package_table_shows_owners_and_users() -> None:
    """A row gives the part's docstring summary, what it imports and what imports it."""
    graph = {"creditwatch.writer.writer": {"creditwatch.spool.spool", "creditwatch.store"},
             "creditwatch.spool.spool": set(), "creditwatch.store": set()}
    rows = package_table(graph, LIB).splitlines()[2:]
    writer = next(r for r in rows if r.startswith("| `writer`"))
    assert "ships the spool to the store" in writer
    assert writer.endswith("| `spool`, `store` | – |")
    spool = next(r for r in rows if r.startswith("| `spool`"))
    assert spool.endswith("| – | `writer` |")
