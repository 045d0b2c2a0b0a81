"""The engine's layers, enforced with import-linter: no module imports a layer above its own,
and no two modules import each other (through any chain).

archcheck is installed from two folders (``checker/`` as ``archcheck``, ``rules/`` as
``archcheck.rules``), so the test lays them out as one package in a temporary folder
and lets import-linter and grimp read that copy.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.helpers import REPO

LAYERS = (
    "archcheck.cli",
    "archcheck.api | archcheck.scaffold",
    "archcheck.output",
    "archcheck.pipeline",
    "archcheck.rules",
    "archcheck.rule_api",
    "archcheck.project",
    "archcheck.facts",
    "archcheck.config",
    "archcheck.model | archcheck.fileio | archcheck.logsafe",
)
CONTRACT = """
[importlinter]
root_package = archcheck

[importlinter:contract:layers]
name = archcheck's layers, top to bottom
type = layers
layers =
{layers}
"""


def package_copy(tmp_path: Path) -> Path:
    """``archcheck`` as Python imports it: checker/ with rules/ inside, in a fresh folder."""
    shutil.copytree(REPO / "checker", tmp_path / "archcheck", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(
        REPO / "rules", tmp_path / "archcheck" / "rules", ignore=shutil.ignore_patterns("__pycache__")
    )
    (tmp_path / ".importlinter").write_text(
        CONTRACT.format(layers="\n".join(f"    {layer}" for layer in LAYERS)), encoding="utf-8"
    )
    return tmp_path


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "from importlinter.cli import lint_imports_command; lint_imports_command()",
            "--config",  # (2.17 takes the file as an argument too, and warns; 2.16 takes only this)
            ".importlinter",
            "--no-cache",
        ],
        cwd=root,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(root), "PATH": ""},
        timeout=300,
    )


def test_no_module_imports_a_layer_above_its_own(tmp_path: Path) -> None:
    result = lint_imports(package_copy(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr


def test_an_upward_import_breaks_the_contract(tmp_path: Path) -> None:
    root = package_copy(tmp_path)
    model = root / "archcheck" / "model.py"
    model.write_text(model.read_text(encoding="utf-8") + "\nfrom archcheck.cli import main  # upward\n")
    result = lint_imports(root)
    assert result.returncode == 1 and "archcheck.model -> archcheck.cli" in result.stdout


def test_no_import_cycles_between_modules(tmp_path: Path) -> None:
    """Every import counts: at module level, inside functions, and under TYPE_CHECKING."""
    root = package_copy(tmp_path)
    script = textwrap.dedent("""
        import grimp, networkx
        graph = grimp.build_graph("archcheck")
        edges = [(m, t) for m in graph.modules for t in graph.find_modules_directly_imported_by(m)]
        print(sorted(networkx.simple_cycles(networkx.DiGraph(edges))))
    """)
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=root,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(root), "PATH": ""},
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]", f"import cycles: {result.stdout}"


@pytest.mark.parametrize("layer", [layer.split(" | ")[0] for layer in LAYERS])
def test_every_layer_exists(layer: str) -> None:
    relative = layer.replace("archcheck.rules", "rules").replace("archcheck.", "checker/").replace(".", "/")
    assert (REPO / relative).is_dir() or (REPO / f"{relative}.py").is_file(), layer
