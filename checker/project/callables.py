"""Which function a callee used under a protocol (``async with``, ``Depends``) certainly is.

The per-file facts say where a callee's first name is bound (``CallableRef``); here imports
are followed with the project's own resolution (``Layout.module_file``), through re-exports,
into module-level functions, methods of classes, and module-level instances. Anything that
is not certain ends the search with None: a name that several imports bind to different
places, a file that defines the name and imports it too, a class or function that is not a
recorded protocol function, a module outside the project. One level of plain delegation
(``def get_db_session(): return get_db()``) is followed, as the rules promise.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Collection, Dict, Iterator, List, Mapping, Optional, Tuple

from archcheck.facts.generators import DELEGATE
from archcheck.model import CallableRef, FileFacts, Location, ProtocolDefFact, ProtocolUseFact
from archcheck.project.imported_names import MAX_HOPS, import_target
from archcheck.project.project import Project

_MAX_HOPS = MAX_HOPS


@dataclass(frozen=True)
class Target:
    """A protocol function a callee leads to, and the delegation it went through, if any."""

    path: str
    definition: ProtocolDefFact
    via: Optional[Tuple[str, ProtocolDefFact]] = None

    @property
    def kind(self) -> str:
        return self.definition.kind

    @property
    def name(self) -> str:
        return self.definition.qualname.rsplit(".", 1)[-1]

    @property
    def related(self) -> List[Location]:
        """Where the function is defined, and the delegation that led to it."""
        return [self.definition.location, *([self.via[1].location] if self.via is not None else [])]

    @property
    def described(self) -> str:
        """How a message names it: ``'get_db'``, or ``it returns 'get_db()', which``."""
        return f"'{self.name}'" if self.via is None else f"it returns '{self.name}()', which"


class Callables:
    """Resolution of callees to protocol functions, shared by the rules that ask (one per project)."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.facts: Mapping[str, FileFacts] = project.facts
        self.files = project.files
        self._defs: Dict[str, Dict[str, ProtocolDefFact]] = {}

    @classmethod
    def of(cls, project: Project) -> Callables:
        return project.derived("async.callables", lambda: cls(project))

    def uses(self, kinds: Collection[str]) -> Iterator[Tuple[ProtocolUseFact, Target]]:
        """Every protocol use of one of ``kinds`` whose callee certainly resolves, with its target."""
        for path, facts in self.facts.items():
            for use in facts.protocol_uses:
                target = self.resolve(path, use.ref) if use.kind in kinds else None
                if target is not None:
                    yield use, target

    def resolve(self, path: str, ref: CallableRef) -> Optional[Target]:
        """The protocol function ``ref`` in ``path`` certainly calls (one delegation followed)."""
        found = self._lookup(path, ref)
        if found is None:
            return None
        where, definition = found
        if definition.kind != DELEGATE:
            return Target(where, definition)
        if definition.ref is None:
            return None
        behind = self._lookup(where, definition.ref)
        if behind is None or behind[1].kind == DELEGATE:
            return None
        return Target(behind[0], behind[1], via=found)

    # --- one file's names ------------------------------------------------------

    def defs(self, path: str) -> Dict[str, ProtocolDefFact]:
        if path not in self._defs:
            facts = self.facts.get(path)
            self._defs[path] = {d.qualname: d for d in facts.protocol_defs} if facts else {}
        return self._defs[path]

    def _lookup(self, path: str, ref: CallableRef) -> Optional[Tuple[str, ProtocolDefFact]]:
        if ref.base == "self":
            return self._defined(path, f"{ref.scope}.{ref.target}")
        if ref.base == "local":
            return self._defined(path, f"{ref.scope}.<locals>.{ref.target}")
        if ref.base == "instance":
            cls = self._class(path, ref.scope, 0)
            return self._defined(cls[0], f"{cls[1]}.{ref.target}") if cls else None
        if ref.base == "import":
            return self._imported(path, ref.target, 0)
        return self._symbol(path, ref.target, 0)

    def _defined(self, path: str, qualname: str) -> Optional[Tuple[str, ProtocolDefFact]]:
        found = self.defs(path).get(qualname)
        return (path, found) if found is not None else None

    def _symbol(self, path: str, dotted: str, hops: int) -> Optional[Tuple[str, ProtocolDefFact]]:
        """A module-level name of ``path`` (``get_db``, ``Database.session``, ``db.session``)."""
        found = self._defined(path, dotted)
        if found is not None:
            return found
        if path not in self.facts:
            return None
        head, _, rest = dotted.partition(".")
        instance = self.files.instances(path).get(head)
        if instance is not None:
            cls = self._class(path, instance, hops) if rest and "." not in rest else None
            return self._defined(cls[0], f"{cls[1]}.{rest}") if cls else None
        if head in self.files.functions(path) or head in self.files.classes(path):
            return None  # defined here, and not a protocol function (or not certainly one)
        return self._imported(path, dotted, hops)

    def _class(self, path: str, written: str, hops: int) -> Optional[Tuple[str, str]]:
        """(file, qualname) of the module-level class ``written`` names in ``path``."""
        if path not in self.facts or hops > _MAX_HOPS:
            return None
        if "." not in written:
            same = self.files.classes(path).get(written)
            if same:
                unique = len(same) == 1 and written not in self.files.functions(path)
                return (path, written) if unique else None
        place = self._import_target(path, written)
        return self._class(place[0], place[1], hops + 1) if place and place[1] else None

    def _imported(self, path: str, dotted: str, hops: int) -> Optional[Tuple[str, ProtocolDefFact]]:
        if hops > _MAX_HOPS:
            return None
        place = self._import_target(path, dotted)
        if place is None or not place[1]:
            return None
        return self._symbol(place[0], place[1], hops + 1)

    def _import_target(self, path: str, dotted: str) -> Optional[Tuple[str, str]]:
        return import_target(self.project.layout, self.files, path, dotted)
