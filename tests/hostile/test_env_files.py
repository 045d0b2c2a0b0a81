""".env files: lines numbered as python-dotenv numbers them, whatever ends them; none it would
take quadratic time over."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Iterator

import pytest
from dotenv.parser import Binding

from tests.hostile._project import CONFIG, TEMPLATE, cli_bytes, project, run

BAD_URL = "DATABASE_URL=postgresql://a:b@h/db"


def _env_project(tmp_path: Path, env: bytes) -> Path:
    root = project(tmp_path, {"main.py": "import os\n"}, CONFIG + TEMPLATE)
    (root / "svc" / ".env").write_bytes(env)
    return root


def _out(root: Path, *args: str) -> str:
    result = run(root, "--no-cache", *args)
    assert result.returncode in (0, 1), result.stderr
    return result.stdout.decode("utf-8")


def test_env_lines_end_where_python_dotenv_ends_them() -> None:
    from archcheck.pipeline.snippets import numbered_lines

    lines = numbered_lines(".env", "A=1\rB=2\r\nC=3\nD=\x0c\x85\u2028\n")
    assert lines == ["A=1", "B=2", "C=3", "D=\x0c\x85\u2028", ""]  # not at a form feed, NEL or U+2028


def test_a_baseline_names_the_env_line_after_a_lone_cr(tmp_path: Path) -> None:
    """python-dotenv ends a line at a lone CR: the finding is on line 3, and its baseline
    identity is that line's text, so another value there is a new finding."""
    root = _env_project(tmp_path, f"A=1\rB=2\n{BAD_URL}\n".encode())
    assert "svc/.env:3:1: CFG002" in _out(root)
    cli_bytes(root, "baseline")
    assert run(root, "--baseline", "archcheck-baseline.json").returncode == 0
    (root / "svc" / ".env").write_bytes(b"A=1\rB=2\nDATABASE_URL=mysql://root:x@elsewhere/other\n")
    out = _out(root, "--baseline", "archcheck-baseline.json")
    assert "svc/.env:3:1: CFG002" in out and "mysql://root:***@elsewhere/other" in out


def test_a_finding_after_blank_lines_is_on_its_keys_line(tmp_path: Path) -> None:
    """python-dotenv reads the blank lines before a key with it: the finding, and a suppression
    comment on the key's line, are on the key's line, not on the first blank one."""
    root = _env_project(tmp_path, f"A=1\n\n\r\n{BAD_URL}\n\n \rB='x' y\n".encode())
    out = _out(root)
    assert "svc/.env:4:1: CFG002" in out and "svc/.env:7:1: ARC001" in out
    (root / "svc" / ".env").write_bytes(f"A=1\n\n{BAD_URL}  # archcheck: ignore[CFG002]\n".encode())
    assert "CFG002" not in _out(root, "--strict") and "ARC002" not in _out(root)


def test_a_long_run_of_white_space_is_an_arc001_and_the_lines_after_are_read(tmp_path: Path) -> None:
    """python-dotenv's inline-comment pattern takes time that grows with the square of a run of
    white space no "#" follows (100,000 spaces: half a minute; a 5 MB file: a day)."""
    root = _env_project(tmp_path, b"A=x" + b" " * 20_000 + b"y\r" + BAD_URL.encode() + b"\n")
    out = _out(root)
    assert "svc/.env:1:4: ARC001" in out and "holds 20000 white-space characters in a row" in out
    assert "svc/.env:2:1: CFG002" in out


@pytest.mark.parametrize("space", [" ", "\t", "\x0b", "\x1f", "\x85", "\u2028", "\u3000"])
def test_python_dotenv_is_never_handed_a_long_run_of_white_space(
    monkeypatch: pytest.MonkeyPatch, space: str
) -> None:
    from archcheck.facts import dotenv

    handed = []

    def parse_stream(stream: io.StringIO) -> Iterator[Binding]:
        handed.append(stream.read())
        return real(io.StringIO(handed[-1]))

    real = dotenv.parse_stream
    monkeypatch.setattr(dotenv, "parse_stream", parse_stream)
    lines = [f"A=x{space * 257}y", f"B=x{space * 256}y", f"C=x{space * 1000}# a comment", "D=1"]
    entries, problems, _ = dotenv.parse_env(".env", "{}\r\n{}\r{}\n{}".format(*lines).encode())
    assert [(p.location.line, p.location.column, p.location.end_column) for p in problems] == [(1, 4, 261)]
    assert [(e.key, e.value, e.location.line) for e in entries] == [
        ("B", f"x{space * 256}y", 2),
        ("C", "x", 3),
        ("D", "1", 4),
    ]
    runs = re.finditer(r"[^\S\r\n]+", handed[0])
    assert max(len(run[0]) for run in runs if not handed[0].startswith("#", run.end())) == 256


def test_a_env_file_larger_than_any_real_one_is_not_read(tmp_path: Path) -> None:
    """python-dotenv is linear but slow (about 100 KB of short lines a second): a .env file
    over 256 KB is an ARC001, not minutes of parsing."""
    root = _env_project(tmp_path, b"x\n" * 140_000 + BAD_URL.encode() + b"\n")
    out = _out(root)
    assert "svc/.env:1:1: ARC001" in out and "over the .env limit (0.25 MB)" in out
    assert "CFG002" not in out
