"""Row 16: with a full disk (a file size limit, as `prlimit --fsize` sets), every file archcheck
writes is left whole: baseline, index, audit history and report, init's pyproject.toml, --output."""

from __future__ import annotations

import errno
import os
import re
import stat
import subprocess
import sys
from pathlib import Path
from typing import Callable

import pytest

from archcheck.fileio import WriteError, write_atomic
from tests.helpers import REPO, cli

resource = pytest.importorskip("resource")  # POSIX: RLIMIT_FSIZE

LIMIT = 64  # bytes: smaller than anything the commands below write
ASYNC_RUN = "import asyncio\n\n\nasync def start():\n    asyncio.run(start())\n"


def full_disk(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``archcheck ARGS`` where no file can grow past LIMIT bytes (writes fail with EFBIG)."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (LIMIT, LIMIT))

    command = [sys.executable, "-m", "archcheck", *args]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=300, preexec_fn=limit)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text('[tool.archcheck]\nservices = ["svc"]\n', encoding="utf-8")
    app = tmp_path / "svc" / "app"
    app.mkdir(parents=True)
    (tmp_path / "svc" / "requirements.txt").write_text("httpx\n", encoding="utf-8")
    for name in ("a", "b", "c"):
        (app / f"{name}.py").write_text(ASYNC_RUN, encoding="utf-8")
    return tmp_path


def unchanged_after(path: Path, run: Callable[[], subprocess.CompletedProcess[str]]) -> str:
    """Run a command that must fail to write ``path``: the file keeps every byte, no temporary
    file is left beside it, and the error is one line naming the file. Returns that line."""
    before = path.read_bytes()
    result = run()
    assert result.returncode == 2, result.stderr
    assert path.read_bytes() == before
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".tmp-")]
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert f"{path.name}: cannot write: " in result.stderr
    return result.stderr


def test_baseline_prune_on_a_full_disk_keeps_the_baseline(project: Path) -> None:
    assert cli(project, "baseline").returncode == 0
    (project / "svc" / "app" / "c.py").write_text("x = 1\n", encoding="utf-8")  # one entry to prune
    unchanged_after(project / "archcheck-baseline.json", lambda: full_disk(project, "baseline", "--prune"))


def test_init_force_on_a_full_disk_keeps_pyproject(project: Path) -> None:
    pyproject = project / "pyproject.toml"
    pyproject.write_text("[project]\nname = 'mono'\ndescription = '" + "x" * 100 + "'\n", encoding="utf-8")
    unchanged_after(pyproject, lambda: full_disk(project, "init", "--force"))


def test_index_audit_and_output_on_a_full_disk_keep_the_old_files(project: Path) -> None:
    index, report, history = project / "MASTER_INDEX.md", project / "report.txt", project / "audit.jsonl"
    assert cli(project, "index").returncode == 0
    assert cli(project, "check", "--output", str(report)).returncode == 1
    assert cli(project, "audit", "--history", str(history)).returncode == 0
    unchanged_after(index, lambda: full_disk(project, "index"))
    unchanged_after(report, lambda: full_disk(project, "check", "--output", str(report)))
    unchanged_after(history, lambda: full_disk(project, "audit", "--history", str(history)))
    audit = project / "audit.md"
    audit.write_text("an earlier report\n", encoding="utf-8")
    unchanged_after(audit, lambda: full_disk(project, "audit", "--output", str(audit)))


def test_write_atomic_keeps_the_old_file_when_the_write_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "kept.json"
    target.write_text("old", encoding="utf-8")

    def no_space(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", no_space)
    with pytest.raises(WriteError, match=r"kept\.json: cannot write: No space left on device"):
        write_atomic(target, "new")
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["kept.json"]


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions and symlinks")
def test_write_atomic_keeps_permissions_follows_links_and_writes_devices_in_place(tmp_path: Path) -> None:
    real = tmp_path / "real.toml"
    real.write_text("old", encoding="utf-8")
    real.chmod(0o640)
    link = tmp_path / "link.toml"
    link.symlink_to(real)
    write_atomic(link, "new")
    assert link.is_symlink() and real.read_text(encoding="utf-8") == "new"
    assert stat.S_IMODE(real.stat().st_mode) == 0o640
    write_atomic(Path(os.devnull), "nothing")  # a device is written, never replaced
    assert Path(os.devnull).is_char_device()


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="only root may give a file away")
def test_a_file_replaced_by_root_keeps_its_owner_and_group(tmp_path: Path) -> None:
    """Run 77: ``check --fix`` run as root (a container fixing a mounted checkout) left every
    fixed file owned by root; the rename kept the mode, not the owner."""
    source = tmp_path / "m.py"
    source.write_text("old", encoding="utf-8")
    os.chown(source, 1000, 1000)
    source.chmod(0o640)
    write_atomic(source, "new", inside=tmp_path, edit=True)
    info = source.stat()
    assert (info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode)) == (1000, 1000, 0o640)
    assert source.read_text(encoding="utf-8") == "new"


def test_every_writer_goes_through_the_atomic_helper() -> None:
    """No module but archcheck.fileio writes a file, so no writer can truncate one."""
    writes = re.compile(r"\.write_(text|bytes)\(|os\.replace\(|mkstemp\(|open\([^)]*['\"][wax]b?['\"]")
    offenders = [
        f"{path.relative_to(REPO)}:{number}"
        for folder in ("checker", "rules")
        for path in sorted((REPO / folder).rglob("*.py"))
        if path.name != "fileio.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if writes.search(line)
    ]
    assert offenders == []


def test_a_step_summary_cut_short_by_a_full_disk_is_taken_back(project: Path) -> None:
    summary = project / "summary.md"
    summary.write_text("PREVIOUS STEP\n" * 3)  # under the limit; the findings' table is not
    env = {**os.environ, "GITHUB_STEP_SUMMARY": str(summary)}

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (LIMIT, LIMIT))

    command = [sys.executable, "-m", "archcheck", "check", "--format", "github"]
    subprocess.run(command, cwd=project, capture_output=True, timeout=300, preexec_fn=limit, env=env)
    assert summary.read_text() == "PREVIOUS STEP\n" * 3  # nothing half written was left


def test_a_step_summary_pipe_nobody_reads_fails_at_once(tmp_path: Path) -> None:
    """A FIFO held open but never read, and a summary over the pipe's 64 KiB: the write
    returned None (would block) and the loop spun at full CPU for good."""
    fifo = tmp_path / "summary.fifo"
    os.mkfifo(fifo)
    held = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # a reader that never reads
    try:
        code = (
            "import sys\nfrom archcheck.fileio import append_log\n"
            "try:\n    append_log(sys.argv[1], lambda size: b'x' * 200_000)\n"
            "except OSError as exc:\n    print('refused', exc.strerror)\n"
        )
        result = subprocess.run(
            [sys.executable, "-c", code, str(fifo)], capture_output=True, text=True, timeout=60
        )
    finally:
        os.close(held)
    assert result.stdout.strip() == "refused nobody reads it", result.stderr


def test_a_step_summary_that_would_pass_1_mib_is_not_written(project: Path) -> None:
    """A summary file an earlier step filled to 1 MiB - 100 bytes: the header was written whole
    and GitHub dropped the step's summary, all of it."""
    from archcheck.output.step_summary import LIMIT as SUMMARY_LIMIT

    summary = project / "summary.md"
    before = b"x" * (SUMMARY_LIMIT - 100)
    summary.write_bytes(before)
    env = {**os.environ, "GITHUB_STEP_SUMMARY": str(summary)}
    command = [sys.executable, "-m", "archcheck", "check", "--format", "github"]
    result = subprocess.run(command, cwd=project, capture_output=True, text=True, timeout=300, env=env)
    assert "is not written: it already holds" in result.stderr
    assert summary.read_bytes() == before


def test_a_fix_leaves_a_file_with_hard_links_alone(tmp_path: Path) -> None:
    """Run 125c/06: each name was fixed through a new file in its place, which parted the hard
    links (a pair of symbolic links was refused already)."""
    from tests.helpers import cli
    from tests.hostile._project import project

    code = "import asyncio\n\n\nasync def main():\n    asyncio.run(work())\n"
    root = project(tmp_path, {"a.py": code})
    os.link(root / "svc" / "app" / "a.py", root / "svc" / "app" / "b.py")
    result = cli(root, "check", "--no-cache", "--fix", ".")
    assert "hard links" in result.stdout + result.stderr
    assert os.stat(root / "svc" / "app" / "a.py").st_nlink == 2
    assert (root / "svc" / "app" / "a.py").read_text() == code
