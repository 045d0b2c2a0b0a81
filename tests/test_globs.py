"""Globs answer as pathspec does, with or without the one-expression fast path."""

from __future__ import annotations

import itertools

import pathspec
import pytest

from archcheck.config.globs import compile_globs
from archcheck.config.settings import DEFAULT_EXCLUDE

PATTERNS = [
    list(DEFAULT_EXCLUDE),
    ["tests/**", "**/migrations/*.py", "/scripts", "docs/", "*_pb2.py", "a/[bc]?/x.py"],
    ["build", "!build/keep.py", "*.py", "!main.py"],  # negations: pathspec's ordered matching
    ["**/conftest.py", "svc/*/legacy/", "setup.py"],
]
NAMES = ["x.py", "main.py", "conftest.py", "build", "docs", "tests", ".git", "scripts", "migrations", "svc",
         "a", "bc", "bx", "m_pb2.py", "y.egg-info", "legacy", "keep.py", ".env", "venv"]  # fmt: skip


def _paths() -> list[str]:
    found = []
    for depth in (1, 2, 3):
        for parts in itertools.product(NAMES[:12] if depth == 3 else NAMES, repeat=depth):
            path = "/".join(parts)
            found += [path, path + "/"]
    return found


@pytest.mark.parametrize("patterns", PATTERNS, ids=["defaults", "mixed", "negated", "nested"])
def test_globs_match_as_pathspec_does(patterns: list[str]) -> None:
    reference = pathspec.GitIgnoreSpec.from_lines(patterns)
    globs = compile_globs(patterns)
    differing = [p for p in _paths() if globs.match_file(p) != bool(reference.match_file(p))]
    assert differing == []


def test_no_glob_matches_nothing() -> None:
    assert not compile_globs([]).match_file("a.py")
