"""The comparison report on disk: ``reports/retrain/<time>_<challenger version>.json`` (every
figure, ``HoldoutComparison.to_dict``) and a short Markdown page beside it (headline table,
calibration by PD band, approval rate and TPR by protected group)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from creditwatch.retrain.compare import HoldoutComparison


def write_report(comparison: HoldoutComparison, training: dict[str, Any], reports: Path, *,
                 now: datetime | None = None) -> tuple[Path, Path]:
    """Write the JSON and Markdown reports under ``reports/retrain``; return both paths."""
    now = now or datetime.now(UTC)
    models = comparison.to_dict()["models"]
    folder = reports / "retrain"
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"{now:%Y-%m-%dT%H%M%S}_{models[-1]['version']}"
    data = {"created_at": now.isoformat(timespec="seconds"), "training_data": training,
            **comparison.to_dict()}
    json_path, md_path = folder / f"{stem}.json", folder / f"{stem}.md"
    json_path.write_text(json.dumps(data, indent=1, default=str))
    md_path.write_text(markdown(data))
    return json_path, md_path


def _num(value: Any, fmt: str) -> str:
    return "–" if value is None else format(value, fmt)


def markdown(data: dict[str, Any]) -> str:
    """The Markdown page of a report's JSON data."""
    models, hold = data["models"], data["holdout"]
    lines = [f"# Retraining report {data['created_at']}", "",
             f"Hold-out: the {hold['rows']:,} most recent labelled applications "
             f"({hold['defaults']:,} defaults) from {hold.get('holdout_since') or '–'}, "
             "kept out of the new model's training.", "",
             "| model | version | threshold | AUC | cost | cost / application | approval rate "
             "| miscalibrated bands |", "|---|---|---:|---:|---:|---:|---:|---:|"]
    for m in models:
        lines.append(f"| {m['role']} | {m['version']} | {m['threshold']:.4f} | "
                     f"{_num(m['auc'], '.4f')} | {m['cost']:,.0f} | "
                     f"{_num(m['cost_per_application'], '.4f')} | {m['approval_rate']:.1%} | "
                     f"{m['miscalibrated_bands']} |")
    lines += ["", "## Calibration by PD band (expected against observed defaults)", "",
              "| band | " + " | ".join(f"{m['role']} n | expected | observed" for m in models)
              + " |", "|---|" + "---:|---:|---:|" * len(models)]
    bands = [m["realized"]["calibration"] for m in models]
    for i, row in enumerate(bands[0]):
        cells = [f"{b[i]['n']} | {_num(b[i]['expected'], '.1f')} | {b[i]['observed']}"
                 for b in bands]
        lines.append(f"| {row['band']} | " + " | ".join(cells) + " |")
    for attribute in models[0]["groups"]:
        lines += ["", f"## {attribute}: approval rate and TPR by group", "",
                  "| group | n | " + " | ".join(f"{m['role']} approval | {m['role']} TPR"
                                                for m in models) + " |",
                  "|---|---:|" + "---:|---:|" * len(models)]
        for i, row in enumerate(models[0]["groups"][attribute]):
            cells = [f"{_num(g[i]['approval_rate'], '.1%')} | {_num(g[i]['tpr'], '.1%')}"
                     for g in (m["groups"][attribute] for m in models)]
            lines.append(f"| {row['group']} | {row['n']} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
