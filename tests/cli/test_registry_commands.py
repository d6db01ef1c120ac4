"""`creditwatch model list | show | promote | retire | challenge | migrate` in a subprocess,
as an operator runs them, on a project with a legacy bundle and two more versions."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

from creditwatch.features import FeaturePipeline
from creditwatch.model.bundle import ModelBundle, save_bundle
from creditwatch.registry import CHALLENGER, CHAMPION, pointed, version_dir


def run(args: list[str], root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CREDITWATCH_ROOT": str(root)}
    env.pop("DATABASE_URL", None)
    return subprocess.run([sys.executable, "-m", "creditwatch.cli.main", "model", *args],
                          env=env, capture_output=True, text=True, timeout=600, cwd=root)


def refused(out: subprocess.CompletedProcess[str], words: str) -> None:
    """Exit code 2 and one line naming the problem."""
    assert out.returncode == 2, out.stdout + out.stderr
    assert words in out.stderr and "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1, out.stderr


def test_the_model_commands_move_the_pointers_and_refuse_in_one_line(
        tmp_path: Path, bundle_dir: Path, bundle: ModelBundle,
        other_bundle: ModelBundle) -> None:
    """migrate brings artifacts/model in as champion; list and show describe versions;
    promote moves the champion and refuses another input; retire refuses the champion;
    challenge sets and clears the challenger; wrong names exit 2 with one line."""
    artifacts = tmp_path / "artifacts"
    refused(run(["migrate"], tmp_path), "nothing to migrate")
    shutil.copytree(bundle_dir, artifacts / "model")
    out = run(["migrate"], tmp_path)
    assert out.returncode == 0 and "champion now" in out.stdout, out.stderr
    assert pointed(artifacts, CHAMPION) == bundle.version
    save_bundle(other_bundle, version_dir(artifacts, other_bundle.version))
    maps = {k: [*v, "NEW_LEVEL"] for k, v in bundle.pipeline.category_maps.items()}
    wider = replace(bundle, pipeline=FeaturePipeline(maps), version="", extra=dict(bundle.extra))
    save_bundle(wider, version_dir(artifacts, wider.version))

    listed = run(["list", "--json"], tmp_path)
    assert listed.returncode == 0, listed.stderr
    cards = {c["version"]: c for c in json.loads(listed.stdout)}
    assert set(cards) == {bundle.version, other_bundle.version, wider.version}
    assert cards[bundle.version]["role"] == CHAMPION
    table = run(["list"], tmp_path)
    assert table.returncode == 0 and bundle.version in table.stdout
    assert "protected used" in table.stdout and "CODE_GENDER" in table.stdout
    shown = run(["show", other_bundle.version], tmp_path)
    assert shown.returncode == 0 and f"threshold {other_bundle.threshold:.4f}" in shown.stdout
    refused(run(["show", "../etc"], tmp_path), "not a model version")

    refused(run(["promote", wider.version], tmp_path), "reads a different input")
    out = run(["promote", other_bundle.version], tmp_path)
    assert out.returncode == 0, out.stderr
    assert f"champion: {bundle.version} -> {other_bundle.version}" in out.stdout
    refused(run(["retire", other_bundle.version], tmp_path), "is the champion")

    refused(run(["challenge"], tmp_path), "give a VERSION or --off")
    out = run(["challenge", bundle.version], tmp_path)
    assert out.returncode == 0 and pointed(artifacts, CHALLENGER) == bundle.version
    out = run(["retire", bundle.version], tmp_path)
    assert out.returncode == 0 and "no challenger now" in out.stdout
    assert pointed(artifacts, CHALLENGER) is None
    refused(run(["challenge", bundle.version], tmp_path), "is retired")
    assert run(["challenge", "--off"], tmp_path).returncode == 0
    assert pointed(artifacts, CHAMPION) == other_bundle.version
