"""A baseline, an audit history or a config file that is a device or a FIFO (or a link to one),
or far too large, is exit 2 with one line: never read until memory runs out, never a hang."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Callable

import pytest

from archcheck.fileio import read_regular
from tests.hostile.test_bad_input_files import one_line_error

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="FIFOs and /dev/zero are POSIX only")

NOT_REGULAR = "not a regular file"


def _limited() -> None:  # without the fix, reading /dev/zero fails fast instead of exhausting memory
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))


def cli(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "archcheck", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=_limited,
    )


def _project(root: Path, config: str = 'services = ["svc"]\n') -> Path:
    (root / "archcheck.toml").write_text(config, encoding="utf-8")
    (root / "svc" / "app").mkdir(parents=True)
    (root / "svc" / "requirements.txt").write_text("httpx\n", encoding="utf-8")
    (root / "svc" / "app" / "main.py").write_text("import asyncio\n", encoding="utf-8")
    return root


def _zero(path: Path) -> None:
    path.symlink_to("/dev/zero")


MAKERS: dict[str, Callable[[Path], None]] = {"fifo": os.mkfifo, "zero": _zero}


@pytest.mark.parametrize("kind", MAKERS)
def test_a_special_baseline_is_refused(tmp_path: Path, kind: str) -> None:
    root = _project(tmp_path)
    MAKERS[kind](root / "special.json")
    # named on the command line, a committed link to /dev/zero is refused before it is opened
    reason = NOT_REGULAR if kind == "fifo" else "leads outside the project"
    one_line_error(cli(root, "check", "--baseline", "special.json"), "special.json", reason)
    (root / "archcheck.toml").write_text('services = ["svc"]\nbaseline = "special.json"\n', encoding="utf-8")
    one_line_error(cli(root, "check"), "special.json", NOT_REGULAR)
    one_line_error(cli(root, "baseline", "--prune"), "special.json", NOT_REGULAR)


@pytest.mark.parametrize("kind", MAKERS)
def test_a_special_audit_history_is_refused(tmp_path: Path, kind: str) -> None:
    root = _project(tmp_path)
    MAKERS[kind](root / "history")
    # a committed link to /dev/zero leads out of the checkout: refused before it is opened
    reason = NOT_REGULAR if kind == "fifo" else "leads outside the project"
    one_line_error(cli(root, "audit", "--history", "history"), "history", reason)
    one_line_error(cli(root, "audit", "--history", "/dev/zero"), "/dev/zero", NOT_REGULAR)


@pytest.mark.parametrize("kind", MAKERS)
@pytest.mark.parametrize("name", ["archcheck.toml", "pyproject.toml"])
def test_a_special_config_file_is_refused(tmp_path: Path, kind: str, name: str) -> None:
    root = _project(tmp_path)
    (root / "archcheck.toml").unlink()
    MAKERS[kind](root / name)
    one_line_error(cli(root, "check"), name, NOT_REGULAR)
    one_line_error(cli(root, "check", "--config", name), NOT_REGULAR)
    if name == "pyproject.toml":
        one_line_error(cli(root, "init"), name, NOT_REGULAR)
        one_line_error(cli(root, "init", "--force"), name, NOT_REGULAR)


def test_a_huge_baseline_is_refused_unread(tmp_path: Path) -> None:
    root = _project(tmp_path)
    with open(root / "huge.json", "wb") as stream:
        stream.truncate(100 << 20)  # sparse: no disk used
    one_line_error(cli(root, "check", "--baseline", "huge.json"), "huge.json", "too large")


def test_read_regular(tmp_path: Path) -> None:
    (tmp_path / "a").write_bytes(b"abc")
    assert read_regular(tmp_path / "a") == b"abc"
    with pytest.raises(OSError, match="too large"):
        read_regular(tmp_path / "a", limit=2)
    with pytest.raises(FileNotFoundError):
        read_regular(tmp_path / "missing")
    with pytest.raises(OSError, match=NOT_REGULAR):
        read_regular("/dev/zero")
    with pytest.raises(OSError, match=NOT_REGULAR):
        read_regular(tmp_path)
