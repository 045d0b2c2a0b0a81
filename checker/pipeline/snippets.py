"""The text of a flagged line: what baselines and SARIF fingerprints identify a finding by.

Its URL credentials are masked: a baseline is committed, and must not hold a password."""

from __future__ import annotations

from pathlib import Path
from typing import Dict, Iterable, Iterator, List, Tuple

from archcheck.facts.files import UnreadableFile, read_project_file
from archcheck.facts.urls import mask_credentials
from archcheck.model import Violation


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
            self.cache[path] = text.splitlines()
        lines = self.cache[path]
        return mask_credentials(lines[line - 1].strip()) if 0 < line <= len(lines) else ""


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
