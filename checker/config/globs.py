"""Glob handling in one place: gitignore-style matching and directory globs.

``exclude``, ``per-file-ignores`` and ``.gitignore`` use gitignore semantics
(via pathspec, matched with RE2): a pattern without a slash matches at any depth. ``services``
and ``shared`` are directory globs expanded from the root (``services/*``).
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path, PurePosixPath
from typing import Iterable, List, Optional, Tuple

import pathspec


class GlobError(ValueError):
    """A glob that cannot be used."""


_SURROGATES = re.compile("[\ud800-\udfff]")


def _for_re2(path: str) -> str:
    """A path RE2 can take (UTF-8): a byte of a name that is not UTF-8 (a surrogate here) is one
    character a wildcard matches."""
    return _SURROGATES.sub("\ufffd", path)


class Globs:
    """Gitignore-style globs, matched by pathspec with Google's RE2: in time linear in the path,
    whatever the globs (``re`` backtracks exponentially on ``*a*a*a*a*c`` and a long name, and
    every glob here comes from the checkout), and faster than ``re`` on a long ``.gitignore``."""

    def __init__(self, spec: pathspec.GitIgnoreSpec) -> None:
        self.spec = spec
        self._negates = any(p.include is False for p in spec.patterns)
        # `*` and nothing brought back: everything beside the file is left out (the .gitignore
        # pytest, mypy, ruff and import-linter write in their cache folders); the line as git reads
        # it: trailing spaces trimmed, a leading space or tab kept (` *` names what starts with one)
        self.everything = not self._negates and any(
            p.include and str(getattr(p, "pattern", "")).rstrip(" ") in ("*", "/*", "**", "/**")
            for p in spec.patterns
        )

    def match_file(self, path: str) -> bool:
        """Whether a root-relative posix path (a directory ends with ``/``) matches."""
        return bool(self.spec.match_file(_for_re2(path)))

    def match_directory(self, path: str) -> bool:
        """Whether a whole directory (``path`` ends with ``/``) is left out (see ``decision``)."""
        return self.decision(path) is True

    def decision(self, path: str) -> Optional[bool]:
        """What the globs say of a path, as git reads one ``.gitignore``: True left out, False
        brought back by a ``!`` glob, None when no glob names it. ``app/**`` names what is inside
        ``app``, not the directory ``app/`` itself, so a later ``!app/keep.py`` can bring a file back."""
        result = self.spec.check_file(_for_re2(path))
        if result.include and path.endswith("/") and self._negates:
            deciding = self.spec.patterns[result.index] if result.index is not None else None
            if str(getattr(deciding, "pattern", "") or "").rstrip().endswith("/**"):
                return None
        return result.include


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


_NEGATED_BRACKET = re.compile(r"\[[!^]\]?[^]]*\]")


def git_line(line: str) -> str:
    """A .gitignore line, as git reads it, in the form pathspec reads that way ("" for a line
    that matches nothing in git): trailing spaces trimmed unless escaped, other trailing
    whitespace kept (pathspec strips a tab, a form feed or U+00A0 that git keeps: ``*.py\t``
    names only names ending in a tab), an escaped ``\\/`` read as "/" only inside the pattern
    (git takes a last "/" as "folders only" before it reads escapes, and no path starts with
    "/"), and a negated bracket (``[!s]``) that never matches "/" (as git's wildmatch;
    pathspec's ``[^s]`` did). Where pathspec cannot follow git, the difference is left on the
    side of checking more: a negation (``!x[!a].py``) keeps pathspec's bracket, which brings
    back more."""
    line = line.split("\0", 1)[0]  # git reads a line as a C string
    end = len(line)
    while end and line[end - 1] == " " and _escapes(line, end - 1) % 2 == 0:
        end -= 1
    negation = line.startswith("!")
    body = line[1 if negation else 0 : end]
    folder = body.endswith("/")  # git's "folders only", whatever stands before it
    pattern = _read_pattern(body[:-1] if folder else body)
    if pattern is None:
        return ""
    line = ("!" if negation else "") + pattern + ("/" if folder else "")
    if negation:
        return line
    return _NEGATED_BRACKET.sub(lambda m: m.group()[:-1] + "/]", line)


def _read_pattern(body: str) -> Optional[str]:
    """A pattern (no "!", no last "/") as wildmatch reads it, for pathspec; None if it matches
    no path: one starting with "/" once an anchoring "/" is dropped (``\\/x``, ``//x``), or
    ending in a backslash that escapes nothing (``app\\/`` is "app\\", folders only)."""
    if (body[1:] if body.startswith("/") else body).startswith(("/", "\\/")):
        return None
    pieces: List[Tuple[str, str]] = []  # (as pathspec reads it, the character it stands for)
    at = 0
    while at < len(body):
        char = body[at]
        if char == "\\":
            if at + 1 == len(body):
                return None
            char = body[at + 1]
            pieces.append(("/" if char == "/" else "\\" + char, char))  # pathspec refuses `\/`
            at += 2
        else:
            pieces.append((char, char))
            at += 1
    # pathspec strips trailing whitespace that git keeps (only spaces, trimmed above, are not
    # part of the pattern): each such character is a class of its own, which pathspec keeps
    tail = len(pieces)
    while tail and pieces[tail - 1][1].isspace():
        tail -= 1
    return "".join(text for text, _ in pieces[:tail]) + "".join(f"[{c}]" for _, c in pieces[tail:])


def _escapes(line: str, at: int) -> int:
    """How many backslashes stand right before ``line[at]`` (odd: it is escaped)."""
    count = 0
    while at - count > 0 and line[at - count - 1] == "\\":
        count += 1
    return count


def gitignore_globs(lines: Iterable[str]) -> Globs:
    """Globs from gitignore lines, as written: Python's FutureWarning about a ``[[`` that a
    pattern means (``[[]`` is a literal bracket) is not printed on the user's terminal."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        return Globs(pathspec.GitIgnoreSpec.from_lines(lines, backend="re2"))


_DRIVE = re.compile(r"[A-Za-z]:(?:[/\\]|\Z)")  # `C:\x`, `C:/x`, `C:`; a folder may be named `v:2`


def validate_dir_glob(glob: str) -> None:
    """Reject globs that cannot name directories below the root."""
    if not glob.strip():
        raise GlobError("empty glob")
    path = PurePosixPath(glob)
    if path.is_absolute() or glob.startswith("\\") or _DRIVE.match(glob):
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
