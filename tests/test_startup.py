"""`archcheck --version` and a warm run import nothing they do not use."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.helpers import cli

HEAVY = ("libcst", "networkx", "archcheck.rules", "dotenv", "packaging.requirements")


def imported(args: list, cwd: Path) -> set:
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "archcheck", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return {line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines() if "|" in line}


def test_version_imports_no_analysis_code(tmp_path: Path) -> None:
    modules = imported(["--version"], tmp_path)
    assert not {m for m in modules for heavy in HEAVY if m == heavy or m.startswith(heavy + ".")}


def test_warm_run_imports_no_analysis_code(demo: Path) -> None:
    cli(demo, "check", "-q")  # makes the cache folder: that run keeps no report (see CacheDir.made)
    cli(demo, "check", "-q")
    modules = imported(["check", "-q"], demo)
    assert "archcheck.cli" in modules
    assert not {m for m in modules for heavy in HEAVY if m == heavy or m.startswith(heavy + ".")}
