"""Run 89b: started in a folder that was deleted meanwhile, archcheck printed "internal error"
(the console script) or a traceback (``python -m archcheck``) from ``os.getcwd()``, even for
an absolute project path. It is exit 2 with one line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.mark.skipif(sys.platform == "win32", reason="a working directory cannot be removed there")
@pytest.mark.parametrize("entry", ["-m", "-c"])
def test_a_deleted_working_directory_is_one_line(tmp_path: Path, entry: str) -> None:
    project = tmp_path / "proj"
    (project / "svc" / "app").mkdir(parents=True)
    (project / "pyproject.toml").write_text('[tool.archcheck]\nservices = ["svc"]\n')
    (project / "svc" / "app" / "m.py").write_text("x = 1\n")
    gone = tmp_path / "gone"
    gone.mkdir()
    command = ["-m", "archcheck"] if entry == "-m" else ["-c", "from archcheck.cli import main; main()"]
    script = f"import os, subprocess, sys; os.chdir({str(gone)!r}); os.rmdir({str(gone)!r}); "
    script += (
        f"sys.exit(subprocess.run([sys.executable, *{command!r}, 'check', {str(project)!r}]).returncode)"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=120, env=env)
    assert result.returncode == 2, result.stderr
    assert result.stderr.decode().splitlines() == [
        "archcheck: error: cannot read the working directory: No such file or directory"
    ]
