"""The pre-commit hook, run by real pre-commit on throwaway git repos made from fixtures."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PRE_COMMIT = [sys.executable, "-m", "pre_commit"]
GIT_ENV = {
    "GIT_AUTHOR_NAME": "archcheck tests",
    "GIT_AUTHOR_EMAIL": "tests@example.invalid",
    "GIT_COMMITTER_NAME": "archcheck tests",
    "GIT_COMMITTER_EMAIL": "tests@example.invalid",
}

pytestmark = pytest.mark.integration


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, env={**os.environ, **GIT_ENV})


def make_repo(tmp_path: Path, fixture: str) -> Path:
    target = tmp_path / fixture
    shutil.copytree(REPO / "fixtures" / fixture, target, ignore=shutil.ignore_patterns(".archcheck_cache"))
    git(target, "init", "-q")
    git(target, "add", "-A")
    git(target, "commit", "-q", "-m", "initial")
    return target


def try_repo(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, **GIT_ENV, "PRE_COMMIT_HOME": str(REPO / ".pre-commit-cache")}
    return subprocess.run(
        [*PRE_COMMIT, "try-repo", str(REPO), "archcheck", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=900,
        env=env,
    )


def test_hook_fails_on_violations_and_passes_on_a_clean_tree(tmp_path: Path) -> None:
    dirty = try_repo(make_repo(tmp_path, "demo"), "--all-files")
    assert dirty.returncode == 1, dirty.stdout + dirty.stderr
    assert "ASY001" in dirty.stdout and "IMP001" in dirty.stdout
    clean = try_repo(make_repo(tmp_path, "clean_services"), "--all-files")
    assert clean.returncode == 0, clean.stdout + clean.stderr


def test_hook_reports_the_staged_file(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, "clean_services")
    new = repo / "services" / "orders-service" / "app" / "jobs.py"
    new.write_text("import asyncio\n\n\nasync def nightly():\n    asyncio.run(asyncio.sleep(0))\n")
    git(repo, "add", str(new.relative_to(repo)))
    result = try_repo(repo)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "services/orders-service/app/jobs.py:5:5: ASY001" in result.stdout


def test_a_committed_file_named_like_an_option_is_a_file_to_the_hook(tmp_path: Path) -> None:
    """pre-commit passes file names after the entry: a committed ``--output=/abs/victim.py``
    (it ends in ``.py``) was read as ``--output`` and the findings overwrote a file outside
    the checkout. The entry ends archcheck's options with ``--``."""
    victim = tmp_path / "victim.py"
    victim.write_text("print('mine')\n")
    repo = make_repo(tmp_path, "clean_services")
    named = repo / f"--output={victim}"
    named.parent.mkdir(parents=True)
    named.write_text("x = 1\n")
    git(repo, "add", "-A")
    result = try_repo(repo)
    assert victim.read_text() == "print('mine')\n"
    assert result.returncode == 0, result.stdout + result.stderr


def test_hook_reports_what_a_staged_shared_file_breaks_elsewhere(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, "clean_services")
    (repo / "requirements.shared.txt").write_text("celery==5.4.0\n")
    for service in ("orders-service", "billing-service"):
        (repo / "services" / service / "requirements.txt").write_text(
            "-r ../../requirements.shared.txt\ncelery==5.4.0\n"
        )
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "services pin celery")
    (repo / "requirements.shared.txt").write_text("celery==5.4.0\nhttpx==0.27.0\n")  # unrelated edit
    git(repo, "add", "requirements.shared.txt")  # only the shared file is staged
    result = try_repo(repo)
    assert result.returncode == 1, result.stdout + result.stderr
    # the services' copies of the shared line are findings the staged file takes part in
    assert "services/orders-service/requirements.txt:2:1: REQ002" in result.stdout
    assert "services/billing-service/requirements.txt:2:1: REQ002" in result.stdout


def test_strict_hook_with_a_baseline_passes_a_clean_commit(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, "demo")
    config = (repo / "pyproject.toml").read_text()
    strict = '[tool.archcheck]\nstrict = true\nbaseline = "archcheck-baseline.json"\n'
    (repo / "pyproject.toml").write_text(config.replace("[tool.archcheck]\n", strict, 1))
    subprocess.run([sys.executable, "-m", "archcheck", "baseline"], cwd=repo, check=True, capture_output=True)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "baseline")
    new = repo / "netra_backend" / "app" / "health.py"
    new.write_text("def ok() -> bool:\n    return True\n")
    git(repo, "add", str(new.relative_to(repo)))
    result = try_repo(repo)
    # the baseline's entries for files not staged are not "fixed": nothing fails this commit
    assert result.returncode == 0, result.stdout + result.stderr
    assert "now fixed" not in result.stdout
