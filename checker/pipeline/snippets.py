"""The text of a flagged line: what baselines and SARIF fingerprints identify a finding by.

A baseline is committed, and must not hold a password: a Python line is kept with its URL
credentials masked; a line of any other file (a requirements file, which may include a
``.pypirc`` or a key, or a ``.env`` file) only as a digest."""

from __future__ import annotations

import hashlib
import posixpath
from pathlib import Path
from typing import Dict, Iterable, Iterator, List, Tuple

from archcheck.facts.files import UnreadableFile, read_project_file
from archcheck.facts.source import source_lines
from archcheck.facts.urls import mask_credentials
from archcheck.model import Violation
from archcheck.project.discovery import is_env_file


class Lines:
    """Source lines, read once per file."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.cache: Dict[str, List[str]] = {}

    def text(self, path: str, line: int) -> str:
        if path not in self.cache:
            try:
                text = read_project_file(str(self.root), path).decode("utf-8", errors="replace")
            except UnreadableFile:
                text = ""
            self.cache[path] = numbered_lines(path, text)
        lines = self.cache[path]
        return flagged_text(path, lines[line - 1]) if 0 < line <= len(lines) else ""


DIGEST_PREFIX = "sha256:"


def flagged_text(path: str, line: str) -> str:
    """How an identity holds a flagged line of the file at ``path`` (also an entry written
    before digests, whose text is the masked line: it gets the digest it would have now)."""
    text = mask_credentials(line.strip())
    if path.endswith(".py") or text.startswith(DIGEST_PREFIX) or not text:
        return text
    return DIGEST_PREFIX + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:24]


def numbered_lines(path: str, text: str) -> List[str]:
    """A file's lines as its parser numbers them: Python's line ends for Python, ``\n`` for
    ``.env`` (python-dotenv), ``str.splitlines`` for requirements files (pip)."""
    name = posixpath.basename(path)
    if name.endswith(".py"):
        return source_lines(text)
    if is_env_file(name):
        return text.split("\n")
    return text.splitlines()


Identity = Tuple[str, str, str, int]  # (code, path, flagged text, occurrence)


def identities(root: Path, violations: Iterable[Violation]) -> Iterator[Tuple[Violation, Identity]]:
    """Each finding with (code, path, flagged text, occurrence): stable when lines move."""
    lines = Lines(root)
    seen: Dict[Tuple[str, str, str], int] = {}
    for v in violations:
        key = (v.code, v.location.path, lines.text(v.location.path, v.location.line))
        occurrence = seen.get(key, 0)
        seen[key] = occurrence + 1
        yield v, (*key, occurrence)
