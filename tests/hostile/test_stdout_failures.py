"""Standard output that cannot be written (a full disk, a closed descriptor) is exit 2 with one
line on stderr, never an internal error."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path
from typing import IO, Any, List

import pytest

from tests.hostile._project import project

LOOPBACK = 'URL = "http://localhost:8000"\n'


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize(
    "args", [["check"], ["check", "--format", "json"], ["audit"], ["rules"], ["--version"]]
)
def test_a_full_stdout_is_one_line_and_exit_2(tmp_path: Path, args: List[str]) -> None:
    root = project(tmp_path, {"main.py": LOOPBACK})
    with open("/dev/full", "w") as full:
        result = _archcheck(root, args, full)
    assert result.returncode == 2
    assert result.stderr.decode() == "archcheck: error: stdout: cannot write: No space left on device\n"


@pytest.mark.skipif(sys.platform == "win32", reason="a POSIX shell closes the descriptor")
def test_a_closed_stdout_is_exit_2(tmp_path: Path) -> None:
    root = project(tmp_path, {"main.py": LOOPBACK})
    command = f"exec {shlex.quote(sys.executable)} -m archcheck check >&-"
    result = subprocess.run(["sh", "-c", command], cwd=root, capture_output=True, timeout=300)
    assert result.returncode == 2
    assert result.stderr.decode() == "archcheck: error: stdout: cannot write: it is closed\n"
    written = subprocess.run(["sh", "-c", command.replace(">&-", "-o out.txt >&-")], cwd=root, timeout=300)
    assert written.returncode == 1 and "CFG001" in (root / "out.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("args", [["check", "--exit-zero"], ["check", "--format", "sarif"], ["rules"]])
def test_a_pipe_closed_by_its_reader_is_exit_2(tmp_path: Path, args: List[str]) -> None:
    """Run 72: ``archcheck check | head`` ended with exit 1, the code of findings, and no word,
    also for a clean project and ``--exit-zero`` (click ends a run so on a broken pipe)."""
    root = project(tmp_path, {"main.py": "x = 1\n"})
    reader, writer = os.pipe()
    os.close(reader)  # the reader has gone before a line is written
    with os.fdopen(writer, "w") as pipe:
        result = _archcheck(root, args, pipe)
    assert result.returncode == 2
    assert result.stderr.decode() == "archcheck: error: stdout: cannot write: Broken pipe\n"


def _archcheck(
    root: Path, args: List[str], stdout: IO[str], stderr: Any = subprocess.PIPE, file_size: int = 0
) -> subprocess.CompletedProcess[bytes]:
    """``python -m archcheck ARGS`` writing to ``stdout``, files limited to ``file_size`` bytes."""
    return subprocess.run(
        [sys.executable, "-m", "archcheck", *args],
        cwd=root,
        stdout=stdout,
        stderr=stderr,
        timeout=300,
        preexec_fn=(lambda: _limit_file_size(file_size)) if file_size else None,
    )


def _limit_file_size(size: int) -> None:
    import resource
    import signal

    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # the write fails with EFBIG, as on a full disk
    resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX resource limits")
@pytest.mark.parametrize("args", [["check"], ["check", "--format", "sarif", "--exit-zero"], ["audit"]])
def test_output_cut_short_is_one_line_and_exit_2(tmp_path: Path, args: List[str]) -> None:
    """A write the system cuts short (a file size limit, a disk that fills up mid-write): Python's
    own buffer would drop the rest without an error, and a report would end early under exit 0."""
    root = project(tmp_path, {"main.py": LOOPBACK * 3})
    with open(tmp_path / "out.txt", "w") as out:
        result = _archcheck(root, args, out, file_size=100)
    assert (tmp_path / "out.txt").stat().st_size == 100
    assert result.returncode == 2
    assert result.stderr.decode() == "archcheck: error: stdout: cannot write: File too large\n"


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX resource limits")
@pytest.mark.parametrize("args", [[], ["--exit-zero"]])
def test_both_streams_cut_short_is_still_exit_2(tmp_path: Path, args: List[str]) -> None:
    """``> log 2>&1`` on a full disk: the one-line error cannot be written either, but the exit
    code must not read as "findings" (1) or "clean" (0)."""
    root = project(tmp_path, {"main.py": "x = 1\n"})
    with open(tmp_path / "log", "w") as log:  # "All checks passed" is cut short
        result = _archcheck(root, ["check", *args], log, log, file_size=20)
    assert result.returncode == 2
    assert "Traceback" not in (tmp_path / "log").read_text()
