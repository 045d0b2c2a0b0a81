"""A .gitignore or docker-compose file that is there but cannot be read (a FIFO, a device, a link
out of the project) is an ARC001 finding, never skipped in silence: what it would have said
(ignored files, container host names) is missing from the run."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from tests.hostile._project import project, run

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="FIFOs and symlinks")


def _arc001(root: Path) -> dict:
    result = run(root, "--no-cache", "--format", "json", "--select", "ARC001")
    return {v["path"]: v["message"] for v in json.loads(result.stdout)["violations"]}


def test_unreadable_gitignore_and_compose_files_are_reported(tmp_path: Path) -> None:
    outside = tmp_path / "outside.yml"
    outside.write_text("services: {}\n")
    (tmp_path / "p").mkdir()
    root = project(tmp_path / "p", {"a.py": "x = 1\n"})
    os.mkfifo(root / ".gitignore")
    os.symlink("/dev/zero", root / "svc" / ".gitignore")
    os.mkfifo(root / "docker-compose.yml")
    os.symlink(outside, root / "svc" / "compose.yaml")
    found = _arc001(root)
    assert set(found) == {".gitignore", "svc/.gitignore", "docker-compose.yml", "svc/compose.yaml"}, found
    assert "services: {}" not in json.dumps(found)  # a foreign file is never quoted


def test_a_missing_gitignore_is_no_finding(tmp_path: Path) -> None:
    root = project(tmp_path, {"a.py": "x = 1\n"})
    (root / "docker-compose.yml").write_text("services:\n  api:\n    image: x\n")
    assert _arc001(root) == {}
