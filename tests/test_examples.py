"""The example workflows are valid YAML and every archcheck command in them works."""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
WORKFLOWS = sorted((REPO / "examples").glob("*.yml"))


def commands(workflow: Path) -> list:
    document = yaml.safe_load(workflow.read_text())
    found = []
    for job in document["jobs"].values():
        for step in job["steps"]:
            for line in str(step.get("run", "")).splitlines():
                if line.strip().startswith("archcheck "):
                    found.append(shlex.split(line.strip()))
    return found


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_example_commands_run(workflow: Path, tmp_path: Path) -> None:
    project = tmp_path / "demo"
    shutil.copytree(REPO / "fixtures" / "demo", project, ignore=shutil.ignore_patterns(".archcheck_cache"))
    (project / "reports").mkdir()
    found = commands(workflow)
    assert found, f"{workflow.name} runs no archcheck command"
    for command in found:
        result = subprocess.run([sys.executable, "-m", "archcheck", *command[1:]], cwd=project,
                                capture_output=True, text=True, timeout=300)  # fmt: skip
        assert result.returncode in (0, 1), f"{command}: {result.stderr}"
        assert "Traceback" not in result.stderr
