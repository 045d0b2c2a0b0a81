"""Glob handling in one place: gitignore-style matching and directory globs.

``exclude``, ``per-file-ignores`` and ``.gitignore`` use gitignore semantics
(via pathspec): a pattern without a slash matches at any depth. ``services``
and ``shared`` are directory globs expanded from the root (``services/*``).
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath
from typing import Iterable, List, Optional

import pathspec

_NAMED_GROUP = re.compile(r"\(\?P<[^>]+>")


class GlobError(ValueError):
    """A glob that cannot be used."""


class Globs:
    """Gitignore-style globs: pathspec's meaning, tested with one regular expression when no
    glob negates another (then a path matches when any glob does); else pathspec in order."""

    def __init__(self, spec: pathspec.GitIgnoreSpec) -> None:
        self.spec = spec
        self._any: Optional[re.Pattern[str]] = None
        used = [p for p in spec.patterns if p.include is not None]
        regexes = [getattr(p, "regex", None) for p in used]
        if all(p.include for p in used) and all(isinstance(r, re.Pattern) for r in regexes):
            # pathspec names a group in each pattern; names must be unique in one expression
            parts = [f"(?:{_NAMED_GROUP.sub('(?:', r.pattern)})" for r in regexes if r is not None]
            self._any = re.compile("|".join(parts) or "(?!)")

    def match_file(self, path: str) -> bool:
        """Whether a root-relative posix path (a directory ends with ``/``) matches."""
        if self._any is not None:
            return self._any.match(path) is not None
        return bool(self.spec.match_file(path))


def compile_globs(patterns: Iterable[str]) -> Globs:
    """A matcher for root-relative posix paths (directories end with ``/``)."""
    patterns = list(patterns)
    for pattern in patterns:
        if not pattern.strip():
            raise GlobError("empty glob")
    try:
        return Globs(pathspec.GitIgnoreSpec.from_lines(patterns))
    except Exception as exc:  # pathspec raises several types for bad patterns
        raise GlobError(f"bad glob: {exc}") from None


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
