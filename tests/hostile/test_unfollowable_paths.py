"""Paths the system cannot follow (a loop of links, a name too long, a link that leads nowhere),
named on the command line or found as the config: one line, or the walk's ARC001; never an
internal error, nor a project checked as if it had no configuration (run 122c)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import List

import pytest

from tests.helpers import cli
from tests.hostile._project import project

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="symlinks")

LONG = "a" * 300


def _looped(tmp_path: Path) -> Path:
    root = project(tmp_path, {"a.py": "x = 1\n"})
    (root / "svc" / "app" / "self.py").symlink_to("self.py")
    (root / "loop.toml").symlink_to("loop.toml")
    return root


def test_a_file_in_a_loop_of_links_named_on_the_command_line_is_the_walk_s_arc001(tmp_path: Path) -> None:
    """As a pre-commit hook names the files it changed: the others are still checked."""
    root = _looped(tmp_path)
    result = cli(root, "check", "--no-cache", "svc/app/self.py", "svc/app/a.py")
    assert result.returncode == 1 and "internal error" not in result.stderr
    assert "svc/app/self.py:1:1: ARC001" in result.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["check", "--config", "loop.toml", "."],
        ["audit", "--config", "loop.toml", "."],
        ["graph", "--config", "loop.toml", "."],
        ["check", "--config", LONG + ".toml", "."],
        ["init", "loop.toml"],
        ["init", LONG],
        ["check", LONG + ".py"],
        ["find", "order", "loop.toml"],
        ["find", "order", "dangling"],
    ],
)
def test_a_path_the_system_cannot_follow_is_one_line(tmp_path: Path, args: List[str]) -> None:
    root = _looped(tmp_path)
    (root / "dangling").symlink_to("nowhere")
    result = cli(root, *args)
    assert result.returncode == 2, result.stdout
    assert result.stderr.startswith("archcheck: error: ") and result.stderr.count("\n") == 1, result.stderr


def test_a_report_written_into_a_loop_of_links_is_refused_in_one_line(tmp_path: Path) -> None:
    result = cli(_looped(tmp_path), "report", "-o", "loop.toml", ".")
    assert result.returncode == 2 and "internal error" not in result.stderr
    assert result.stderr.count("\n") == 1 and "loop.toml" in result.stderr


@pytest.mark.parametrize("kind", ["loop", "dangling", "folder"])
def test_a_pyproject_that_cannot_be_read_is_no_project_without_configuration(
    tmp_path: Path, kind: str
) -> None:
    """Passed by, the project was checked with no services: "All checks passed", exit 0."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "svc").mkdir()
    (tmp_path / "svc" / "m.py").write_text("x = 1\n")
    pyproject = tmp_path / "pyproject.toml"
    if kind == "folder":
        pyproject.mkdir()
    else:
        pyproject.symlink_to("pyproject.toml" if kind == "loop" else "missing.toml")
    result = cli(tmp_path, "check", "--no-cache", ".", env={"CI": "true"})
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert "pyproject.toml: cannot read" in result.stderr


def test_a_file_linked_out_of_the_project_named_on_the_command_line_is_the_walk_s_arc001(
    tmp_path: Path,
) -> None:
    """Run 125c/03: named as a PATH (pre-commit, a changed-files run), it stopped the run with
    "outside the project root" (its place is inside; only its link leads out)."""
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "o.py").write_text("x = 1\n")
    (tmp_path / "p").mkdir()
    root = project(tmp_path / "p", {"b.py": 'import httpx\nhttpx.get("http://localhost:9")\n'})
    (root / "svc" / "app" / "o.py").symlink_to(tmp_path / "elsewhere" / "o.py")
    result = cli(root, "check", "--no-cache", "svc/app/o.py", "svc/app/b.py")
    assert result.returncode == 1, result.stderr
    assert "svc/app/o.py:1:1: ARC001" in result.stdout and "svc/app/b.py:2:11: CFG001" in result.stdout
