"""A baseline the config names is a file of the project: never a path or a link out of it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.hostile._project import CONFIG, project, run


@pytest.mark.parametrize("value", ['"/etc/passwd"', '"../outside.json"'])
def test_a_config_baseline_outside_the_project_is_a_config_error(tmp_path: Path, value: str) -> None:
    root = project(tmp_path, {"a.py": "x = 1\n"}, CONFIG + f"baseline = {value}\n")
    result = run(root)
    assert result.returncode == 2 and b"baseline" in result.stderr and b"inside the project" in result.stderr
    assert b"root:" not in result.stderr  # nothing of the file is quoted


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks")
def test_a_config_baseline_linked_out_of_the_project_is_not_read(tmp_path: Path) -> None:
    outside = tmp_path / "secret.json"
    outside.write_text('{"auths": {"registry": "token"}}')
    (tmp_path / "p").mkdir()
    root = project(tmp_path / "p", {"a.py": "x = 1\n"}, CONFIG + 'baseline = "known.json"\n')
    (root / "known.json").symlink_to(outside)
    result = run(root)
    assert result.returncode == 2 and b"leads outside the project" in result.stderr
    assert b"auths" not in result.stderr
    pruned = subprocess.run(  # `baseline --prune` read it (and quoted its keys) before refusing to write
        [sys.executable, "-m", "archcheck", "baseline", "--prune"], cwd=root, capture_output=True, timeout=300
    )
    assert pruned.returncode == 2 and b"leads outside the project" in pruned.stderr
    assert b"auths" not in pruned.stderr
