"""The step summary asks git which files a pull request changes: git must read the checkout's
own repository, never one that files of the pull request make it discover."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from archcheck.output.step_summary import changed_files

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")

FAKE_CONFIG = """[core]
\trepositoryformatversion = 1
\tbare = true
[extensions]
\tpartialClone = origin
[remote "origin"]
\turl = "ext::sh -c touch% {marker}% >&2"
\tpromisor = true
[protocol "ext"]
\tallow = always
"""


def git(cwd: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args], cwd=cwd, check=True, capture_output=True
    )


def test_a_folder_made_a_bare_repository_by_a_pull_request_is_not_read(tmp_path: Path) -> None:
    checkout, marker = tmp_path / "checkout", tmp_path / "PWNED"
    backend = checkout / "backend"
    (backend / "svc").mkdir(parents=True)
    (backend / "svc" / "main.py").write_text("x = 1\n")
    git(checkout.parent, "init", "-q", "-b", "main", str(checkout))
    git(checkout, "add", "-A")
    git(checkout, "commit", "-q", "-m", "base")
    git(checkout, "update-ref", "refs/remotes/origin/main", "HEAD")
    # the pull request: plain files that make backend/ look like a bare repository
    for folder in ("objects/info", "refs/heads", "refs/remotes/origin"):
        (backend / folder).mkdir(parents=True)
    (backend / "HEAD").write_text("ref: refs/heads/main\n")
    (backend / "objects" / "info" / "packs").write_text("pack\n")
    (backend / "refs" / "heads" / "main").write_text("1" * 40 + "\n")
    (backend / "refs" / "remotes" / "origin" / "main").write_text("2" * 40 + "\n")
    (backend / "config").write_text(FAKE_CONFIG.format(marker=marker))
    (backend / "svc" / "main.py").write_text("x = 2\n")
    git(checkout, "add", "-A")
    git(checkout, "commit", "-q", "-m", "pull request")
    changed = changed_files(str(backend), "main")
    assert not marker.exists(), "a command from the pull request's config ran"
    assert changed is not None and "svc/main.py" in changed  # from the checkout's own repository


def test_a_linked_worktree_reads_the_repositorys_excludes(tmp_path: Path) -> None:
    """In a worktree (or a submodule) ``.git`` is a file naming the repository folder."""
    from tests.hostile._project import project, run

    (tmp_path / "main").mkdir()
    main = project(tmp_path / "main", {"main.py": "x = 1\n"})
    git(main, "init", "-q", "-b", "main")
    git(main, "add", "-A")
    git(main, "commit", "-q", "-m", "base")
    (main / ".git" / "info" / "exclude").write_text("excl_*.py\n")
    git(main, "worktree", "add", "-q", str(tmp_path / "linked"))
    linked = tmp_path / "linked"
    assert (linked / ".git").is_file()
    (linked / "svc" / "app" / "excl_local.py").write_text(
        "import asyncio\n\nasync def f():\n    asyncio.run(f())\n"
    )
    result = run(linked, "--no-cache")
    assert result.returncode == 0, result.stdout


def test_a_cache_folder_committed_to_git_is_not_used(tmp_path: Path) -> None:
    """Entries forced into a commit (``git add -f``) come from whoever made it: they could say
    that a changed file has no findings."""
    from tests.hostile._project import project, run

    root = project(tmp_path, {"main.py": "x = 1\n"})
    git(root, "init", "-q", "-b", "main")
    assert run(root).returncode == 0
    git(root, "add", "-A")
    git(root, "add", "-f", ".archcheck_cache")
    git(root, "commit", "-q", "-m", "a pull request with a cache")
    result = run(root)
    assert "not used: it holds files committed to git" in result.stderr.decode()
    git(root, "rm", "-q", "-r", "--cached", ".archcheck_cache")
    assert b"not used" not in run(root).stderr


def test_a_cache_folder_git_cannot_vouch_for_is_not_used(tmp_path: Path) -> None:
    """In a checkout where git is missing (a slim CI image), a committed cache cannot be told
    from archcheck's own: it is not trusted."""
    import os

    from tests.hostile._project import project, run

    root = project(tmp_path, {"main.py": "x = 1\n"})
    git(root, "init", "-q", "-b", "main")
    assert run(root).returncode == 0
    import sys

    env = {**os.environ, "PATH": str(tmp_path / "no-git-here")}
    command = [sys.executable, "-m", "archcheck", "check"]
    result = subprocess.run(command, cwd=root, env=env, capture_output=True, timeout=300)
    assert "git cannot tell" in result.stderr.decode() and result.returncode == 0
