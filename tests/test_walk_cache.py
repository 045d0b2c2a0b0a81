"""The walk kept in the cache: reused while nothing discovery looked at changed, redone when
anything did; whatever happens, a cached walk finds what a fresh one finds."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path
from typing import Callable, List

import pytest

from archcheck.api import load_settings
from archcheck.pipeline import walk_cache
from archcheck.pipeline.cache import CLOCK_SLACK_NS, CacheDir
from archcheck.project.discovery import discover, walk_files
from archcheck.project.layout import Layout
from tests.helpers import refuse_listing

POSIX = pytest.mark.skipif(os.name != "posix", reason="symbolic links as POSIX has them")


def write(root: Path, rel: str, text: str = "") -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.fixture
def root(tmp_path: Path) -> Path:
    project = tmp_path / "p"
    for rel in ("svc/requirements.txt", "svc/app/a.py", "svc/app/sub/b.py", "shared/s.py"):
        write(project, rel)
    write(project, "archcheck.toml", 'services = ["svc"]\nshared = ["shared"]\n')
    write(project, ".gitignore", "*.gen.py\n")
    CacheDir(project / ".archcheck_cache", project).ensure()  # made by an earlier run
    return project


def git_init(folder: Path) -> None:
    subprocess.run(["git", "init", "-q", str(folder)], check=True, capture_output=True)


@pytest.fixture
def walks(monkeypatch: pytest.MonkeyPatch) -> List[str]:
    """The roots walked afresh (not answered from the cache)."""
    done: List[str] = []

    def counted(settings, *args):  # type: ignore[no-untyped-def]
        done.append(str(settings.root))
        return walk_files(settings, *args)

    monkeypatch.setattr(walk_cache, "walk_files", counted)
    return done


def _shape(layout: Layout) -> tuple:
    return (layout.files, layout.env_files, layout.units, layout.unlistable, layout.unreadable)


def both(root: Path) -> tuple:
    """(cached, fresh) discovery of ``root``, after the clock has moved past every change: a
    change stamped within the clock's slack of a walk would keep the walk from being stored."""
    time.sleep(CLOCK_SLACK_NS / 1e9 * 2)
    settings = load_settings(root)
    cached = discover(settings, walk_cache.cached_walker(CacheDir(root / ".archcheck_cache", root)))
    fresh = discover(settings)
    return _shape(cached), _shape(fresh)


def test_an_unchanged_tree_is_not_walked_again(root: Path, walks: List[str]) -> None:
    first = both(root)
    second = both(root)
    assert first[0] == first[1] == second[0] and len(walks) == 1


CHANGES: List[Callable[[Path], object]] = [
    lambda r: write(r, "svc/app/sub/new.py"),  # a new file
    lambda r: (r / "svc/app/sub/b.py").unlink(),  # a removed one
    lambda r: os.rename(r / "svc/app/a.py", r / "svc/app/c.py"),  # a renamed one
    lambda r: write(r, "svc/app/deeper/d.py"),  # a new folder
    lambda r: write(r, ".gitignore", "*.gen.py\nsub/\n"),  # an edited .gitignore
    lambda r: write(r, "svc/app/.gitignore", "a.py\n"),  # a new one
    lambda r: write(r, "svc/.env", "X=1\n"),  # a new .env file
    lambda r: write(
        r, "archcheck.toml", 'services = ["svc"]\nshared = ["shared"]\nextend-exclude = ["sub"]\n'
    ),
    lambda r: write(r, ".git/info/exclude", "b.py\n"),  # the repository's own excludes
    lambda r: write(r, "billing/Dockerfile") or write(r, "billing/app/x.py"),  # a new service
]


@pytest.mark.parametrize("change", CHANGES, ids=range(len(CHANGES)))
def test_a_cached_walk_finds_what_a_fresh_one_finds_after_a_change(
    root: Path, walks: List[str], change: Callable[[Path], object]
) -> None:
    git_init(root)  # a checkout: git answers that the cache folder is not committed
    before = both(root)
    assert before[0] == before[1]
    change(root)
    cached, fresh = both(root)
    assert cached == fresh != before[1] and len(walks) == 2


def test_a_gitignore_above_the_project_counts_once_it_is_in_a_work_tree(root: Path, walks: List[str]) -> None:
    before = both(root)
    write(root.parent, ".gitignore", "a.py\n")  # git reads it only in a work tree
    assert both(root) == before and len(walks) == 1
    git_init(root.parent)
    cached, fresh = both(root)
    assert cached == fresh != before[1] and len(walks) == 2
    write(root.parent, ".gitignore", "b.py\n")  # edited: a.py is back, b.py goes
    edited, fresh = both(root)
    assert edited == fresh not in (before[1], cached) and len(walks) == 3


def test_a_folder_made_unlistable_is_seen(
    root: Path, walks: List[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A chmod changes the folder's signature (its ctime), so it is listed again."""
    both(root)
    os.chmod(root / "svc/app/sub", 0o700)  # a permission change; root would list it anyway
    refuse_listing(monkeypatch, "sub")
    cached, fresh = both(root)
    assert cached == fresh and cached[3] == (("svc/app/sub", "Permission denied"),)


@POSIX
def test_a_link_whose_target_changes_kind_is_seen(root: Path, walks: List[str]) -> None:
    """``x.py`` links to a file, then the target is replaced by a folder: nothing changed in the
    folder that holds the link, but the link now names a folder, not a Python file."""
    target = root / "node_modules" / "target"  # a folder discovery never lists
    write(root, "node_modules/target")
    (root / "svc/app/x.py").symlink_to(target)
    assert "svc/app/x.py" in both(root)[0][0]
    target.unlink()
    target.mkdir()
    cached, fresh = both(root)
    assert cached == fresh and "svc/app/x.py" not in cached[0]


def test_the_walk_of_the_run_that_made_the_cache_folder_is_not_kept(root: Path, walks: List[str]) -> None:
    """Making the folder changes the root within the clock's tick, as a file made there during
    the walk could, unseen: the next run walks again."""
    shutil.rmtree(root / ".archcheck_cache")
    both(root)
    both(root)
    both(root)
    assert len(walks) == 2


def test_a_walk_during_which_a_folder_changed_is_not_kept(root: Path, walks: List[str]) -> None:
    settings = load_settings(root)
    walker = walk_cache.cached_walker(CacheDir(root / ".archcheck_cache", root))
    write(root, "svc/app/new.py")  # stamped now: within the slack of the walk that follows
    discover(settings, walker)
    discover(settings, walker)
    assert len(walks) == 2


@POSIX
def test_a_link_that_cannot_be_followed_is_watched_too(root: Path, walks: List[str]) -> None:
    """``x.py`` -> ``.venv/l`` -> ``x.py``, a loop (is_dir fails with ELOOP), then ``.venv/l``
    re-pointed at a folder: only an excluded folder changed, yet x.py is now a folder."""
    (root / ".venv").mkdir()
    (root / "svc/app/x.py").symlink_to("../../.venv/l")
    (root / ".venv/l").symlink_to("../svc/app/x.py")
    assert "svc/app/x.py" in both(root)[0][0]
    (root / ".venv/l").unlink()
    (root / ".venv/l").symlink_to("../svc/app/sub")
    cached, fresh = both(root)
    assert cached == fresh and "svc/app/x.py" not in cached[0]


@pytest.mark.parametrize("respect_gitignore", ["true", "false"])
def test_the_cache_folder_is_never_walked(root: Path, walks: List[str], respect_gitignore: str) -> None:
    """A cache-dir among the code, with the .gitignore archcheck puts there not read: a file
    in it would be checked without a cache and missed with one (the walk does not watch the
    folder archcheck rewrites on every run). It is archcheck's own: never checked."""
    config = f'services = ["svc"]\nrespect-gitignore = {respect_gitignore}\ncache-dir = "svc/app/cc"\n'
    write(root, "archcheck.toml", config)
    settings = load_settings(root)
    walker = walk_cache.cached_walker(CacheDir(root / "svc/app/cc", root))
    discover(settings, walker)
    write(root, "svc/app/cc/evil.py")
    time.sleep(CLOCK_SLACK_NS / 1e9 * 2)
    assert "svc/app/cc/evil.py" not in discover(settings, walker).files | discover(settings).files


def test_a_folder_whose_gitignore_leaves_out_everything_is_not_watched(root: Path, walks: List[str]) -> None:
    """A tool's cache (``.import_linter_cache/.gitignore`` is ``*``) is rewritten by every run of
    that tool: nothing in it counts, so writing there does not cost the next run a walk."""
    write(root, "tool_cache/.gitignore", "# made by a tool\n*\n")
    write(root, "tool_cache/data.py")
    write(root, "kept/.gitignore", "*\n!keep.py\n")  # something brought back: watched
    write(root, "kept/keep.py")
    first = both(root)
    assert "tool_cache/data.py" not in first[0][0] and "kept/keep.py" in first[0][0]
    write(root, "tool_cache/more.py")
    assert both(root) == first and len(walks) == 1
    write(root, "kept/keep2.py")
    write(root, "kept/.gitignore", "*\n!keep.py\n!keep2.py\n")
    cached, fresh = both(root)
    assert cached == fresh and "kept/keep2.py" in cached[0] and len(walks) == 2
    write(root, "tool_cache/.gitignore", " *\n")  # names what starts with a space: its files count
    cached, fresh = both(root)
    assert cached == fresh and "tool_cache/more.py" in cached[0] and len(walks) == 3
