"""Which requirements files a project has, how they include each other, and whose they are.

Requirement files are the shared file, each service's ``requirements.txt``
(or ``requirements/*.txt`` when it has no top-level one), and whatever they
include with ``-r``/``-c``, transitively (SPEC §3). Other files that happen to
match ``requirements*.txt`` are not read.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Set, Tuple

from archcheck.config import Settings
from archcheck.layout import Layout, Unit, is_within
from archcheck.model import FileFacts, IncludeFact, RequirementFact

DEFAULT_SHARED = "requirements.shared.txt"


def shared_file(settings: Settings) -> Optional[str]:
    """The shared requirements file, root-relative, if the project has one."""
    if settings.shared_requirements is not None:
        return posixpath.normpath(settings.shared_requirements)
    return DEFAULT_SHARED if (settings.root / DEFAULT_SHARED).is_file() else None


def service_roots(root: Path, service: Unit) -> List[str]:
    """A service's own requirements files: requirements.txt, else requirements/*.txt."""
    top = posixpath.join(service.path, "requirements.txt")
    if (root / top).is_file():
        return [top]
    folder = root / service.path / "requirements"
    return sorted(p.relative_to(root).as_posix() for p in folder.glob("*.txt") if p.is_file())


@dataclass
class Requirements:
    """The requirements files of a project and their ``-r``/``-c`` graph."""

    shared: Optional[str]
    roots: Dict[str, List[str]]  # service name -> its own top files
    facts: Dict[str, FileFacts] = field(default_factory=dict)

    def includes(self, path: str) -> Tuple[IncludeFact, ...]:
        facts = self.facts.get(path)
        return facts.includes if facts else ()

    def closure(self, start: str, constraints: bool = False) -> List[str]:
        """Files reachable from ``start`` by ``-r`` (and ``-c`` if asked), ``start`` first."""
        seen: List[str] = []
        todo = [start]
        while todo:
            path = todo.pop(0)
            if path in seen or path not in self.facts:
                continue
            seen.append(path)
            todo.extend(i.target for i in self.includes(path) if constraints or not i.constraint)
        return seen

    def shared_closure(self) -> List[str]:
        return self.closure(self.shared) if self.shared else []

    def service_files(self, service: str) -> List[str]:
        """The service's own files: its roots and what they include, minus the shared files."""
        shared = set(self.shared_closure())
        files: List[str] = []
        for root in self.roots.get(service, []):
            files += [f for f in self.closure(root) if f not in shared and f not in files]
        return files

    def requirements_in(self, paths: List[str]) -> Iterator[RequirementFact]:
        for path in paths:
            yield from self.facts[path].requirements


def requirement_roots(settings: Settings, layout: Layout) -> Requirements:
    roots = {s.name: service_roots(settings.root, s) for s in layout.services}
    return Requirements(shared_file(settings), {k: v for k, v in roots.items() if v})


def files_to_read(requirements: Requirements) -> List[str]:
    """The roots; the engine adds included files as it reads them."""
    paths: Set[str] = set()
    if requirements.shared:
        paths.add(requirements.shared)
    for files in requirements.roots.values():
        paths.update(files)
    return sorted(paths)


def inside_root(path: str) -> bool:
    return not path.startswith("../") and path != ".." and is_within(path, "")
