"""Glob handling in one place: gitignore-style matching and directory globs.

``exclude``, ``per-file-ignores`` and ``.gitignore`` use gitignore semantics
(via pathspec): a pattern without a slash matches at any depth. ``services``
and ``shared`` are directory globs expanded from the root (``services/*``).
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path, PurePosixPath
from typing import Iterable, List, Optional

import pathspec

_NAMED_GROUP = re.compile(r"\(\?P<[^>]+>")


class GlobError(ValueError):
    """A glob that cannot be used."""


_FLOATING = "^(?:.+/)?"  # how pathspec starts a glob that matches at any depth


class Globs:
    """Gitignore-style globs: pathspec's meaning, tested with two regular expressions when no
    glob negates another (then a path matches when any glob does); else pathspec in order.

    The globs that match at any depth (``*.pyc``, ``node_modules/``) are tried only where a
    path component starts, instead of letting each one backtrack over every ``/`` of the path:
    with a hundred-line ``.gitignore`` that is most of discovery's time.
    """

    def __init__(self, spec: pathspec.GitIgnoreSpec) -> None:
        self.spec = spec
        self._fast = False
        self._anchored: re.Pattern[str] = re.compile("(?!)")
        self._floating: Optional[re.Pattern[str]] = None
        used = [p for p in spec.patterns if p.include is not None]
        regexes = [getattr(p, "regex", None) for p in used]
        if all(p.include for p in used) and all(isinstance(r, re.Pattern) for r in regexes):
            # pathspec names a group in each pattern; names must be unique in one expression
            sources = [_NAMED_GROUP.sub("(?:", r.pattern) for r in regexes if r is not None]
            floating = [s[len(_FLOATING) :] for s in sources if s.startswith(_FLOATING)]
            anchored = [s for s in sources if not s.startswith(_FLOATING)]
            self._anchored = re.compile("|".join(f"(?:{s})" for s in anchored) or "(?!)")
            if floating:
                self._floating = re.compile("|".join(f"(?:{s})" for s in floating))
            self._fast = True

    def match_file(self, path: str) -> bool:
        """Whether a root-relative posix path (a directory ends with ``/``) matches."""
        if not self._fast:
            return bool(self.spec.match_file(path))
        if self._anchored.match(path) is not None:
            return True
        floating = self._floating
        if floating is None:
            return False
        if floating.match(path) is not None:
            return True
        # `(?:.+/)?`: after a `/` that has a character before it, and no line break (`.` stops there)
        end = path.find("\n")
        slash = path.find("/", 1, None if end < 0 else end)
        while slash != -1:
            if floating.match(path, slash + 1) is not None:
                return True
            slash = path.find("/", slash + 1, None if end < 0 else end)
        return False


def compile_globs(patterns: Iterable[str]) -> Globs:
    """A matcher for root-relative posix paths (directories end with ``/``)."""
    patterns = list(patterns)
    for pattern in patterns:
        if not pattern.strip():
            raise GlobError("empty glob")
    try:
        return gitignore_globs(patterns)
    except Exception as exc:  # pathspec raises several types for bad patterns
        raise GlobError(f"bad glob: {exc}") from None


def gitignore_globs(lines: Iterable[str]) -> Globs:
    """Globs from gitignore lines, as written: Python's FutureWarning about a ``[[`` that a
    pattern means (``[[]`` is a literal bracket) is not printed on the user's terminal."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        return Globs(pathspec.GitIgnoreSpec.from_lines(lines))


def validate_dir_glob(glob: str) -> None:
    """Reject globs that cannot name directories below the root."""
    if not glob.strip():
        raise GlobError("empty glob")
    path = PurePosixPath(glob)
    if path.is_absolute() or glob.startswith("\\") or (len(glob) > 1 and glob[1] == ":"):
        raise GlobError(f"bad glob {glob!r}: must be relative to the project root")
    if not path.parts:
        raise GlobError(f"bad glob {glob!r}: must name directories below the project root")
    for part in path.parts:
        if part == "..":
            raise GlobError(f"bad glob {glob!r}: must not leave the project root")
        if "**" in part and part != "**":
            raise GlobError(f"bad glob {glob!r}: '**' can only be an entire path component")


def expand_dir_globs(root: Path, globs: Iterable[str]) -> List[str]:
    """Root-relative posix paths of the directories the globs name, sorted."""
    found = set()
    for glob in globs:
        for path in root.glob(glob.rstrip("/")):
            if path.is_dir():
                found.add(path.relative_to(root).as_posix())
    return sorted(found)
