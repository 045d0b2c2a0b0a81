"""Per-file lookups over the facts, each built once per run and shared by every reader.

The project phase asks the same questions of a file many times (what does this name
import, which classes are called this, what instance is bound at module level). A file
may hold thousands of each, so every answer is an index built on first use, never a scan
per question.
"""

from __future__ import annotations

import functools
from typing import Any, Callable, Dict, FrozenSet, List, Mapping, Optional, Tuple, TypeVar

from archcheck.facts.names import import_aliases
from archcheck.model import ClassFact, FileFacts, ImportFact

T = TypeVar("T")
Resolver = Callable[[str, ImportFact], Optional[str]]  # (file, import) -> the project file it loads
_FEW_STARS = 8  # star imports of a file looked through one by one; past that, an index


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
        self._star_found: Dict[Tuple[str, str, int], Optional[str]] = {}  # see ``star_source``

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

    def star_source(self, path: str, name: str, resolve: Resolver, depth: int) -> Optional[str]:
        """The module a ``from x import *`` of ``path`` binds ``name`` from, as Python binds it:
        the last one that binds the name itself or, ``depth`` levels down, by a star of its own
        (not a ``_name``; ``__all__`` is not read). ``resolve`` gives the project file an import
        loads. Asked once per file, name and depth; a star cycle binds nothing."""
        key = (path, name, depth)
        if key in self._star_found:
            return self._star_found[key]
        self._star_found[key] = None
        modules = self.star_modules(path, resolve)
        found = None
        if modules and not name.startswith("_"):
            # (an index where there are many: an `__init__` of N stars, each name asked for, was N²)
            last, deeper = self._star_index(path, resolve) if len(modules) > _FEW_STARS else (None, ())
            at = last.get(name, -1) if last is not None else -1
            for position in range(len(modules) - 1, at, -1):
                if last is not None and position not in deeper:
                    continue
                module = modules[position]
                if (last is None and name in self._offers(module)) or (
                    depth > 0 and self.star_source(module, name, resolve, depth - 1) is not None
                ):
                    at = position
                    break
            found = modules[at] if at >= 0 else None
        self._star_found[key] = found
        return found

    def star_modules(self, path: str, resolve: Resolver) -> List[str]:
        """The project files the module-level star imports of ``path`` load, in file order."""
        key = ("star_modules", path)
        if key not in self._built:
            modules = (resolve(path, fact) for fact in self.star_imports(path))
            self._built[key] = [m for m in modules if m is not None and m != path]
        return self._built[key]  # type: ignore[no-any-return]

    def _star_index(self, path: str, resolve: Resolver) -> Tuple[Dict[str, int], FrozenSet[int]]:
        """For the star imports of ``path``: each name -> the last one that binds it itself,
        and which of them have star imports of their own."""
        key = ("star_index", path)
        if key not in self._built:
            modules = self.star_modules(path, resolve)
            last = {name: at for at, module in enumerate(modules) for name in self._offers(module)}
            deeper = frozenset(at for at, module in enumerate(modules) if self.star_imports(module))
            self._built[key] = (last, deeper)
        return self._built[key]  # type: ignore[no-any-return]

    @_per_file
    def _offers(self, facts: FileFacts) -> FrozenSet[str]:
        """The module-level names the file binds itself (a star import of it takes them): not by
        an import in a function's code, nor by one for type checkers only."""
        path = facts.path
        defined = (self.classes(path), self.functions(path), self.instances(path))
        imported = (
            local
            for local, bound in self.bindings(path).items()
            if any(not (fact.nested or fact.typing_only) for fact, _ in bound)
        )
        return frozenset(imported).union(*defined)

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
