"""The time-window options: the same flags on every command, one reading, one-line errors."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from creditwatch.cli import options
from creditwatch.cli.main import app
from creditwatch.windows import Window, WindowError

NOW = datetime(2026, 3, 10, 12, 30, tzinfo=UTC)
DEFAULT = timedelta(days=7)
WINDOW_FLAGS = ("--days", "--hours", "--since", "--until")
runner = CliRunner()


def _options(*path: str) -> dict[str, tuple[tuple[str, ...], str | None]]:
    """The options of a command: first flag -> (every flag, help)."""
    command: Any = typer.main.get_command(app)
    for name in path:
        command = command.commands[name]
    return {p.opts[0]: (tuple(p.opts), p.help) for p in command.params
            if p.param_type_name == "option"}


def test_every_window_command_has_the_same_flags() -> None:
    """drift run, drift history and alerts check take the same --days/--hours/--since/--until
    (same names, same help); the history and report commands share the duration grammar."""
    commands = {path: _options(*path) for path in
                (("drift", "run"), ("drift", "history"), ("alerts", "check"))}
    reference = {flag: commands["drift", "run"][flag] for flag in WINDOW_FLAGS}
    for path, found in commands.items():
        assert {flag: found.get(flag) for flag in WINDOW_FLAGS} == reference, path
    assert "--every" in commands["drift", "history"]
    report_every = _options("report", "run")["--every"][1]
    assert report_every is not None and "s, m, h, d or w" in report_every
    assert "s, m, h, d or w" in (commands["drift", "history"]["--every"][1] or "")


def test_no_option_is_the_default_length_before_now() -> None:
    """Without window options the window is the command's default length ending now."""
    assert options.window(None, None, None, None, default=DEFAULT, now=NOW) == \
        Window(NOW - DEFAULT, NOW)


@pytest.mark.parametrize(("days", "hours", "since", "until", "start", "end"), [
    (2.0, None, None, None, NOW - timedelta(days=2), NOW),
    (0.5, None, None, None, NOW - timedelta(hours=12), NOW),
    (None, 12.0, None, None, NOW - timedelta(hours=12), NOW),
    (None, None, "2026-03-01", None, datetime(2026, 3, 1, tzinfo=UTC), NOW),
    (None, None, "7d", None, NOW - timedelta(days=7), NOW),
    (None, None, "7d", "1d", NOW - timedelta(days=7), NOW - timedelta(days=1)),
    (None, None, "2026-03-01T00:00+01:00", "2026-03-02Z", datetime(2026, 2, 28, 23, tzinfo=UTC),
     datetime(2026, 3, 2, tzinfo=UTC)),
    (1.0, None, None, "2026-03-02", datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 3, 2, tzinfo=UTC)),
    (None, None, None, "2026-03-02", datetime(2026, 3, 2, tzinfo=UTC) - DEFAULT,
     datetime(2026, 3, 2, tzinfo=UTC)),
])
def test_options_name_their_window(days: float | None, hours: float | None, since: str | None,
                                   until: str | None, start: datetime, end: datetime) -> None:
    """--days/--hours are the last N before --until; --since/--until are ISO times (naive =
    UTC) or durations back from now."""
    window = options.window(days, hours, since, until, default=DEFAULT, now=NOW)
    assert (window.start, window.end) == (start, end)


@pytest.mark.parametrize(("days", "hours", "since", "until", "message"), [
    (1.0, None, "7d", None, "give one of --days, --hours and --since, not --days and --since"),
    (1.0, 2.0, None, None, "not --days and --hours"),
    (0.0, None, None, None, "--days must be positive"),
    (None, -3.0, None, None, "--hours must be positive"),
    (None, None, "2026-03-05", "2026-03-01", "is not after its start"),
    (None, None, "1d", "7d", "is not after its start"),
    (None, None, "tomorrow", None, "'tomorrow' is neither an ISO 8601 date"),
    (None, None, None, "5x", "'5x' is neither an ISO 8601 date"),
    (1e12, None, None, None, "too long"),
])
def test_bad_options_are_window_errors(days: float | None, hours: float | None,
                                       since: str | None, until: str | None, message: str) -> None:
    """Two ways of giving the start, a non-positive length, an end before the start or
    unreadable text is a WindowError saying which."""
    with pytest.raises(WindowError) as caught:
        options.window(days, hours, since, until, default=DEFAULT, now=NOW)
    assert message in str(caught.value)


def test_history_windows_are_aligned_and_default_to_the_last_thirty() -> None:
    """A history is the aligned windows of --every over the range (30 of them by default,
    plus the one still open); --every uses the duration grammar; absurd counts are refused."""
    default = options.history("1d", None, None, None, None, now=NOW)
    assert len(default) == 31 and default[0].start == datetime(2026, 2, 8, tzinfo=UTC)
    assert default[-1].contains(NOW)
    six = options.history("6h", None, None, "2026-03-01T05:00", "2026-03-02", now=NOW)
    assert [w.bounds[0].hour for w in six] == [0, 6, 12, 18]
    with pytest.raises(WindowError, match="is not a duration"):
        options.history("daily", None, None, None, None, now=NOW)
    with pytest.raises(WindowError, match="at most 10,000"):
        options.history("1s", 30.0, None, None, None, now=NOW)


@pytest.mark.parametrize("args", [
    ["drift", "run", "--days", "1", "--since", "7d"],
    ["drift", "run", "--since", "2026-03-05", "--until", "2026-03-01"],
    ["drift", "history", "--every", "5x"],
    ["drift", "history", "--since", "last tuesday"],
    ["drift", "history", "--until", "a long text " * 20],  # one line even wider than the console
    ["alerts", "check", "--hours", "0"],
    ["alerts", "check", "--hours", "2", "--days", "1"],
    ["report", "run", "--every", "soon"],
])
def test_cli_errors_are_one_line_with_exit_code_2(args: list[str], tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Each window-taking command refuses bad window options with one line and exit code 2,
    before it touches a store or runs anything."""
    monkeypatch.setenv("CREDITWATCH_ROOT", str(tmp_path))
    from creditwatch.config import get_settings

    get_settings.cache_clear()
    try:
        result = runner.invoke(app, args + (["--reports-dir", str(tmp_path)]
                                            if args[0] == "report" else []))
    finally:
        get_settings.cache_clear()
    lines = result.output.strip().splitlines()
    assert result.exit_code == 2, result.output
    assert len(lines) == 1 and lines[0].startswith("error:"), result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "data").exists() and not (tmp_path / "runs").exists()


def test_alerts_check_reads_the_window_options(tmp_path: Path) -> None:
    """`alerts check --since ... --until ...` checks exactly that window of the store."""
    env = {"CREDITWATCH_ROOT": str(tmp_path), "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-m", "creditwatch.cli.main", "alerts", "check",
                          "--since", "2026-01-01", "--until", "2026-01-02T06:00Z"],
                         env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "window 2026-01-01 00:00 → 2026-01-02 06:00 UTC: 0 predictions" in out.stdout
