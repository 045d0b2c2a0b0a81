"""Row 15: `archcheck init` edits pyproject.toml as TOML (tomlkit), never as lines of text."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from tests.helpers import cli

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


def layout(root: Path, pyproject: str, services: tuple[str, ...] = ("api",)) -> Path:
    (root / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    for name in services:
        (root / name).mkdir()
        (root / name / "requirements.txt").write_text("", encoding="utf-8")
        (root / name / "main.py").write_text("x = 1\n", encoding="utf-8")
    return root


def tool(root: Path) -> dict:
    return dict(tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["tool"])


@pytest.mark.skipif(sys.platform == "win32", reason="names with '\\' or '\"' are POSIX only")
def test_service_names_with_quotes_and_backslashes_are_escaped(tmp_path: Path) -> None:
    root = layout(tmp_path, "[project]\nname = 'mono'\n", ('we"ird', "back\\slash"))
    result = cli(root, "init")
    assert result.returncode == 0, result.stderr
    assert tool(root)["archcheck"]["services"] == ["back\\slash", 'we"ird']
    assert cli(root, "check", "-q", "--no-cache").returncode == 0  # a config archcheck reads back


@pytest.mark.parametrize(
    "existing",
    [
        "[tool]\narchcheck = { services = ['old'] }\n",
        "[tool]\narchcheck.services = ['old']\narchcheck.imports.relative = 'off'\n",
        "tool.archcheck.services = ['old']\n",
        "tool = { archcheck = { services = ['old'] }, black = { line-length = 99 } }\n",
    ],
    ids=["inline", "dotted-in-tool", "dotted-top-level", "inline-tool"],
)
def test_an_archcheck_table_in_any_spelling_is_found_and_replaced(tmp_path: Path, existing: str) -> None:
    root = layout(tmp_path, "# keep me\n" + existing)
    refused = cli(root, "init")
    assert refused.returncode == 2
    assert refused.stderr == (
        "archcheck: error: pyproject.toml already has [tool.archcheck]; use --force to replace it\n"
    )
    forced = cli(root, "init", "--force")
    assert forced.returncode == 0, forced.stderr
    assert tool(root)["archcheck"] == {"services": ["api"], "shared": []}
    assert (root / "pyproject.toml").read_text(encoding="utf-8").startswith("# keep me\n")
    if "black" in existing:
        assert tool(root)["black"] == {"line-length": 99}


def test_force_keeps_a_multiline_string_that_looks_like_the_section(tmp_path: Path) -> None:
    other = (
        "[tool.other]\n"
        "template = '''\n[tool.archcheck]\nservices = ['x']\n'''\n"
        "after = 1  # this line used to be deleted\n\n"
        "[tool.archcheck]\nservices = ['old']\n\n[tool.archcheck.imports]\nrelative = 'off'\n"
    )
    root = layout(tmp_path, other)
    assert cli(root, "init", "--force").returncode == 0
    text = (root / "pyproject.toml").read_text(encoding="utf-8")
    assert text.startswith(other.split("\n\n[tool.archcheck]")[0])  # byte for byte, comment included
    assert tool(root)["other"] == {"template": "[tool.archcheck]\nservices = ['x']\n", "after": 1}
    assert tool(root)["archcheck"] == {"services": ["api"], "shared": []}


def test_invalid_existing_files_are_one_line_errors_and_left_alone(tmp_path: Path) -> None:
    root = layout(tmp_path, "tool = 3\n")
    result = cli(root, "init", "--force")
    assert (result.returncode, result.stderr) == (
        2,
        "archcheck: error: pyproject.toml: tool: expected a table\n",
    )
    (root / "pyproject.toml").write_bytes(b"[project]\nname = '\xff'\n")
    result = cli(root, "init", "--force")
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert "pyproject.toml: line 2: not UTF-8" in result.stderr
    assert (root / "pyproject.toml").read_bytes() == b"[project]\nname = '\xff'\n"


def test_a_crlf_pyproject_keeps_its_line_endings(tmp_path: Path) -> None:
    root = layout(tmp_path, "")
    (root / "pyproject.toml").write_bytes(b"[project]\r\nname = 'mono'\r\n")
    assert cli(root, "init").returncode == 0
    data = (root / "pyproject.toml").read_bytes()
    assert data.startswith(b"[project]\r\nname = 'mono'\r\n") and b"[tool.archcheck]\r\n" in data
    assert data.count(b"\n") == data.count(b"\r\n")
    assert tool(root)["archcheck"]["services"] == ["api"]


@pytest.mark.skipif(sys.platform == "win32", reason="FIFOs are POSIX only")
def test_an_archcheck_toml_that_is_not_a_file_is_named(tmp_path: Path) -> None:
    import os

    root = layout(tmp_path, "[project]\nname = 'mono'\n")
    os.mkfifo(root / "archcheck.toml")
    result = cli(root, "init")
    assert result.returncode == 2 and "archcheck.toml is not a regular file" in result.stderr


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks need privileges on Windows")
@pytest.mark.parametrize("exists", [True, False])
def test_a_pyproject_link_out_of_the_project_is_refused(tmp_path: Path, exists: bool) -> None:
    outside = tmp_path / "out"
    outside.mkdir()
    victim = outside / "victim.toml"
    if exists:
        victim.write_text("[project]\nname = 'victim'\n", encoding="utf-8")
    root = tmp_path / "mono"
    root.mkdir()
    layout(root, "")
    (root / "pyproject.toml").unlink()
    (root / "pyproject.toml").symlink_to(victim)
    result = cli(root, "init")
    assert result.returncode == 2
    assert "leads outside the project" in result.stderr and len(result.stderr.splitlines()) == 1
    assert not exists or victim.read_text(encoding="utf-8") == "[project]\nname = 'victim'\n"
    assert exists or not victim.exists()


def test_init_writes_folder_names_as_literal_globs(tmp_path: Path) -> None:
    for name in ("x[ab]", "xa", "br]ack[et", "new\nline", os.fsdecode(b"caf\xe9")):
        try:
            (tmp_path / name / "app").mkdir(parents=True)
        except OSError:
            pytest.skip("the file system refuses these names")
        (tmp_path / name / "app" / "m.py").write_text("import os\n")
        (tmp_path / name / "requirements.txt").write_text("httpx\n")
    written = cli(tmp_path, "init")
    assert written.returncode == 0
    services = tool(tmp_path)["archcheck"]["services"]
    # neither a control character nor a byte that is not UTF-8 can be configured
    assert sorted(services) == ["br]ack[[]et", "x[[]ab]", "xa"]
    # and what init says it wrote is what it wrote
    assert "  services (3): " in written.stdout
    assert "left out (a name TOML cannot hold" in written.stdout and "new\\nline" in written.stdout
    result = cli(tmp_path, "check")
    assert result.returncode == 0 and " 3 services)" in result.stdout, result.stdout + result.stderr


@pytest.mark.parametrize("value", ["nan", "-nan", "inf", "1.50"])
def test_a_float_of_another_tool_is_kept_as_written(tmp_path: Path, value: str) -> None:
    root = layout(tmp_path, f"[project]\nname = 'mono'\n\n[tool.sometool]\nthreshold = {value}\n")
    result = cli(root, "init")
    assert result.returncode == 0, result.stderr
    assert f"threshold = {value}\n" in (root / "pyproject.toml").read_text(encoding="utf-8")
    assert tool(root)["archcheck"]["services"] == ["api"]


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_force_replaces_the_table_in_its_place_keeping_the_comments_after_it(
    tmp_path: Path, newline: str
) -> None:
    """Run 117c/01: tomlkit keeps the comments after a table's last key in that table, so
    deleting it deleted the comment that introduces the next table (and a file's footer), and
    the new table was written at the file's end."""
    text = (
        "[project]\nname = 'x'\n\n[tool.archcheck]\nservices = ['old']\n\n[tool.archcheck.ssot]\nx = 1\n"
        "# poetry settings below\n[tool.poetry]\na = 1\n\n"
        "# black: keep 100 columns (ADR-7)\n[tool.black]\nline-length = 100\n# vim: set ft=toml:\n"
    )
    root = layout(tmp_path, "")
    (root / "pyproject.toml").write_bytes(text.replace("\n", newline).encode())
    assert cli(root, "init", "--force").returncode == 0
    written = (root / "pyproject.toml").read_bytes().decode().replace(newline, "\n")
    assert written.index("[tool.archcheck]") < written.index("[tool.poetry]") < written.index("[tool.black]")
    assert "shared = []\n# poetry settings below\n[tool.poetry]\n" in written
    assert "\n\n# black: keep 100 columns (ADR-7)\n[tool.black]\n" in written
    assert written.endswith("line-length = 100\n# vim: set ft=toml:\n")
    assert tool(root)["archcheck"] == {"services": ["api"], "shared": []}


@pytest.mark.parametrize(
    ("existing", "kept"),
    [
        # (118c/01: a sub-table alone; an array of tables last; an inline table's key order)
        (
            "[tool.archcheck.ssot]\nx = 1\n\n# release reads below\n[project]\nname = 'x'\n",
            "# release reads below\n[project]",
        ),
        (
            "[tool.archcheck]\nservices = []\n[[tool.archcheck.x]]\na = 1\n\n# keep\n[project]\nname = 'x'\n",
            "# keep\n[project]",
        ),
        ("tool = {archcheck = {services = ['old']}, other = 1}\n", "}, other = 1}"),
        (
            "[tool.archcheck]\nservices = []\n\n[project]\nname = 'x'\n\n[tool.archcheck.ssot]\nx = 1\n\n[tool.z]\nq = 2\n",
            "[project]\nname = 'x'\n\n[tool.z]",
        ),
    ],
    ids=["sub-table", "array-of-tables", "inline", "out-of-order"],
)
def test_force_keeps_the_place_and_the_comments_of_every_spelling(
    tmp_path: Path, existing: str, kept: str
) -> None:
    root = layout(tmp_path, existing)
    assert cli(root, "init", "--force").returncode == 0
    written = (root / "pyproject.toml").read_text(encoding="utf-8")
    assert kept in written and not written.startswith("\n"), written
    assert written.find("archcheck") < written.find("[project]") or "[project]" not in written
    assert tool(root)["archcheck"] == {"services": ["api"], "shared": []}


def test_init_refuses_a_layout_with_a_folder_it_cannot_list(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run 119c/06: a folder that could not be listed was left out without a word, and
    `init --force` over a working section wrote one without its services."""
    from click.testing import CliRunner

    from archcheck.cli import cli as archcheck_cli
    from tests.helpers import refuse_listing

    root = layout(tmp_path, "[tool.archcheck]\nservices = ['api', 'billing']\n")
    (root / "billing").mkdir()
    (root / "billing" / "requirements.txt").write_text("httpx\n")
    (root / "billing" / "main.py").write_text("x = 1\n")
    before = (root / "pyproject.toml").read_bytes()
    refuse_listing(monkeypatch, "billing")
    result = CliRunner().invoke(archcheck_cli, ["init", "--force", str(root)])  # (its error: exit 2 in main)
    assert type(result.exception).__name__ == "UserError", result.output
    assert str(result.exception).startswith("cannot list billing: ") and "nothing written" in str(
        result.exception
    )
    assert (root / "pyproject.toml").read_bytes() == before
