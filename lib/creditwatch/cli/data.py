"""``creditwatch synth``: schema-faithful synthetic applications."""

from __future__ import annotations

from pathlib import Path

import typer

from creditwatch.cli.common import console, guarded
from creditwatch.config import get_settings


def synth(
    rows: int = typer.Option(10_000, "--rows", "-n", min=1, help="Number of applications."),
    seed: int = typer.Option(42, "--seed", help="Random seed (same seed, same rows)."),
    out: Path | None = typer.Option(
        None, "--out", "-o",
        help="Output file (.parquet or .csv); default data/synthetic/applications.parquet."),
    drift: str = typer.Option(
        "none", "--drift",
        help="Drift setting KIND:INTENSITY, e.g. gradual:0.3, sudden:0.7, feature_shift:0.5."),
) -> None:
    """Generate synthetic applications (with TARGET and the true default probability)."""
    _synth(rows, seed, out, drift)


@guarded
def _synth(rows: int, seed: int, out: Path | None, drift: str) -> None:
    from creditwatch.files.loader import write_applications
    from creditwatch.synthetic.generator import generate
    from creditwatch.synthetic.shift import DriftSpec

    spec = DriftSpec.parse(drift)
    out = out or get_settings().paths.data / "synthetic" / "applications.parquet"
    with console.status(f"generating {rows:,} applications"):
        frame = generate(rows, seed, spec)
        write_applications(frame, out)
    console.print(f"wrote {len(frame):,} rows to {out} (default rate {frame['TARGET'].mean():.2%}, "
                  f"drift {drift})")


def register(app: typer.Typer) -> None:
    app.command("synth")(synth)
