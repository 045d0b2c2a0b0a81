"""Which requirements files a project has, how they include each other, and whose they are.

Requirement files are the shared file, each service's ``requirements.txt``
(or ``requirements/*.txt`` when it has no top-level one), and whatever they
include with ``-r``/``-c``, transitively (SPEC §3). Other files that happen to
match ``requirements*.txt`` are not read.
"""

from __future__ import annotations

import errno
import os
import posixpath
from collections import deque
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Dict, FrozenSet, Iterable, Iterator, List, Optional, Set, Tuple

from archcheck.config.globs import Globs
from archcheck.config.settings import Settings
from archcheck.fileio import is_inside
from archcheck.model import FileFacts, IncludeFact, RequirementFact
from archcheck.project.discovery import is_env_file
from archcheck.project.layout import Layout, Unit, is_within

DEFAULT_SHARED = "requirements.shared.txt"


def shared_file(settings: Settings) -> Optional[str]:
    """The shared requirements file, root-relative, if the project has one."""
    if settings.shared_requirements is not None:
        return posixpath.normpath(settings.shared_requirements)
    return DEFAULT_SHARED if (settings.root / DEFAULT_SHARED).is_file() else None


def service_roots(root: Path, service: Unit) -> List[str]:
    """A service's own requirements files: requirements.txt, else requirements/*.txt."""
    top = posixpath.join(service.path, "requirements.txt")
    if os.path.lexists(root / top):  # a FIFO or a link too: reading it is refused with a finding
        return [top]
    folder = root / service.path / "requirements"
    try:  # (a service folder that cannot be searched: its ARC001 says so)
        if folder.is_symlink() or not folder.is_dir():
            return []  # a link out of the project is not listed
        return sorted(p.relative_to(root).as_posix() for p in folder.glob("*.txt") if os.path.lexists(p))
    except OSError:
        return []


@dataclass
class Requirements:
    """The requirements files of a project and their ``-r``/``-c`` graph."""

    shared: Optional[str]
    roots: Dict[str, List[str]]  # service name -> its own top files
    facts: Dict[str, FileFacts] = field(default_factory=dict)
    below: FrozenSet[str] = frozenset()  # services below the shared file's folder
    refused: Dict[str, str] = field(default_factory=dict)  # included file -> why it was not read
    links: Set[str] = field(default_factory=set)  # included paths that are links to other files
    _closures: Dict[Tuple[str, bool], Tuple[str, ...]] = field(
        default_factory=dict, repr=False, compare=False
    )

    @cached_property
    def sharing(self) -> FrozenSet[str]:
        """Services the shared file is for: those below its folder, and any that install it."""
        installing = {s for s in self.roots if self.shared is not None and self.shared in self.installed(s)}
        return frozenset(self.below | installing)

    def is_root(self, path: str) -> bool:
        """Is ``path`` a service's own top file or the shared one (not reached by an include)?"""
        return path == self.shared or any(path in files for files in self.roots.values())

    def includes(self, path: str) -> Tuple[IncludeFact, ...]:
        facts = self.facts.get(path)
        return facts.includes if facts else ()

    def closure(self, start: str, constraints: bool = False) -> Tuple[str, ...]:
        """Files reachable from ``start`` by ``-r`` (and ``-c`` if asked), ``start`` first,
        breadth first; computed once."""
        key = (start, constraints)
        found = self._closures.get(key)
        if found is None:
            seen: Dict[str, None] = {}  # an ordered set
            todo = deque([start])
            while todo:
                path = todo.popleft()
                if path in seen or path not in self.facts:
                    continue
                seen[path] = None
                todo.extend(i.target for i in self.includes(path) if constraints or not i.constraint)
            found = self._closures[key] = tuple(seen)
        return found

    def shared_closure(self) -> Tuple[str, ...]:
        return self.closure(self.shared) if self.shared else ()

    @cached_property
    def _installing_shared(self) -> FrozenSet[str]:
        """Files whose ``-r`` includes reach the shared file (the shared file too): one walk
        back from it, not one closure per file."""
        if self.shared is None or self.shared not in self.facts:
            return frozenset()
        included_by: Dict[str, List[str]] = {}
        for path, facts in self.facts.items():
            for include in facts.includes:
                if not include.constraint:
                    included_by.setdefault(include.target, []).append(path)
        found = {self.shared}
        todo = [self.shared]
        while todo:
            for parent in included_by.get(todo.pop(), ()):
                if parent not in found:
                    found.add(parent)
                    todo.append(parent)
        return frozenset(found)

    @cached_property
    def copies(self) -> FrozenSet[str]:
        """Files that stand for the shared file: named like it, or listing the same packages.

        Services whose Docker build context is their own folder keep a copy of the shared
        file there; what matters about a copy is whether it drifted, not that it
        exists.
        """
        if not self.shared or self.shared not in self.facts:
            return frozenset()
        shared = set(self.shared_closure())
        name = posixpath.basename(self.shared)
        packages = self.packages(self.shared)
        found = set()
        for service, roots in self.roots.items():
            if service not in self.sharing:
                continue
            for root in roots:
                for path in self.closure(root):
                    if path in shared or path in self._installing_shared:
                        continue  # a file that includes the shared file is no copy of it
                    same_set = len(packages) > 1 and self.packages(path) == packages
                    if posixpath.basename(path) == name or same_set:
                        found.add(path)
        return frozenset(found)

    def packages(self, path: str) -> FrozenSet[str]:
        return frozenset(fact.name for fact in self.requirements_in([path]))

    def provides_shared(self, path: str) -> bool:
        """Does installing ``path`` install the shared file, or a copy that stands for it?"""
        if path in self._installing_shared:
            return True
        return any(c in self.copies for c in self.closure(path))

    def service_files(self, service: str) -> List[str]:
        """The service's own files: its roots and what they include, minus the shared file and copies."""
        shared = set(self.shared_closure()) | self.copies
        files: Dict[str, None] = {}  # an ordered set
        for root in self.roots.get(service, []):
            files.update((f, None) for f in self.closure(root) if f not in shared)
        return list(files)

    def installed(self, service: str) -> List[str]:
        """Everything one service installs: its files and every file they include, shared ones too."""
        files: Dict[str, None] = {}  # an ordered set
        for root in self.roots.get(service, []):
            files.update((f, None) for f in self.closure(root))
        return list(files)

    def requirements_in(self, paths: Iterable[str]) -> Iterator[RequirementFact]:
        for path in paths:
            yield from self.facts[path].requirements


def requirement_roots(settings: Settings, layout: Layout) -> Requirements:
    roots = {s.name: service_roots(settings.root, s) for s in layout.services}
    shared = shared_file(settings)
    # `services/requirements.shared.txt` is for the services under `services/`, not for a
    # monolith at the root; a shared file at the root is for every service
    folder = posixpath.dirname(shared) if shared else ""
    sharing = frozenset(s.name for s in layout.services if is_within(s.path, folder))
    return Requirements(shared, {k: v for k, v in roots.items() if v}, below=sharing)


def files_to_read(requirements: Requirements) -> List[str]:
    """The roots; the engine adds included files as it reads them."""
    paths: Set[str] = set()
    if requirements.shared:
        paths.add(requirements.shared)
    for files in requirements.roots.values():
        paths.update(files)
    return sorted(paths)


def resolved_path(root: Path, path: str) -> Optional[str]:
    """Where ``path`` leads once its links are followed, relative to the project root (``.``
    for the root itself); None outside the project."""
    real_root = os.path.realpath(root)
    real = os.path.realpath(root / path)
    return os.path.relpath(real, real_root).replace(os.sep, "/") if is_inside(real, real_root) else None


def refuse_include(root: Path, path: str, excluded: Globs) -> Optional[str]:
    """Why an included requirements file is not read, or None: a file outside the project
    (by its path, or a link out of it), in an excluded folder (``.git``) by its path or where
    its links lead, or an environment file (``.env``: secrets, never requirements)."""
    if path.startswith(("/", "../")) or path == "..":  # `c:d.txt` is a file name here, as for pip
        return "is outside the project; not read"
    try:
        os.lstat(root / path)
    except ValueError:  # a NUL, or a lone surrogate (from a UTF-16 file, a `unicode_escape` one)
        return "is not a file name the system accepts; not read"
    except OSError as exc:
        if exc.errno == errno.ENAMETOOLONG:
            return "has a name longer than the system allows; not read"
    resolved = resolved_path(root, path)
    if resolved is None:
        return "leads outside the project (a link); not read"
    for where in {path, resolved}:
        parts = where.split("/")
        if any(excluded.match_file("/".join(parts[: i + 1]) + "/") for i in range(len(parts) - 1)):
            return "is in an excluded folder; not read"
        if is_env_file(parts[-1]):
            return "is an environment file, not a requirements file; not read"
    return None
