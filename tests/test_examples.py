"""The example workflows are valid YAML and every archcheck command in them works."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
import yaml

from tests.helpers import REPO, cli, copy_fixture

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
    project = copy_fixture(tmp_path, "demo")
    (project / "reports").mkdir()
    found = commands(workflow)
    assert found, f"{workflow.name} runs no archcheck command"
    for command in found:
        result = cli(project, *command[1:])
        assert result.returncode in (0, 1), f"{command}: {result.stderr}"
        assert "Traceback" not in result.stderr
