"""What `archcheck find` searches: every definition a service offers, in one small cached file.

A search needs little of the facts: each module-level class and function of a
service or shared library (name, place, methods and bases), how many files
import it, and the configured canonical implementations with their copies.
The index holds just that. It is kept in the cache under a key of the settings
and every Python file's stat signature, so a search in an unchanged checkout
reads this file (and the kept walk) instead of every file's facts; any change rebuilds it from the
(cached) facts.
"""

from __future__ import annotations

from typing import Dict, Iterator, Optional, Set, Tuple

import msgspec

from archcheck.model import ImportKind
from archcheck.project.layout import Unit
from archcheck.project.project import Project
from archcheck.project.ssot import canonical_matches, own_code

_REEXPORT_HOPS = 3
CACHE_NAME = "find-index.msgpack"


class Definition(msgspec.Struct, frozen=True, array_like=True):
    """A module-level class or function a service offers for reuse."""

    name: str
    kind: str  # "class" or "function"
    path: str
    line: int
    unit: str  # the service or shared library, by name
    methods: Tuple[str, ...] = ()
    bases: Tuple[str, ...] = ()


class Canonical(msgspec.Struct, frozen=True, array_like=True):
    """A configured canonical implementation and the classes that re-implement it."""

    name: str
    path: str
    line: int
    unit: str
    copies: Tuple[Tuple[str, int], ...]  # (path, line)


class FindIndex(msgspec.Struct, frozen=True):
    units: Tuple[Tuple[str, str, str], ...]  # (name, key, path) of every service and shared library
    definitions: Tuple[Definition, ...]
    usage: Tuple[Tuple[str, str, int], ...]  # (defining file, name, files importing it)
    canonical: Tuple[Canonical, ...]

    def unit(self, wanted: str) -> Optional[str]:
        """The name of the unit called ``wanted`` (by name, key or path)."""
        return next((name for name, key, path in self.units if wanted in (name, key, path)), None)

    def imported_by(self) -> Dict[Tuple[str, str], int]:
        return {(path, name): count for path, name, count in self.usage}


def _definitions(project: Project) -> Iterator[Definition]:
    """Every module-level definition a service offers: not tests, generated, vendored or fallback code."""
    for path in sorted(project.facts):
        owner = project.layout.owner(path)
        if owner is None:
            continue
        facts = project.facts[path]
        if facts.generated or project.is_test_file(path) or not own_code(path):
            continue
        for cls in facts.classes:
            if not cls.fallback:
                line = cls.location.line
                yield Definition(cls.name, "class", path, line, owner.name, cls.methods, cls.bases)
        for function in facts.functions:
            if not function.fallback:
                yield Definition(function.name, "function", path, function.location.line, owner.name)


def _usage(project: Project, names: Set[str]) -> Dict[Tuple[str, str], int]:
    """(defining file, name) -> how many other files import that name from it, following re-exports."""
    importers: Dict[Tuple[str, str], Set[str]] = {}
    defines: Dict[str, Set[str]] = {}
    origins: Dict[Tuple[str, str], Optional[str]] = {}
    layout = project.layout
    for path, facts in project.facts.items():
        for fact in facts.imports:
            if fact.kind is not ImportKind.FROM or names.isdisjoint(fact.names):
                continue
            module_file = layout.module_file(path, fact.module, fact.level)
            if module_file is None:
                continue
            for name in names.intersection(fact.names):
                if (module_file, name) not in origins:
                    origins[module_file, name] = _origin(project, module_file, name, defines)
                origin = origins[module_file, name]
                if origin is not None and origin != path:
                    importers.setdefault((origin, name), set()).add(path)
    return {key: len(files) for key, files in importers.items()}


def _origin(project: Project, path: str, name: str, defines: Dict[str, Set[str]]) -> Optional[str]:
    """The file that defines ``name`` as imported from ``path``: itself, or where it re-exports it from."""
    for _ in range(_REEXPORT_HOPS + 1):
        facts = project.facts.get(path)
        if facts is None:
            return None
        if path not in defines:
            defines[path] = {c.name for c in facts.classes} | {f.name for f in facts.functions}
        if name in defines[path]:
            return path
        source = next((f for f in facts.imports if f.kind is ImportKind.FROM and name in f.names), None)
        target = project.layout.module_file(path, source.module, source.level) if source else None
        if target is None:
            return None
        path = target
    return None


def _canonical(project: Project) -> Iterator[Canonical]:
    for name, path in project.settings.option("ssot.canonical"):
        found = canonical_matches(project, name, path)
        if found is None:
            continue  # (a canonical file that could not be checked)
        canonical, matches = found
        owner = project.layout.owner(path)
        copies = tuple(sorted((m.path, m.location.line) for m in matches))
        yield Canonical(name, path, canonical.location.line, owner.name if owner else "", copies)


def build(project: Project) -> FindIndex:
    """The index of a project (its facts must be complete: a ConfigError for a bad canonical)."""
    definitions = tuple(_definitions(project))
    usage = _usage(project, {d.name for d in definitions})
    units: Tuple[Unit, ...] = tuple(project.layout.units)
    return FindIndex(
        tuple((u.name, u.key, u.path) for u in units),
        definitions,
        tuple((path, name, count) for (path, name), count in sorted(usage.items())),
        tuple(_canonical(project)),
    )
