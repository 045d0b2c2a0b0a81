"""The text of a flagged line: what baselines and SARIF fingerprints identify a finding by.

A baseline is committed, and must hold nothing of the checkout but paths and codes: a line is
kept only as a digest (an ``-r`` may read a ``.pypirc`` or a key a CI step wrote, under any
name), of its text with URL credentials masked, as older baselines held it."""

from __future__ import annotations

import hashlib
import posixpath
import re
from pathlib import Path
from typing import Dict, Iterable, Iterator, List, Optional, Tuple

from archcheck.facts.dotenv import env_lines
from archcheck.facts.files import UnreadableFile, read_project_file
from archcheck.facts.secret_strings import masked_code
from archcheck.facts.source import source_lines
from archcheck.facts.urls import mask_credentials
from archcheck.model import Violation
from archcheck.project.discovery import is_env_file


class Lines:
    """Flagged lines' digests: each file read once, each line masked and hashed once (one long
    line can carry thousands of findings)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.cache: Dict[str, List[str]] = {}
        self.digests: Dict[Tuple[str, int, bool], str] = {}

    def text(self, path: str, line: int, legacy: bool = False) -> str:
        """The line's digest (``legacy``: as earlier versions took it, a Python line masked as
        text only; the same digest for any other line)."""
        key = (path, line, legacy and path.endswith(".py"))
        if key not in self.digests:
            lines = self._lines(path)
            if not 0 < line <= len(lines):
                self.digests[key] = ""
            elif path.endswith(".py"):
                # (the line's code read as `--diff` reads it: `auth=("admin", "***")`)
                text = lines[line - 1] if legacy else masked_code(lines[line - 1])
                self.digests[key] = line_digest(text)
            else:  # (`password = hunter2` in a file a `-r` names is a secret)
                self.digests[key] = line_digest(lines[line - 1], prose=True)
        return self.digests[key]

    def _lines(self, path: str) -> List[str]:
        if path not in self.cache:
            try:
                text = read_project_file(str(self.root), path).decode("utf-8", errors="replace")
            except UnreadableFile:
                text = ""
            self.cache[path] = numbered_lines(path, text)
        return self.cache[path]


_DIGEST = re.compile(r"sha256:[0-9a-f]{24}")


def line_digest(line: str, prose: bool = False) -> str:
    """How an identity holds a flagged line: its digest once masked (a line of a file that is
    no Python is masked as prose, its unquoted values too: a weak password must not be found
    again by hashing guesses)."""
    text = mask_credentials(line.strip(), prose)
    return "sha256:" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:24]


def stored_text(text: str, path: str = "") -> str:
    """An entry's text as this version writes it: a digest as it is, and so is no text (a line
    that cannot be read back: a folder's, one past a file's end as decoded, run 118c/03); the
    masked line an older baseline held, digested as a line of ``path`` is."""
    return text if not text or _DIGEST.fullmatch(text) else line_digest(text, not path.endswith(".py"))


def numbered_lines(path: str, text: str) -> List[str]:
    """A file's lines as its parser numbers them: Python's line ends for Python, python-dotenv's
    for ``.env`` (the same: a lone CR ends a line too), ``str.splitlines`` for requirements
    files (pip)."""
    name = posixpath.basename(path)
    if name.endswith(".py"):
        return source_lines(text)
    if is_env_file(name):
        return env_lines(text)
    return text.splitlines()


Identity = Tuple[str, str, str, int]  # (code, path, flagged text, occurrence)


def identities(
    root: Path, violations: Iterable[Violation], legacy: bool = False, lines: Optional[Lines] = None
) -> Iterator[Tuple[Violation, Identity]]:
    """Each finding with (code, path, flagged text, occurrence): stable when lines move
    (``legacy``: as a baseline an earlier version wrote holds it; ``lines``: files read and
    lines digested already)."""
    lines = lines or Lines(root)
    seen: Dict[Tuple[str, str, str], int] = {}
    for v in violations:
        key = (v.code, v.location.path, lines.text(v.location.path, v.location.line, legacy))
        occurrence = seen.get(key, 0)
        seen[key] = occurrence + 1
        yield v, (*key, occurrence)
