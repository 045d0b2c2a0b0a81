"""A `.gitignore` at every level of a deep tree: each file is decided from its own name, what
matched the folders above it, and the few patterns that read its whole path at its depth, not
by matching its whole path against the `.gitignore` of every folder above it (quadratic)."""

from __future__ import annotations

import os
import posixpath
import random
from pathlib import Path
from typing import Any, Iterable, List, Tuple

import pytest

from archcheck.api import load_settings
from archcheck.config.globs import Globs
from archcheck.project import discovery
from archcheck.project.discovery import walk_files

DEPTH = 200


class _CountingSet:
    """An RE2 set that counts the paths it is asked about."""

    def __init__(self, regex_set: Any, calls: List[str]) -> None:
        self._set = regex_set
        self._calls = calls

    def Match(self, text: str) -> Any:  # RE2's name
        self._calls.append(text)
        return self._set.Match(text)


def _deep_tree(root: Path) -> List[str]:
    """The issue's repro: ``svc/app/a/a/...``, one ``m.py`` and one ``.gitignore`` a level;
    the files that must be found."""
    (root / "pyproject.toml").write_text('[tool.archcheck]\nservices = ["svc"]\n')
    folder = root / "svc" / "app"
    folder.mkdir(parents=True)
    (root / "svc" / "requirements.txt").write_text("httpx\n")
    expected = []
    for level in range(DEPTH):
        folder /= "a"
        folder.mkdir()
        (folder / ".gitignore").write_text(f"x{level}*.py\n!keep{level}\n/b{level}/\n")
        (folder / "m.py").write_text("import os\n")
        expected.append(folder.relative_to(root).as_posix() + "/m.py")
    (folder / "x3_left_out.py").write_text("")  # left out by the .gitignore 3 levels below the root
    (folder / "b0").mkdir()
    (folder / "b0" / "kept.py").write_text("")  # `/b0/` names b0 of its own folder only
    (folder / f"b{DEPTH - 1}").mkdir()
    (folder / f"b{DEPTH - 1}" / "gone.py").write_text("")
    expected.append(folder.relative_to(root).as_posix() + "/b0/kept.py")
    return sorted(expected)


def test_a_gitignore_at_every_level_costs_matches_linear_in_depth(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = _deep_tree(tmp_path)
    calls: List[str] = []
    read = discovery.gitignore_globs

    def counting(lines: Iterable[str]) -> Globs:  # the globs of each .gitignore read
        globs = read(lines)
        backend = globs.spec._backend  # type: ignore[attr-defined]
        backend._set = _CountingSet(backend._set, calls)
        return globs

    monkeypatch.setattr(discovery, "gitignore_globs", counting)
    found, _, _ = walk_files(load_settings(tmp_path))
    assert found == expected
    # matching each path against every .gitignore above it made DEPTH**2 / 2 matches and more
    assert len(calls) <= 10 * DEPTH
    assert sum(map(len, calls)) <= 50 * DEPTH  # short: names, and paths from a near .gitignore


_LINES = [
    "a",
    "!a",
    "a/",
    "!a/",
    "*",
    "!*",
    "*/",
    "!*/",
    "a/**",
    "!a/**",
    "**/b",
    "!b/",
    "/a",
    "/a/",
    "a/b",
    "a/b/",
    "/a/*.py",
    "*.py",
    "!*.py",
    "!k.py",
    "x*",
    "a/**/b",
    "a/**/*.py",
    "**/a/b.py",
    "*/b",
    "*/*/",
    "!*/*/",
    "a?",
    "[ab]",
    "[!a]*.py",
    "a/**/",
    "**/",
    "a/*",
    "!a/*",
    "*/x.py",
    "/*/b/",
    "b/*/x.py",
    "a\\ b",
    "x?.py",
    "!**/a/",
    "é*",
    "a/b/**",
]
_DIRS = ["a", "b", "x", "a b", "a\nb"]
_FILES = ["b.py", "x.py", "k.py", "a.py", "a\nb.py"]


def _random_tree(root: Path, seed: int) -> None:
    rnd = random.Random(seed)

    def fill(folder: Path, depth: int) -> None:
        if rnd.random() < 0.6:
            (folder / ".gitignore").write_text("\n".join(rnd.sample(_LINES, rnd.randint(1, 6))) + "\n")
        for name in rnd.sample(_FILES, rnd.randint(1, 4)):
            (folder / name).write_text("")
        for name in rnd.sample(_DIRS, rnd.randint(0, 3)) if depth < 4 else []:
            (folder / name).mkdir()
            fill(folder / name, depth + 1)

    (root / "pyproject.toml").write_text("[tool.archcheck]\n")
    fill(root, 0)


def _read_whole(root: Path, rel: str = "", specs: Tuple[Tuple[str, Globs], ...] = ()) -> List[str]:
    """The Python files, each path matched whole against every .gitignore above it, the
    deepest that names it deciding (as discovery did before it read paths name by name)."""
    spec = discovery._read_ignore_file(str(root), posixpath.join(rel, ".gitignore"))
    specs = (*specs, (rel, spec)) if spec is not None else specs
    found = []
    for entry in sorted(os.scandir(root / rel), key=lambda e: e.name):
        path = posixpath.join(rel, entry.name)
        probe = path + "/" if entry.is_dir() else path
        said = [s.decision(probe[len(b) + 1 :] if b else probe) for b, s in reversed(specs)]
        if next((d for d in said if d is not None), None):
            continue
        if entry.is_dir():
            found += _read_whole(root, path, specs)
        elif entry.name.endswith(".py"):
            found.append(path)
    return found


@pytest.mark.parametrize("seeds", [range(0, 150), range(150, 300)])
def test_nested_gitignores_leave_out_what_whole_paths_do(tmp_path: Path, seeds: range) -> None:
    for seed in seeds:
        root = tmp_path / str(seed)
        root.mkdir()
        _random_tree(root, seed)
        assert walk_files(load_settings(root))[0] == sorted(_read_whole(root)), seed
