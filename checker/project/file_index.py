"""Per-file lookups over the facts, each built once per run and shared by every reader.

The project phase asks the same questions of a file many times (what does this name
import, which classes are called this, what instance is bound at module level). A file
may hold thousands of each, so every answer is an index built on first use, never a scan
per question.
"""

from __future__ import annotations

import functools
from typing import Any, Callable, Dict, FrozenSet, List, Mapping, Optional, Set, Tuple, TypeVar

from archcheck.facts.names import import_aliases
from archcheck.model import ClassFact, FileFacts, ImportFact

T = TypeVar("T")
Resolver = Callable[[str, ImportFact], Optional[str]]  # (file, import) -> the project file it loads


def _per_file(build: Callable[[FileIndex, FileFacts], T]) -> Callable[[FileIndex, str], T]:
    """A lookup that ``build`` makes of one file's facts (empty facts for a file with none) on
    the first question about that file, then keeps."""
    name = build.__name__

    @functools.wraps(build)
    def lookup(self: FileIndex, path: str) -> T:
        key = (name, path)
        if key not in self._built:
            self._built[key] = build(self, self.facts.get(path) or FileFacts(path))
        return self._built[key]  # type: ignore[no-any-return]

    return lookup


class FileIndex:
    """Name indexes of each file's facts, built on first use."""

    def __init__(self, facts: Mapping[str, FileFacts]) -> None:
        self.facts = facts
        self._built: Dict[Tuple[str, str], Any] = {}  # (lookup, path) -> what it built

    @_per_file
    def aliases(self, facts: FileFacts) -> Dict[str, str]:
        """``import_aliases`` of the file's imports: local name -> dotted name."""
        return import_aliases(facts.imports)

    @_per_file
    def binders(self, facts: FileFacts) -> Dict[str, List[ImportFact]]:
        """The imports that bind each local name, in file order."""
        found: Dict[str, List[ImportFact]] = {}
        for fact in facts.imports:
            for local in dict(fact.aliases):
                found.setdefault(local, []).append(fact)
        return found

    @_per_file
    def star_imports(self, facts: FileFacts) -> List[ImportFact]:
        """The module-level ``from x import *`` of the file, in file order."""
        return [fact for fact in facts.imports if "*" in fact.names and not fact.nested]

    @_per_file
    def bindings(self, facts: FileFacts) -> Dict[str, List[Tuple[ImportFact, str]]]:
        """The imports that bind each local name, in file order, each with what it binds the
        name to (``from a import b as c``: ``b``)."""
        found: Dict[str, List[Tuple[ImportFact, str]]] = {}
        for fact in facts.imports:
            for local, name in dict(fact.aliases).items():
                found.setdefault(local, []).append((fact, name))
        return found

    def star_exports(self, path: str, resolve: Resolver, depth: int = 8) -> Dict[str, List[str]]:
        """What the module-level ``from x import *`` of ``path`` bind: each name -> the modules
        it may come from, in file order (names they define, import, or take by a star of their
        own, ``depth`` levels down). ``resolve`` gives the project file an import loads."""
        key = ("star_exports", path)
        if key in self._built:
            return self._built[key]  # type: ignore[no-any-return]
        found: Dict[str, List[str]] = {}
        self._built[key] = found  # (a star cycle finds it empty)
        for fact in self.star_imports(path):
            module = resolve(path, fact)
            if module is None or module == path:
                continue
            for name in self._offered(module, resolve, depth - 1):
                found.setdefault(name, []).append(module)
        return found

    def _offered(self, path: str, resolve: Resolver, depth: int) -> Set[str]:
        """The module-level names of ``path`` a star import takes."""
        names = set(self.bindings(path)).union(self.classes(path), self.functions(path), self.instances(path))
        if depth > 0 and self.star_imports(path):
            names.update(self.star_exports(path, resolve, depth))
        return names

    @_per_file
    def classes(self, facts: FileFacts) -> Dict[str, List[ClassFact]]:
        """The file's classes by name (a name defined twice has two)."""
        found: Dict[str, List[ClassFact]] = {}
        for fact in facts.classes:
            found.setdefault(fact.name, []).append(fact)
        return found

    @_per_file
    def functions(self, facts: FileFacts) -> FrozenSet[str]:
        """The names of the file's module-level functions."""
        return frozenset(f.name for f in facts.functions)

    @_per_file
    def callables(self, facts: FileFacts) -> FrozenSet[str]:
        """What a call from another file can name: module-level functions and the methods of
        module-level classes (``Class.method``)."""
        methods = (f"{c.name}.{m}" for c in facts.classes for m in c.methods)
        return self.functions(facts.path).union(methods)

    @_per_file
    def instances(self, facts: FileFacts) -> Dict[str, str]:
        """The file's module-level instances (bound once): name -> the class as written."""
        return dict(facts.module_instances)
