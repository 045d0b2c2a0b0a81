"""Audit reports (Markdown, HTML) from a checkout with hostile file and service names: always
valid UTF-8, and the history is appended only once the report is written."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.hostile._project import project

DUPLICATE = "class Manager:\n    pass\n"


def _audit(root: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "archcheck", "audit", *args], cwd=root, capture_output=True, timeout=300
    )


@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_a_non_utf8_file_name_gives_valid_utf8(tmp_path: Path, fmt: str) -> None:
    try:
        root = project(tmp_path, {"bad\udcff x.py": DUPLICATE, "b.py": DUPLICATE})
    except OSError:
        pytest.skip("the file system refuses non-UTF-8 names")
    result = _audit(root, "--format", fmt, "--history", "h.jsonl", "-o", "x.out")
    assert result.returncode == 0, result.stderr
    written = (root / "x.out").read_bytes().decode("utf-8")
    assert "bad\ufffd x.py" in written
    assert len((root / "h.jsonl").read_bytes().splitlines()) == 1
    printed = _audit(root, "--format", fmt)
    assert printed.returncode == 0, printed.stderr
    assert "bad\ufffd x.py" in printed.stdout.decode("utf-8")


def test_no_history_when_the_report_cannot_be_written(tmp_path: Path) -> None:
    root = project(tmp_path, {"a.py": DUPLICATE, "b.py": DUPLICATE})
    result = _audit(root, "--history", "h.jsonl", "-o", "missing/x.md")
    assert result.returncode == 2 and b"cannot write" in result.stderr
    assert not (root / "h.jsonl").exists()


@pytest.mark.skipif(sys.platform == "win32", reason="such names are POSIX only")
def test_no_html_line_starts_with_a_name_from_the_checkout(tmp_path: Path) -> None:
    files = {"a\n::error::x.py": DUPLICATE, "b\r::error::y.py": DUPLICATE}
    root = project(tmp_path, files, 'services = ["svc*"]\n')
    (root / "svc").rename(root / "svc\n::error::z")
    result = _audit(root, "--format", "html")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.decode("utf-8").splitlines()
    assert not [line for line in lines if "::" in line and not line.startswith("<")]
    page = result.stdout.decode("utf-8")
    assert "svc\\n::error::z" in page and "a\\n::error::x.py" in page and "b\\r::error::y.py" in page


@pytest.mark.parametrize("command", [["report", "--output", "r.html"], ["audit"]])
def test_a_history_linked_out_of_the_checkout_is_not_read(tmp_path: Path, command: list) -> None:  # type: ignore[type-arg]
    """``--history reports/h.jsonl``, a committed link to a file outside: its dates and totals
    went into the page, and an error quoted one of its keys."""
    outside = tmp_path / "outside.jsonl"
    outside.write_text('{"date": "2026-01-01", "totals": {}, "services": {}, "aws_secret_key_x": 1}\n')
    (tmp_path / "p").mkdir()
    root = project(tmp_path / "p", {"a.py": "x = 1\n"})
    (root / "reports").mkdir()
    (root / "reports" / "h.jsonl").symlink_to(outside)
    result = subprocess.run(
        [sys.executable, "-m", "archcheck", *command, "--history", "reports/h.jsonl"],
        cwd=root, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 2 and "leads outside the project" in result.stderr, result.stderr
    assert "aws_secret" not in result.stderr and not (root / "r.html").exists()


def test_a_history_linked_into_git_is_not_read(tmp_path: Path) -> None:
    """``h.jsonl -> .git/config``: its lines (a remote URL with a token) went into the error."""
    root = project(tmp_path, {"a.py": "x = 1\n"})
    (root / ".git").mkdir()
    (root / ".git" / "config").write_text('{"url": "https://x:TOKEN@example.com"}\n')
    (root / "h.jsonl").symlink_to(".git/config")
    result = _audit(root, "--history", "h.jsonl")
    assert result.returncode == 2 and b"version-control folder" in result.stderr, result.stderr
    assert b"TOKEN" not in result.stderr + result.stdout


def test_a_history_date_is_a_timestamp_not_a_payload(tmp_path: Path) -> None:
    """The date is repeated in every point of the trend chart: a 16 MB date made a 134 MB page."""
    root = project(tmp_path, {"a.py": "x = 1\n"})
    (root / "h.jsonl").write_text('{"date": "' + "9" * 100_000 + '", "totals": {}, "services": {}}\n')
    for command in (["report", "--output", "r.html"], ["audit"]):
        result = subprocess.run(
            [sys.executable, "-m", "archcheck", *command, "--history", "h.jsonl"],
            cwd=root, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert result.returncode == 2 and "h.jsonl:1: not an audit run" in result.stderr, result.stderr
        assert "length <= 64" in result.stderr and len(result.stderr) < 300


def test_a_history_date_holding_a_secret_is_shown_masked(tmp_path: Path) -> None:
    """Run 93: the trend chart's titles showed a history line's date as written."""
    root = project(tmp_path, {"a.py": DUPLICATE, "b.py": DUPLICATE})
    line = '{"date": "postgresql://a:zq8Xk2Lm9Rv4@h", "totals": {}, "services": {}}\n'
    for command in (["report", "--output", "-"], ["audit", "--format", "html", "-o", "-"]):
        (root / "h.jsonl").write_text(line)
        result = subprocess.run(
            [sys.executable, "-m", "archcheck", *command, "--history", "h.jsonl"],
            cwd=root, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        # (a date holding other characters than a timestamp's is `***` whole)
        assert result.returncode in (0, 1) and "postgresql" not in result.stdout, result.stderr
        assert "zq8Xk2Lm9Rv4" not in result.stdout + result.stderr
