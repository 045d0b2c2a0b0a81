"""`archcheck --version` and a warm run import nothing they do not use."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
HEAVY = ("libcst", "networkx", "archcheck.rules", "dotenv", "packaging.requirements")


def imported(args: list, cwd: Path) -> set:
    result = subprocess.run([sys.executable, "-X", "importtime", "-m", "archcheck", *args],
                            cwd=cwd, capture_output=True, text=True, timeout=120)  # fmt: skip
    return {line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines() if "|" in line}


def test_version_imports_no_analysis_code(tmp_path: Path) -> None:
    modules = imported(["--version"], tmp_path)
    assert not {m for m in modules for heavy in HEAVY if m == heavy or m.startswith(heavy + ".")}


def test_warm_run_imports_no_analysis_code(tmp_path: Path) -> None:
    project = tmp_path / "demo"
    shutil.copytree(REPO / "fixtures" / "demo", project, ignore=shutil.ignore_patterns(".archcheck_cache"))
    subprocess.run([sys.executable, "-m", "archcheck", "check", "-q"], cwd=project, capture_output=True, timeout=120)
    modules = imported(["check", "-q"], project)
    assert "archcheck.cli" in modules
    assert not {m for m in modules for heavy in HEAVY if m == heavy or m.startswith(heavy + ".")}
