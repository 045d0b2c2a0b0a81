"""Per-file lookups over the facts, each built once per run and shared by every reader.

The project phase asks the same questions of a file many times (what does this name
import, which classes are called this, what instance is bound at module level). A file
may hold thousands of each, so every answer is an index built on first use, never a scan
per question.
"""

from __future__ import annotations

from typing import Dict, FrozenSet, List, Mapping

from archcheck.facts.names import import_aliases
from archcheck.model import ClassFact, FileFacts, ImportFact


class FileIndex:
    """Name indexes of each file's facts, built on first use."""

    def __init__(self, facts: Mapping[str, FileFacts]) -> None:
        self.facts = facts
        self._aliases: Dict[str, Dict[str, str]] = {}
        self._binders: Dict[str, Dict[str, List[ImportFact]]] = {}
        self._classes: Dict[str, Dict[str, List[ClassFact]]] = {}
        self._functions: Dict[str, FrozenSet[str]] = {}
        self._callables: Dict[str, FrozenSet[str]] = {}
        self._instances: Dict[str, Dict[str, str]] = {}

    def aliases(self, path: str) -> Dict[str, str]:
        """``import_aliases`` of the file's imports: local name -> dotted name."""
        found = self._aliases.get(path)
        if found is None:
            facts = self.facts.get(path)
            found = self._aliases[path] = import_aliases(facts.imports) if facts else {}
        return found

    def binders(self, path: str) -> Dict[str, List[ImportFact]]:
        """The imports that bind each local name, in file order."""
        found = self._binders.get(path)
        if found is None:
            found = self._binders[path] = {}
            facts = self.facts.get(path)
            for fact in facts.imports if facts else ():
                for local in dict(fact.aliases):
                    found.setdefault(local, []).append(fact)
        return found

    def classes(self, path: str) -> Dict[str, List[ClassFact]]:
        """The file's classes by name (a name defined twice has two)."""
        found = self._classes.get(path)
        if found is None:
            found = self._classes[path] = {}
            facts = self.facts.get(path)
            for fact in facts.classes if facts else ():
                found.setdefault(fact.name, []).append(fact)
        return found

    def functions(self, path: str) -> FrozenSet[str]:
        """The names of the file's module-level functions."""
        found = self._functions.get(path)
        if found is None:
            facts = self.facts.get(path)
            found = self._functions[path] = (
                frozenset(f.name for f in facts.functions) if facts else frozenset()
            )
        return found

    def callables(self, path: str) -> FrozenSet[str]:
        """What a call from another file can name: module-level functions and the methods of
        module-level classes (``Class.method``)."""
        found = self._callables.get(path)
        if found is None:
            facts = self.facts.get(path)
            methods = (f"{c.name}.{m}" for c in facts.classes for m in c.methods) if facts else ()
            found = self._callables[path] = self.functions(path).union(methods)
        return found

    def instances(self, path: str) -> Dict[str, str]:
        """The file's module-level instances (bound once): name -> the class as written."""
        found = self._instances.get(path)
        if found is None:
            facts = self.facts.get(path)
            found = self._instances[path] = dict(facts.module_instances) if facts else {}
        return found
