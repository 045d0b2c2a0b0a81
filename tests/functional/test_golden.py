"""Golden outputs: the command line's text, GitHub and statistics output on every fixture,
the rule catalogue and every rule's docs, byte for byte.

A restructuring of the engine must leave all of them unchanged. To record new
goldens after an intended change, run with ARCHCHECK_UPDATE_GOLDEN=1 and
review the diff.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import List

import pytest

from tests.helpers import REPO, copy_fixture

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("ARCHCHECK_UPDATE_GOLDEN") == "1"
FIXTURES = sorted(p.name for p in (REPO / "fixtures").iterdir() if p.is_dir())
FORMATS = {"txt": ["--show-fixes"], "github": ["--format", "github"], "stats": ["--statistics"]}


def run(cwd: Path, args: List[str]) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "archcheck", *args], cwd=cwd, capture_output=True, text=True, timeout=300
    )
    return f"exit {result.returncode}\n--- stdout\n{result.stdout}--- stderr\n{result.stderr}"


def compare(name: str, actual: str) -> None:
    golden = GOLDEN / name
    if UPDATE:
        golden.write_text(actual, encoding="utf-8")
    assert actual == golden.read_text(encoding="utf-8"), f"{name} differs from its golden output"


@pytest.mark.parametrize("fixture", FIXTURES)
def test_output_on_every_fixture_is_unchanged(tmp_path: Path, fixture: str) -> None:
    project = copy_fixture(tmp_path, fixture)
    for suffix, args in FORMATS.items():
        compare(f"{fixture}.{suffix}", run(project, ["check", "--no-cache", *args]))


def test_catalogue_and_docs_are_unchanged(tmp_path: Path) -> None:
    catalogue = subprocess.run([sys.executable, "-m", "archcheck", "rules"], capture_output=True, text=True)
    compare("rules.txt", catalogue.stdout)
    codes = [line.split()[0] for line in catalogue.stdout.splitlines()]
    docs = [
        subprocess.run(
            [sys.executable, "-m", "archcheck", "explain", code], capture_output=True, text=True
        ).stdout
        for code in codes
    ]
    compare("explain.txt", "\n".join(docs))
